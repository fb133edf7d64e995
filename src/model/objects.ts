import type { NodePath, ParsedDocument, SourceDocument } from "../load/types.js";
import { isObject, stringMap, type JsonObject } from "../util/json.js";

export interface ObjectRef {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** One Kubernetes object from the input. */
export interface K8sObject extends ObjectRef {
  apiVersion: string;
  body: JsonObject;
  source: SourceDocument;
  /** Where the object sits inside its document: `[]`, or `["items", i]` inside a `kind: List`. */
  basePath: NodePath;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Documents → objects. Anything without a string apiVersion and kind (values.yaml, Chart.yaml, kustomization.yaml) is not an object. */
export function objectsOf(document: ParsedDocument): K8sObject[] {
  const out: K8sObject[] = [];
  const visit = (value: unknown, basePath: NodePath): void => {
    if (!isObject(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") return;
    if (value.kind.endsWith("List") && Array.isArray(value.items)) {
      value.items.forEach((item, i) => visit(item, [...basePath, "items", i]));
      return;
    }
    const metadata = isObject(value.metadata) ? value.metadata : {};
    const namespace = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
    out.push({
      apiVersion: value.apiVersion,
      kind: value.kind,
      name: typeof metadata.name === "string" ? metadata.name : typeof metadata.generateName === "string" ? metadata.generateName : "",
      ...(namespace !== undefined ? { namespace } : {}),
      body: value,
      source: document.source,
      basePath,
      labels: stringMap(metadata.labels),
      annotations: stringMap(metadata.annotations),
    });
  };
  visit(document.value, []);
  return out;
}

export function refOf(object: ObjectRef): ObjectRef {
  return {
    ...(object.apiVersion !== undefined ? { apiVersion: object.apiVersion } : {}),
    kind: object.kind,
    ...(object.namespace !== undefined ? { namespace: object.namespace } : {}),
    name: object.name,
  };
}

export function describe(object: ObjectRef): string {
  return `${object.kind} "${object.namespace ? `${object.namespace}/` : ""}${object.name}"`;
}
