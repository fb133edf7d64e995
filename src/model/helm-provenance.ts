import { isHelmDelivered } from "./helm.js";
import type { K8sObject } from "./objects.js";

/**
 * Why the object looks delivered by Helm, in words for a message ("rendered from chart/templates/x.yaml",
 * "label app.kubernetes.io/managed-by: Helm"); undefined when `isHelmDelivered` says it is not.
 */
export function helmProvenanceOf(object: K8sObject): string | undefined {
  if (!isHelmDelivered(object)) return undefined;
  if (object.source.helmSource !== undefined) return `rendered by helm template from ${object.source.helmSource}`;
  if (object.labels["app.kubernetes.io/managed-by"] === "Helm") return "label app.kubernetes.io/managed-by: Helm";
  if (object.labels["helm.sh/chart"] !== undefined) return `label helm.sh/chart: ${object.labels["helm.sh/chart"]}`;
  return `annotation meta.helm.sh/release-name: ${object.annotations["meta.helm.sh/release-name"]}`;
}
