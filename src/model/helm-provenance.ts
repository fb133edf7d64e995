import type { K8sObject } from "./objects.js";

/**
 * Why the object looks delivered by Helm (rendered by `helm template`, or labelled or annotated by Helm),
 * in words for a message: "rendered by helm template from chart/templates/x.yaml", "label
 * app.kubernetes.io/managed-by: Helm"; undefined when nothing says so.
 */
export function helmProvenanceOf(object: K8sObject): string | undefined {
  if (object.source.helmSource !== undefined) return `rendered by helm template from ${object.source.helmSource}`;
  if (object.labels["app.kubernetes.io/managed-by"] === "Helm") return "label app.kubernetes.io/managed-by: Helm";
  if (object.labels["helm.sh/chart"] !== undefined) return `label helm.sh/chart: ${object.labels["helm.sh/chart"]}`;
  const release = object.annotations["meta.helm.sh/release-name"];
  return release !== undefined ? `annotation meta.helm.sh/release-name: ${release}` : undefined;
}
