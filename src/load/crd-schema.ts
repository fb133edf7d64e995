import { isObject, type JsonObject } from "../util/json.js";

/**
 * A CustomResourceDefinition's `spec` is mostly an API schema, yet CRDs are most of the bytes of real
 * renders (83% of the 109 public charts in the corpus) and their schemas nest thousands of nodes. Once
 * a CRD has parsed (its syntax, duplicate keys and aliases checked like any document's), its `spec` is
 * cut down to what rules read (here and inside a `kind: List`): the group, names and scope, each
 * version's name, `served` and `storage`, and of each version's schema only the branches that lead to
 * keyed lists (`x-kubernetes-list-type: map` or `set`, with their keys and the keys' defaults), which
 * server-side apply and CRD validation check for duplicates. Positions come from the document's text,
 * so findings on a CRD still point at it.
 */
export function withoutCrdSchema(value: unknown, text: string): unknown {
  if (!isObject(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") return value;
  if (value.kind.endsWith("List") && Array.isArray(value.items)) return { ...value, items: value.items.map((item) => withoutCrdSchema(item, text)) };
  if (value.kind !== "CustomResourceDefinition" || !("spec" in value)) return value;
  const { spec, ...rest } = value;
  // Without the word in its text, a schema has no keyed list: it is not walked (most of a CRD's nodes).
  return isObject(spec) ? { ...rest, spec: crdSummary(spec, text.includes(LIST_TYPE)) } : rest;
}

function crdSummary(spec: JsonObject, keyedLists: boolean): JsonObject {
  const out: JsonObject = {};
  for (const key of ["group", "names", "scope"]) if (key in spec) out[key] = spec[key];
  if (Array.isArray(spec.versions)) {
    out.versions = spec.versions.filter(isObject).map((version) => {
      const kept: JsonObject = {};
      for (const key of ["name", "served", "storage"]) if (key in version) kept[key] = version[key];
      const schema = keyedLists && isObject(version.schema) ? keyedListBranches(version.schema.openAPIV3Schema) : undefined;
      if (schema) kept.schema = { openAPIV3Schema: schema };
      return kept;
    });
  }
  return out;
}

const LIST_TYPE = "x-kubernetes-list-type";
const MAP_KEYS = "x-kubernetes-list-map-keys";

/**
 * The part of a structural schema on the way to keyed lists; undefined when there is none below `node`.
 * Objects are made only for what is kept: most of a schema is not.
 */
function keyedListBranches(node: unknown): JsonObject | undefined {
  if (!isObject(node)) return undefined;
  let out: JsonObject | undefined;
  if (isObject(node.properties)) {
    let properties: JsonObject | undefined;
    for (const name of Object.keys(node.properties)) {
      const kept = keyedListBranches(node.properties[name]);
      if (kept) (properties ??= {})[name] = kept;
    }
    if (properties) out = { properties };
  }
  const items = keyedListBranches(node.items);
  const additional = keyedListBranches(node.additionalProperties);
  if (additional) (out ??= {}).additionalProperties = additional;
  const listType = node[LIST_TYPE];
  if (listType === "map" || listType === "set") {
    out ??= {};
    out[LIST_TYPE] = listType;
    if (Array.isArray(node[MAP_KEYS])) {
      out[MAP_KEYS] = node[MAP_KEYS];
      // server-side apply fills a missing key from its default (structured-merge-diff typed/helpers.go)
      const keyProperties = isObject(node.items) && isObject(node.items.properties) ? node.items.properties : {};
      const defaults: JsonObject = {};
      for (const key of node[MAP_KEYS] as unknown[]) {
        const property = typeof key === "string" ? keyProperties[key] : undefined;
        if (isObject(property) && "default" in property) defaults[key as string] = { default: property.default };
      }
      if (Object.keys(defaults).length > 0) out.items = { ...(items ?? {}), properties: { ...((items?.properties as JsonObject) ?? {}), ...defaults } };
    }
  }
  if (items && !out?.items) (out ??= {}).items = items;
  return out;
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
