import { defineRule } from "../src/engine/rule.js";
import type { NodePath } from "../src/load/types.js";
import { describe, type K8sObject } from "../src/model/objects.js";
import { releaseBoundReason } from "../src/model/release-labels.js";
import { asArray, getPath, isObject } from "../src/util/json.js";

const SELECTOR_KINDS = ["Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"];

export default defineRule({
  meta: {
    id: "release-label-in-immutable-field",
    description:
      "A label whose value changes with every release (`helm.sh/chart: app-1.2.3`, `app.kubernetes.io/version: 1.2.3`, the chart or app version) inside a field the API server never lets change: a workload's `spec.selector` or a StatefulSet's `volumeClaimTemplates[].metadata.labels`.",
    rationale:
      "The first install works. The next release changes the label's value, the selector or claim template changes with it, and " +
      "every upgrade from then on fails with `spec.selector: … field is immutable` (Deployment, DaemonSet, ReplicaSet, StatefulSet; " +
      "pkg/registry/apps/*/strategy.go `ValidateUpdate`) or `spec: Forbidden: updates to statefulset spec for fields other than …` " +
      "(pkg/apis/apps/validation `ValidateStatefulSetUpdate`), under Helm, Flux and Argo CD alike, until someone deletes the object " +
      "(`immutable-field-changed` reports that change when it happens, with `--base`). This rule needs no base: the label tells.\n\n" +
      "Reported: `helm.sh/chart` and `chart` written as `name-version`; `app.kubernetes.io/version` and `version` holding a release " +
      "version (`1.2`, `v1.2.3`); any label whose value is the chart version in the object's own `helm.sh/chart` label or the app " +
      "version in its `app.kubernetes.io/version` label. Labels kustomize writes into every selector (`commonLabels`, `labels` with " +
      "`includeSelectors: true`) show in the built output and are checked there.\n\n" +
      "Not reported: `heritage` (always `Helm` since Helm 3), `version: v1`-style tracks (stable by design, as in Istio's " +
      "per-version Deployments), and a value the object's own name contains (a new version is then a new object), nor labels on the " +
      "pod template, which may change freely.",
    remediation:
      "Select on labels that never change for the life of the object (`app.kubernetes.io/name`, `app.kubernetes.io/instance`) and " +
      "keep version labels on the pod template and the object's own metadata only. In a chart, use a separate `selectorLabels` helper " +
      "(as `helm create` does) for `spec.selector` and `volumeClaimTemplates`. With kustomize, use `labels:` without " +
      "`includeSelectors: true` instead of `commonLabels` for anything that changes. Removing the label from an existing selector is " +
      "itself a selector change: do it with a one-time delete and recreate (`kubectl delete statefulset NAME --cascade=orphan` keeps " +
      "the Pods of a StatefulSet).",
    defaultSeverity: "warning",
    example: {
      bad:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: api\n      helm.sh/chart: api-1.4.2\n" +
        "  template:\n    metadata:\n      labels: {app.kubernetes.io/name: api, helm.sh/chart: api-1.4.2}\n    spec:\n      containers:\n        - name: api\n          image: api:2.0.1\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: api\n" +
        "  template:\n    metadata:\n      labels: {app.kubernetes.io/name: api, helm.sh/chart: api-1.4.2}\n    spec:\n      containers:\n        - name: api\n          image: api:2.0.1\n",
    },
    tags: ["helm", "kustomize", "upgrade", "immutable"],
    precision: "high",
  },
  check({ set, report }) {
    for (const object of set.ofKind(...SELECTOR_KINDS)) {
      if (!object.apiVersion.startsWith("apps/")) continue;
      const selector = getPath(object.body, ["spec", "selector"]);
      for (const [key, value] of labelEntries(getPath(selector, ["matchLabels"]))) {
        const why = releaseBoundReason(key, value, object);
        if (why) report({ object, path: [...object.basePath, "spec", "selector", "matchLabels", key], message: selectorMessage(object, key, value, why) });
      }
      asArray(getPath(selector, ["matchExpressions"])).forEach((expression, i) => {
        if (!isObject(expression) || typeof expression.key !== "string") return;
        const key = expression.key;
        asArray(expression.values).forEach((value, j) => {
          const why = typeof value === "string" ? releaseBoundReason(key, value, object) : undefined;
          if (why) report({ object, path: [...object.basePath, "spec", "selector", "matchExpressions", i, "values", j], message: selectorMessage(object, key, value as string, why) });
        });
      });
      if (object.kind !== "StatefulSet") continue;
      asArray(getPath(object.body, ["spec", "volumeClaimTemplates"])).forEach((template, i) => {
        for (const [key, value] of labelEntries(getPath(template, ["metadata", "labels"]))) {
          const why = releaseBoundReason(key, value, object);
          if (!why) continue;
          const path: NodePath = [...object.basePath, "spec", "volumeClaimTemplates", i, "metadata", "labels", key];
          report({
            object,
            path,
            message:
              `${describe(object)}: volumeClaimTemplates[${i}] label ${key}: ${JSON.stringify(value)} ${why}, and a StatefulSet's volumeClaimTemplates never change: ` +
              `the next release fails with "updates to statefulset spec for fields other than … are forbidden"; keep only stable labels there${kustomizeHint(object)}`,
          });
        }
      });
    }
  },
});

function selectorMessage(object: K8sObject, key: string, value: string, why: string): string {
  return (
    `${describe(object)}: selector label ${key}: ${JSON.stringify(value)} ${why}, and spec.selector is immutable: the next release fails with ` +
    `"spec.selector: … field is immutable"; select on stable labels only and keep ${key} on the pod template${kustomizeHint(object)}`
  );
}

/** Built by kustomize: the label may come from commonLabels, which writes into every selector. */
function kustomizeHint(object: K8sObject): string {
  return object.source.origin ? " (if kustomize commonLabels or labels with includeSelectors: true adds it, move it to labels without includeSelectors)" : "";
}

function labelEntries(map: unknown): Array<[string, string]> {
  return isObject(map) ? Object.entries(map).filter((e): e is [string, string] => typeof e[1] === "string") : [];
}
