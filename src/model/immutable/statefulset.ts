import type { NodePath } from "../../load/types.js";
import { asArray, getPath, isObject } from "../../util/json.js";
import type { K8sObject } from "../objects.js";
import { normalizedClaimSpec } from "./claim-spec.js";
import { describeValueChange, dotted } from "./describe-change.js";
import { atMost } from "./kube-version.js";
import { labelChanges } from "./label-changes.js";
import { firstDifference } from "./same-value.js";
import type { KindRules } from "./types.js";

const FORBIDDEN =
  "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

/**
 * StatefulSet: everything in `spec` but replicas, ordinals, template, updateStrategy,
 * persistentVolumeClaimRetentionPolicy and minReadySeconds is fixed at creation
 * (pkg/apis/apps/validation/validation.go `ValidateStatefulSetUpdate`: those fields are copied from the
 * old object into a clone of the new one, and any remaining difference is Forbidden). Compared after the
 * API server's defaults (apps/v1 SetDefaults_StatefulSet: podManagementPolicy OrderedReady,
 * revisionHistoryLimit 10; an absent serviceName is ""; each volumeClaimTemplate as a claim spec, its
 * status and apiVersion/kind left out as the internal type drops them).
 *
 * `revisionHistoryLimit`: Kubernetes 1.31 rejects a change (kubernetes#130263); newer API servers list it
 * among the updatable fields. The release that relaxed it is not pinned here, so a change to it alone is
 * certain only with `--kube-version` 1.31 or older.
 */
export const statefulSetRules: KindRules = {
  kinds: ["StatefulSet"],
  apiVersions: ["apps/v1", "apps/v1beta2", "apps/v1beta1"],
  changes(base, head, context) {
    const found = fixedFieldChanges(base, head);
    if (found.length === 0) return [];
    const onlyHistoryLimit = found.every((f) => f.field === "revisionHistoryLimit");
    return [
      {
        path: found[0]!.path,
        error: FORBIDDEN,
        change: found.map((f) => f.words).join("; "),
        effect: "rejected",
        ...(onlyHistoryLimit && !atMost(context.kubeVersion, 1, 31)
          ? { unless: "the API server accepts revisionHistoryLimit changes (newer Kubernetes releases do; 1.31 does not: pass --kube-version to make this certain)" }
          : {}),
      },
    ];
  },
};

interface Found {
  field: string;
  path: NodePath;
  words: string;
}

function fixedFieldChanges(base: K8sObject, head: K8sObject): Found[] {
  const before = isObject(base.body.spec) ? base.body.spec : {};
  const after = isObject(head.body.spec) ? head.body.spec : {};
  const out: Found[] = [];
  const scalar = (field: string, fallback: unknown): void => {
    const a = before[field] ?? fallback;
    const b = after[field] ?? fallback;
    if (a !== b) out.push({ field, path: ["spec", field], words: describeValueChange(field, a, b) });
  };
  const selector = firstDifference(before.selector, after.selector);
  if (selector) {
    const labels = labelChanges(getPath(before.selector, ["matchLabels"]), getPath(after.selector, ["matchLabels"]));
    out.push({ field: "selector", path: ["spec", "selector", ...selector], words: `selector ${labels ? `matchLabels ${labels.words}` : "changed"}` });
  }
  scalar("serviceName", "");
  scalar("podManagementPolicy", "OrderedReady");
  out.push(...templateChanges(asArray(before.volumeClaimTemplates), asArray(after.volumeClaimTemplates)));
  scalar("revisionHistoryLimit", 10);
  return out;
}

function templateChanges(before: unknown[], after: unknown[]): Found[] {
  const out: Found[] = [];
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const path: NodePath = ["spec", "volumeClaimTemplates", i];
    const label = `volumeClaimTemplates[${i}]${nameOf(after[i] ?? before[i])}`;
    if (i >= after.length || i >= before.length) {
      out.push({ field: "volumeClaimTemplates", path, words: `${label} ${i >= after.length ? "removed" : "added"}` });
      continue;
    }
    const a = comparable(before[i]);
    const b = comparable(after[i]);
    const difference = firstDifference(a, b);
    if (!difference) continue;
    const labels = difference[0] === "metadata" && difference[1] === "labels" ? labelChanges(getPath(a, ["metadata", "labels"]), getPath(b, ["metadata", "labels"])) : undefined;
    out.push({
      field: "volumeClaimTemplates",
      path: [...path, ...difference],
      words: labels
        ? `${label} metadata.labels ${labels.words}`
        : `${label} ${describeValueChange(dotted(difference), getPath(before[i], difference) ?? getPath(a, difference), getPath(after[i], difference) ?? getPath(b, difference))}`,
    });
  }
  return out;
}

function nameOf(template: unknown): string {
  const name = getPath(template, ["metadata", "name"]);
  return typeof name === "string" ? ` (${name})` : "";
}

function comparable(template: unknown): Record<string, unknown> {
  if (!isObject(template)) return {};
  const metadata = isObject(template.metadata) ? { ...template.metadata } : {};
  delete metadata.creationTimestamp;
  return { metadata, spec: normalizedClaimSpec(template.spec) };
}
