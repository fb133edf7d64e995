import { defineRule, type Report } from "../src/engine/rule.js";
import { FLUX_FORCE_KEY, fluxNeverUpdates, forceMarkersOf, isForceEnabled, templateForceMarkersOf } from "../src/model/flux-force.js";
import { helmProvenanceOf } from "../src/model/helm-provenance.js";
import { describe, type K8sObject } from "../src/model/objects.js";
import { updateStrategyOf, type UpdateStrategyView } from "../src/model/update-strategy.js";

export default defineRule({
  meta: {
    id: "strategy-flip-without-force",
    description:
      "A Deployment with `strategy.type: Recreate` (StatefulSet: `updateStrategy.type: OnDelete`) and no Flux force switch: if the live object carries a rollingUpdate block from an earlier RollingUpdate, every server-side apply is rejected.",
    rationale:
      "A Deployment created with RollingUpdate (declared or defaulted) gets an API-defaulted `spec.strategy.rollingUpdate` " +
      "block (`maxSurge: 25%`, `maxUnavailable: 25%`). Server-side apply removes only fields that the same field " +
      "manager applied before, so it (Flux kustomize-controller always; helm-controller 1.5+ and Helm 4 by default) never removes the block when the manifest " +
      "switches to `Recreate`, and the API server rejects the merged object on every reconcile: " +
      "`spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy type is 'Recreate'` (a StatefulSet " +
      "switched to `OnDelete` fails the same way on `spec.updateStrategy.rollingUpdate` when its live object has that " +
      "block: the API server adds one only when `updateStrategy.type` is left out, or the manifest declared one). Client-side `kubectl apply` " +
      "and Helm 3's three-way merge clear the block (the field has `retainKeys`), which is why the flip often works " +
      "on a laptop and then wedges the GitOps reconciler.\n\n" +
      "From one revision the linter cannot see whether the live object was ever RollingUpdate, so the finding is a " +
      "**warning**: a Recreate Deployment that was created as Recreate is fine. Run with `--base REV` (or `--base-file` " +
      "for a render on stdin) and a flip made in this change is an **error**; an unchanged Recreate keeps the warning, " +
      "while an object that is new in this change (no live object yet), or that was already Recreate with the switch " +
      "at the base (the migration is done and the switch was rightly removed), is not reported. The switch " +
      "`kustomize.toolkit.fluxcd.io/force: enabled` on the object's own labels or annotations (value compared " +
      "case-insensitively, as fluxcd/pkg `ssa/utils/meta.go` does) lets Flux delete and recreate the object instead, " +
      "so such objects are not reported, nor are objects Flux never updates in place " +
      "(`kustomize.toolkit.fluxcd.io/ssa: IfNotPresent` or `Ignore`, `kustomize.toolkit.fluxcd.io/reconcile: disabled`). " +
      "On the pod template the switch does nothing, and helm-controller ignores it.",
    remediation:
      "Pick one:\n\n" +
      "- Keep `type: RollingUpdate` with `rollingUpdate: {maxSurge: 0, maxUnavailable: 1}`: the old Pod stops before " +
      "the new one starts, which is usually what Recreate was wanted for (a ReadWriteOnce volume, a single writer).\n" +
      "- Add `kustomize.toolkit.fluxcd.io/force: enabled` to the Deployment's `metadata.annotations` in the commit " +
      "that changes the strategy, and remove it in the next one. Flux's docs say it \"should be removed after the " +
      "change is applied\": left on, any invalid edit makes Flux delete and recreate the object (downtime, lost " +
      "status). It has no effect under helm-controller.\n" +
      "- Fix the live object once by hand before the change is reconciled: " +
      "`kubectl patch deployment NAME --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/strategy/rollingUpdate\"},{\"op\":\"replace\",\"path\":\"/spec/strategy/type\",\"value\":\"Recreate\"}]'`.\n\n" +
      "Neither `$patch: replace` nor `rollingUpdate: null` in the manifest is a fix: `$patch` is not a field " +
      "(server-side apply drops it, strict validation rejects it; see `inline-patch-directive`).",
    defaultSeverity: "warning",
    example: {
      bad:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    type: Recreate\n" +
        "  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 1\n" +
        "  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0\n",
    },
    tags: ["flux", "server-side-apply", "rollout"],
    precision: "medium",
  },
  check({ set, diff, report }) {
    for (const object of set.ofKind("Deployment", "StatefulSet")) {
      const strategy = updateStrategyOf(object);
      if (!strategy?.isNonRolling || isForceEnabled(object) || fluxNeverUpdates(object)) continue;

      let history: History = { kind: "unknown" };
      if (diff) {
        const previous = diff.baseOf(object);
        if (!previous) continue; // new in this change: no live object carries a rollingUpdate block yet
        const before = updateStrategyOf(previous);
        const { baseName } = diff;
        if (before?.isRolling && before.storesRollingUpdate) history = { kind: "flipped", from: before.type ? before.type : "RollingUpdate (default)" };
        // Recreate with the force switch at the base: the migration went through a recreate, the live
        // object is clean, and dropping the switch now is exactly what the remediation asks for.
        else if (before?.isNonRolling && isForceEnabled(previous)) continue;
        else if (!before || before.isNonRolling) history = { kind: "unchanged", baseName };
        else history = { kind: "no-block-at-base", baseName };
      }

      const finding: Report = {
        object,
        path: strategy.typePath,
        message: messageFor(object, strategy, history),
        remediation: remediationFor(object, strategy),
      };
      if (history.kind === "flipped") finding.severity = "error";
      report(finding);
    }
  },
});

/** What the base revision says about the live object; `unknown` in a single-revision run. */
type History =
  | { kind: "unknown" }
  | { kind: "flipped"; from: string }
  | { kind: "unchanged"; baseName: string }
  /** A StatefulSet whose explicit RollingUpdate at the base stored no rollingUpdate block. */
  | { kind: "no-block-at-base"; baseName: string };

function messageFor(object: K8sObject, s: UpdateStrategyView, history: History): string {
  const helm = helmProvenanceOf(object) !== undefined;
  // helm-controller ignores the switch: its absence is no part of the problem there, and adding it would not help.
  const without = helm ? " (Helm-delivered: Flux's force annotation does not apply)" : ` without ${FLUX_FORCE_KEY}: enabled`;
  const current = `${s.nonRollingType}${without}`;
  const fails = `every apply fails: "spec.${s.field}.rollingUpdate: ${s.nonRollingType === "Recreate" ? "Forbidden" : "Invalid value"}"`;
  const fix =
    s.nonRollingType === "Recreate"
      ? "keep RollingUpdate with maxSurge: 0, maxUnavailable: 1"
      : helm
        ? "remove the live rollingUpdate block once with kubectl patch"
        : "add the annotation for this one commit";
  const subject = describe(object);
  switch (history.kind) {
    case "flipped":
      return `${subject}: ${history.from} → ${s.nonRollingType}${without}, so ${fails}; ${fix}`;
    case "unchanged":
      return `${subject}: ${current}, unchanged since ${history.baseName}; if it still has a live rollingUpdate block, ${fails}; ${fix}`;
    case "no-block-at-base":
      return `${subject}: RollingUpdate → ${s.nonRollingType}${without}; the explicit RollingUpdate at ${history.baseName} stored no rollingUpdate block, but if a live one is left, ${fails}; ${fix}`;
    case "unknown": {
      const before = s.nonRollingType === "Recreate" ? "it was RollingUpdate" : "it has a live rollingUpdate block";
      return `${subject}: ${current}; if ${before}, ${fails} (check with --base REV); ${fix}`;
    }
  }
}

function remediationFor(object: K8sObject, s: UpdateStrategyView): string {
  const helm = helmProvenanceOf(object);
  const resource = object.kind === "Deployment" ? "deployment" : "statefulset";
  const ns = object.namespace ? ` -n ${object.namespace}` : "";
  const patch =
    `kubectl${ns} patch ${resource} ${object.name || "NAME"} --type=json -p '[{"op":"remove","path":"/spec/${s.field}/rollingUpdate"},` +
    `{"op":"replace","path":"/spec/${s.field}/type","value":"${s.nonRollingType}"}]'`;
  const options: string[] = [];
  if (s.nonRollingType === "Recreate") {
    options.push(
      "Keep `type: RollingUpdate` with `rollingUpdate: {maxSurge: 0, maxUnavailable: 1}`: the old Pod stops before the new one starts, which is usually why Recreate was wanted (a ReadWriteOnce volume, a single writer).",
    );
  }
  if (!helm) {
    options.push(
      `Add \`${FLUX_FORCE_KEY}: enabled\` to the ${object.kind}'s metadata.annotations (not the pod template) for the commit that changes the strategy, and remove it once Flux has applied it: Flux's docs say it "should be removed after the change is applied"; left on, any invalid edit makes Flux delete and recreate the object.`,
    );
  } else {
    options.push(`The Flux force annotation does not help here: this object looks Helm-delivered (${helm}), and helm-controller ignores it.`);
  }
  options.push(`Or patch the live object once, before the change is reconciled: \`${patch}\`.`);
  options.push("Neither `$patch: replace` nor `rollingUpdate: null` in the manifest is a fix.");
  const disabled = forceMarkersOf(object).find((m) => !m.enabled && m.value.toLowerCase() !== "disabled");
  if (disabled) options.push(`Its ${disabled.field === "labels" ? "label" : "annotation"} \`${FLUX_FORCE_KEY}: "${disabled.value}"\` does nothing: Flux acts only on the value \`enabled\`.`);
  if (templateForceMarkersOf(object).length > 0) options.push(`\`${FLUX_FORCE_KEY}\` on the pod template does nothing: Flux reads it only from the ${object.kind}'s own metadata.`);
  return options.join(" ");
}
