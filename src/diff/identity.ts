import type { K8sObject } from "../model/objects.js";
import { groupOf } from "../util/api-group.js";

/**
 * What makes two objects the same object in the cluster: API group (not version: apps/v1 and
 * apps/v1beta2 serve one object), kind, namespace and name. The namespace is the one written in the
 * manifest, else the release namespace Helm puts it in, so a chart that starts writing
 * `namespace: {{ .Release.Namespace }}` keeps its objects; plain manifests that name none stay apart from
 * ones that do (their namespace is the applier's context, unknown here). Undefined for an
 * object the API server names itself (`metadata.generateName` without a name): every apply creates a
 * new one, so no two revisions of it are the same object.
 *
 * An object gitops-lint rendered for a Helm release is that release's: a HelmRelease's (by its namespace
 * and name, so moving its file does not matter), or a chart directory's (each chart found while walking is
 * its own release, all called `release-name`, so two charts' objects would otherwise pair — an umbrella
 * chart's copy of a subchart at the base with the subchart's own render now).
 */
export function identityOf(object: K8sObject): string | undefined {
  const metadata = object.body.metadata;
  const named = typeof metadata === "object" && metadata !== null && typeof (metadata as { name?: unknown }).name === "string";
  if (!named || object.name === "") return undefined;
  const release = object.source.helmRelease;
  const unit = release ? `release:${release.namespace ?? ""}/${release.name}` : object.source.chartDir !== undefined ? `chart:${object.source.chartDir}` : "";
  return `${unit}|${groupOf(object.apiVersion)}/${object.kind}/${object.namespace ?? object.source.defaultNamespace ?? ""}/${object.name}`;
}
