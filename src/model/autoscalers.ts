import { getPath, isObject } from "../util/json.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";

/**
 * The fewest replicas a HorizontalPodAutoscaler in the input keeps the workload at: `spec.minReplicas`
 * (default 1) of an HPA whose `scaleTargetRef` names it (kind, name, and an `apps` or empty group), in the
 * same namespace (an absent namespace matches any, as rendered charts leave it to the release). The
 * controller scales within [minReplicas, maxReplicas] while the workload's own `replicas` is not 0 (then it
 * stops scaling). `undefined` when no HPA targets it; the largest when several do.
 */
export function autoscalerMinimumOf(set: ManifestSet, workload: K8sObject): { minReplicas: number; autoscaler: K8sObject } | undefined {
  let best: { minReplicas: number; autoscaler: K8sObject } | undefined;
  for (const hpa of set.ofKind("HorizontalPodAutoscaler")) {
    if (!hpa.apiVersion.startsWith("autoscaling/")) continue;
    if (hpa.namespace !== undefined && workload.namespace !== undefined && hpa.namespace !== workload.namespace) continue;
    const target = getPath(hpa.body, ["spec", "scaleTargetRef"]);
    if (!isObject(target) || target.kind !== workload.kind || target.name !== workload.name) continue;
    const group = typeof target.apiVersion === "string" && target.apiVersion.includes("/") ? target.apiVersion.split("/")[0] : "";
    if (group !== "" && group !== workload.apiVersion.split("/")[0]) continue;
    const raw = getPath(hpa.body, ["spec", "minReplicas"]);
    const minReplicas = raw === undefined || raw === null ? 1 : raw;
    if (typeof minReplicas !== "number" || !Number.isInteger(minReplicas) || minReplicas < 1) continue;
    if (!best || minReplicas > best.minReplicas) best = { minReplicas, autoscaler: hpa };
  }
  return best;
}
