import { isObject } from "../util/json.js";

/**
 * A CustomResourceDefinition's `spec` is an API schema, and no rule reads it; yet CRDs are most of the
 * bytes of real renders (83% of the 109 public charts in the corpus) and their schemas nest thousands of
 * nodes. Once a CRD has parsed (its syntax, duplicate keys and aliases checked like any document's), its
 * `spec` is dropped (here and inside a `kind: List`), so the schema is not held in memory, walked by rules,
 * or copied back from a parse worker. Positions come from the document's text, so findings on a CRD still
 * point at it.
 */
export function withoutCrdSchema(value: unknown): unknown {
  if (!isObject(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") return value;
  if (value.kind.endsWith("List") && Array.isArray(value.items)) return { ...value, items: value.items.map(withoutCrdSchema) };
  if (value.kind !== "CustomResourceDefinition" || !("spec" in value)) return value;
  const { spec: _schema, ...rest } = value;
  return rest;
}

// `kind: CustomResourceDefinition` as a top-level key of a block-style document (how every render writes it).
const CRD_KIND_LINE = /^kind:[ \t]*(["']?)CustomResourceDefinition\1[ \t]*(?:#.*)?$/m;

/**
 * Whether a document's text looks like a CRD, without parsing it: a hint for where to parse it (its
 * value will be small once parsed, so it is the cheapest kind of document to parse off the main thread).
 */
export function looksLikeCrd(text: string): boolean {
  return text.includes("CustomResourceDefinition") && CRD_KIND_LINE.test(text);
}
