import { defineRule } from "../src/engine/rule.js";
import { applierOf, type Applier } from "../src/model/applier.js";
import { argoAppSpec, argoSyncOptions } from "../src/model/argo-cd.js";
import { describe, refOf, type K8sObject } from "../src/model/objects.js";
import { anyGlobRegExp } from "../src/util/glob-names.js";
import { asArray, getPath, isObject } from "../src/util/json.js";

const REMEDIATION =
  "Omit `spec.replicas` from the workload while an autoscaler owns it (in a chart: `{{- if not " +
  ".Values.autoscaling.enabled }} replicas: … {{- end }}`); the autoscaler's `minReplicas` sets the floor. " +
  "Under Argo CD, if the field must stay, ignore `/spec/replicas` in the Application's `ignoreDifferences` and " +
  "add the sync option `RespectIgnoreDifferences=true`.";

export default defineRule({
  meta: {
    id: "replicas-owned-by-autoscaler",
    description: "`spec.replicas` on a workload that a HorizontalPodAutoscaler or a KEDA ScaledObject in the input scales.",
    rationale:
      "An HPA (and KEDA, which drives one) writes `spec.replicas` through the scale subresource, as the field " +
      "manager `kube-controller-manager`. A manifest that also sets it fights the autoscaler, and how depends on " +
      "the applier. Server-side apply without forced conflicts (Helm 4, whose `--force-conflicts` is off by default; " +
      "`kubectl apply --server-side`) fails the next upgrade once the autoscaler has scaled: `Apply failed with 1 " +
      "conflict: conflict with \"kube-controller-manager\" with subresource \"scale\" using apps/v1: .spec.replicas` " +
      "(error). Flux kustomize-controller forces ownership and resets the count on every reconcile; helm-controller " +
      "forces conflicts under server-side apply and resets it on every upgrade, and on every drift correction " +
      "when `spec.driftDetection.mode: enabled`; Helm 3's three-way merge and client-side `kubectl apply` reset it " +
      "on every apply; Argo CD resets it on every sync and shows the Application OutOfSync, unless the " +
      "Application ignores `/spec/replicas` (`ignoreDifferences`, or `managedFieldsManagers: " +
      "[kube-controller-manager]`) and syncs with `RespectIgnoreDifferences=true` (warning: the replica count " +
      "snaps back to the manifest, then the autoscaler scales again). The HPA's `scaleTargetRef` names the " +
      "workload; a ScaledObject's `scaleTargetRef.kind` defaults to Deployment; both look in their own " +
      "namespace. A VerticalPodAutoscaler never writes `spec.replicas` and is not reported.",
    remediation: REMEDIATION,
    defaultSeverity: "error",
    example: {
      bad:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers: [{name: api, image: example/api:1}]\n" +
        "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 10\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers: [{name: api, image: example/api:1}]\n" +
        "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 10\n",
    },
    tags: ["autoscaling", "server-side-apply", "helm", "flux", "argocd"],
    precision: "high",
  },
  check({ set, settings, report }) {
    const reported = new Set<K8sObject>();
    for (const autoscaler of [...set.ofKind("HorizontalPodAutoscaler"), ...set.ofKind("ScaledObject")]) {
      const keda = autoscaler.kind === "ScaledObject";
      if (!autoscaler.apiVersion.startsWith(keda ? "keda.sh/" : "autoscaling/")) continue;
      const ref = getPath(autoscaler.body, ["spec", "scaleTargetRef"]);
      if (!isObject(ref) || typeof ref.name !== "string") continue;
      const kind = typeof ref.kind === "string" ? ref.kind : keda ? "Deployment" : undefined;
      if (!kind) continue;
      const group = typeof ref.apiVersion === "string" ? groupOf(ref.apiVersion) : undefined;
      for (const workload of set.named(kind, ref.name, autoscaler.namespace)) {
        if (group !== undefined && groupOf(workload.apiVersion) !== group) continue;
        const replicas = getPath(workload.body, ["spec", "replicas"]);
        if (typeof replicas !== "number" || reported.has(workload)) continue;
        const applier = applierOf(workload, set, settings);
        const verdict = consequence(applier, workload);
        if (!verdict) continue;
        reported.add(workload);
        report({
          object: workload,
          path: [...workload.basePath, "spec", "replicas"],
          target: refOf(autoscaler),
          severity: verdict.severity,
          message: `${describe(workload)}: spec.replicas: ${replicas} while ${describe(autoscaler)} scales it; ${verdict.text}; omit spec.replicas when autoscaling is on`,
          remediation: `${REMEDIATION} Applied by ${applier.label}: ${applier.why}.${applier.note && verdict.severity === "error" ? ` Note: ${applier.note}.` : ""}`,
        });
      }
    }
  },
});

function consequence(applier: Applier, workload: K8sObject): { severity: "error" | "warning"; text: string } | undefined {
  const group = groupOf(workload.apiVersion);
  const conflict = `conflict with "kube-controller-manager" with subresource "scale" using ${workload.apiVersion}: .spec.replicas`;
  switch (applier.id) {
    case "helm4":
    case "kubectl-server-side":
      return { severity: "error", text: `once the autoscaler has scaled, ${applier.label} fails the next ${applier.id === "helm4" ? "upgrade" : "apply"}: "Apply failed with 1 conflict: ${conflict}"` };
    case "flux-kustomize":
      return { severity: "warning", text: `${applier.tool} forces ownership and resets the count to the manifest's on every reconcile` };
    case "flux-helm": {
      const drift = applier.owner !== undefined && getPath(applier.owner.body, ["spec", "driftDetection", "mode"]) === "enabled";
      return { severity: "warning", text: `${applier.tool} resets the count to the manifest's on every upgrade${drift ? " and every drift correction (driftDetection enabled)" : ""}` };
    }
    case "helm3":
      return { severity: "warning", text: `${applier.label} resets the count to the manifest's on every upgrade (its three-way merge sees the autoscaler's change as drift)` };
    case "kubectl":
      return { severity: "warning", text: `${applier.label} resets the count to the manifest's on every apply` };
    case "argocd": {
      const ignored = applier.owner !== undefined && argoIgnoresReplicas(applier.owner, workload, group);
      const respected = applier.owner !== undefined && argoSyncOptions(applier.owner, workload).app.includes("RespectIgnoreDifferences=true");
      if (ignored && respected) return undefined;
      return ignored
        ? { severity: "warning", text: `${applier.tool} ignores the difference but every sync still resets the count (add the sync option RespectIgnoreDifferences=true)` }
        : { severity: "warning", text: `${applier.label} shows the Application OutOfSync and resets the count on every sync` };
    }
  }
}

/** Whether the Application's `ignoreDifferences` covers `spec.replicas` of the workload (argo-cd docs user-guide/diffing.md). */
function argoIgnoresReplicas(app: K8sObject, workload: K8sObject, group: string): boolean {
  return asArray(getPath(argoAppSpec(app), ["ignoreDifferences"])).some((entry) => {
    if (!isObject(entry) || !argoGlobMatches(entry.kind, workload.kind)) return false;
    if (!argoGlobMatches(typeof entry.group === "string" ? entry.group : "", group)) return false;
    if (typeof entry.name === "string" && entry.name !== workload.name) return false;
    if (typeof entry.namespace === "string" && workload.namespace !== undefined && entry.namespace !== workload.namespace) return false;
    return (
      asArray(entry.jsonPointers).includes("/spec/replicas") ||
      asArray(entry.jqPathExpressions).includes(".spec.replicas") ||
      asArray(entry.managedFieldsManagers).includes("kube-controller-manager")
    );
  });
}

/** Argo CD matches an entry's group and kind as globs (`group: "*"` covers every group), case-sensitively. */
function argoGlobMatches(pattern: unknown, value: string): boolean {
  return typeof pattern === "string" && anyGlobRegExp([pattern], { caseSensitive: true }).test(value);
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}
