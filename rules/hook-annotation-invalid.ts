import { defineRule, type Report } from "../src/engine/rule.js";
import { closestName } from "../src/util/closest-name.js";
import { parseHookWeight } from "../src/model/hook-weight.js";
import { describe, type K8sObject } from "../src/model/objects.js";
import { pathIn } from "../src/model/pod-spec.js";

/** Helm's hook events (`pkg/release/v1/util/manifest_sorter.go`); `test-success` is Helm 2's name for `test`, still accepted. */
const EVENTS = ["pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade", "post-upgrade", "pre-rollback", "post-rollback", "test", "test-success"];
const DELETE_POLICIES = ["before-hook-creation", "hook-succeeded", "hook-failed"];

export default defineRule({
  meta: {
    id: "hook-annotation-invalid",
    description: "A `helm.sh/hook` event Helm does not know, a `helm.sh/hook-weight` Helm cannot read (not an integer, or out of range), or an unknown `helm.sh/hook-delete-policy`.",
    rationale:
      "Helm reads hook annotations leniently and never reports a mistake. An unknown event anywhere in " +
      "`helm.sh/hook` (a typo such as `pre-instal`, or an empty entry from a trailing comma) makes Helm skip the " +
      "whole object: it is neither run as a hook nor installed, with only an info-level log line (Helm 3 and 4, " +
      "`manifest_sorter.go`: \"skipping unknown hooks\"). `helm template` drops it too, so such an object is " +
      "found only when the chart's own files (or other raw manifests) are linted; in rendered output the symptom " +
      "is an object that is missing. Events are compared case-insensitively after trimming. `crd-install` is " +
      "Helm 2's CRD hook: Helm 3 and 4 install CRDs from the chart's `crds/` directory and skip an object " +
      "that still carries it. " +
      "Helm reads `helm.sh/hook-weight` with `strconv.Atoi` and uses 0 whenever that fails " +
      "(`manifest_sorter.go` calculateHookWeight): a weight that is not a plain integer (`\"1.5\"`, `\"-5 \"`, " +
      "`\"first\"`) or is out of the 64-bit range (`\"99999999999999999999\"` is 0, not the largest weight) silently " +
      "becomes 0, reordering hooks. An empty weight is 0 too, the same as none: not reported. " +
      "Delete policies are not validated either: an unknown one never matches, and when no valid policy " +
      "remains the object also loses Helm's default `before-hook-creation` (`pkg/action/hooks.go` applies it only " +
      "when no policy is set): the hook object stays, and Helm 3 fails the next install or upgrade that creates " +
      "it again with `already exists`.",
    remediation:
      "Use Helm's names: events `pre-install`, `post-install`, `pre-upgrade`, `post-upgrade`, `pre-rollback`, " +
      "`post-rollback`, `pre-delete`, `post-delete`, `test`; an integer weight as a string (`\"-5\"`); delete " +
      "policies `before-hook-creation`, `hook-succeeded`, `hook-failed`. Move a CRD with `crd-install` to the " +
      "chart's `crds/` directory.",
    defaultSeverity: "error",
    example: {
      bad: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-instal,pre-upgrade\n    helm.sh/hook-weight: \"1.5\"\n",
      good: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-weight: \"1\"\n",
    },
    tags: ["helm", "hooks"],
    precision: "very-high",
  },
  check({ set, report }) {
    // Objects Helm dropped for an unknown hook event, from its log while gitops-lint rendered the chart (src/render/helm-chart.ts).
    for (const problem of set.problems) {
      if (problem.kind !== "hook-annotation-invalid") continue;
      if ("object" in problem) report({ object: problem.object, path: problem.path, message: problem.message });
      else report({ file: problem.file, line: problem.line, column: problem.column, message: problem.message, ...(problem.document ? { document: problem.document } : {}) });
    }
    for (const object of set.objects) {
      const hook = object.annotations["helm.sh/hook"];
      if (hook === undefined) continue;
      const at = (key: string) => pathIn(object, "metadata", "annotations", key);
      const unknown = hook.split(",").map((e) => e.trim()).filter((e) => !EVENTS.includes(e.toLowerCase()));
      if (unknown.length > 0) {
        const entries = unknown.map((e) => describeEntry(e, EVENTS));
        const fixes = entries.map((e) => e.fix);
        report({
          object,
          path: at("helm.sh/hook"),
          message:
            // `helm.sh/hook "pre-instal" is not a hook event` when the bad entry is the whole value; otherwise name the entries.
            `${describe(object)}: helm.sh/hook "${hook}" ${unknown.length === 1 && unknown[0] === hook.trim() ? "is not a hook event" : `has ${entries.map((e) => e.what).join(", ")}`}, so Helm silently skips the whole object; ` +
            (fixes.every((f) => f !== undefined) ? fixes.join("; ") : `use only ${EVENTS.slice(0, 9).join(", ")}`),
        });
      }
      checkWeight(object, at("helm.sh/hook-weight"), report);
      checkDeletePolicy(object, at("helm.sh/hook-delete-policy"), report);
    }
  },
});

type ReportFn = (finding: Report) => void;

function checkWeight(object: K8sObject, path: ReturnType<typeof pathIn>, report: ReportFn): void {
  const text = object.annotations["helm.sh/hook-weight"];
  const { problem } = parseHookWeight(text);
  if (problem === undefined) return;
  const subject = `${describe(object)}: helm.sh/hook-weight "${text}"`;
  if (problem === "out-of-range") {
    report({
      object,
      path,
      severity: "warning",
      message: `${subject} is out of range for strconv.Atoi (64-bit int), so Helm reads it as 0 and sorts the hook among the weight-0 hooks; write a weight between ${INT64_RANGE}`,
    });
    return;
  }
  report({
    object,
    path,
    severity: "warning",
    message: `${subject} is not an integer, so Helm reads it as 0; write an integer string such as "${suggestWeight(text!)}"`,
  });
}

function checkDeletePolicy(object: K8sObject, path: ReturnType<typeof pathIn>, report: ReportFn): void {
  const value = object.annotations["helm.sh/hook-delete-policy"];
  if (value === undefined) return;
  const entries = value.split(",").map((e) => e.trim().toLowerCase());
  const unknown = entries.filter((e) => e !== "" && !DELETE_POLICIES.includes(e)).map((e) => describeEntry(e, DELETE_POLICIES));
  const valid = entries.filter((e) => DELETE_POLICIES.includes(e));
  if (valid.length > 0 && unknown.length === 0) return;
  const fix = unknown.length > 0 && unknown.every((e) => e.fix !== undefined) ? unknown.map((e) => e.fix).join("; ") : `use only ${DELETE_POLICIES.join(", ")}`;
  const subject = `${describe(object)}: helm.sh/hook-delete-policy "${value}"`;
  if (valid.length > 0) {
    report({ object, path, severity: "warning", message: `${subject} has ${unknown.map((e) => e.what).join(", ")}, which Helm ignores; ${fix}` });
    return;
  }
  report({
    object,
    path,
    message: `${subject} has no policy Helm knows, so the hook object is never deleted and Helm 3 fails the next install or upgrade with "already exists"; ${fix}`,
    remediation:
      "Because a delete policy is set, Helm's default before-hook-creation does not apply either: the hook object stays, and Helm 3 " +
      `fails the next install or upgrade that creates it again. Use only ${DELETE_POLICIES.join(", ")}.`,
  });
}

/** An unknown entry for a message (`unknown event "pre-instal"`), and its fix when one is certain. */
function describeEntry(entry: string, valid: string[]): { what: string; fix?: string } {
  if (entry === "") return { what: "an empty entry", fix: "remove the empty entry" };
  if (entry.toLowerCase() === "crd-install") return { what: `Helm 2's "crd-install"`, fix: "move the CRD to the chart's crds/ directory" };
  // Helm calls uninstall hooks "delete": pre-uninstall → pre-delete.
  const renamed = entry.replace("uninstall", "delete");
  const close = valid.includes(renamed) ? renamed : closestName(entry, valid);
  return { what: `unknown "${entry}"`, ...(close ? { fix: `did you mean "${close}"?` } : {}) };
}

const INT64_RANGE = "-9223372036854775808 and 9223372036854775807";

/** The integer the author probably meant (`"1.5"` → 1, `" 5"` → 5), or 0. */
function suggestWeight(text: string): string {
  const n = Math.trunc(Number(text.trim()));
  return Number.isSafeInteger(n) ? String(n) : "0";
}
