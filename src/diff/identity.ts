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
 */
export function identityOf(object: K8sObject): string | undefined {
  const metadata = object.body.metadata;
  const named = typeof metadata === "object" && metadata !== null && typeof (metadata as { name?: unknown }).name === "string";
  if (!named || object.name === "") return undefined;
  return `${groupOf(object.apiVersion)}/${object.kind}/${object.namespace ?? object.source.defaultNamespace ?? ""}/${object.name}`;
}
