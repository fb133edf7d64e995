import { getPath } from "../util/json.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";

/** The CRD in the set that defines the object's kind (its group and `spec.names.kind`), if any. */
export function crdOf(object: K8sObject, set: ManifestSet): K8sObject | undefined {
  const slash = object.apiVersion.indexOf("/");
  if (slash < 0) return undefined;
  return set.derived(crdsByKind).get(`${object.apiVersion.slice(0, slash)}/${object.kind}`);
}

function crdsByKind(set: ManifestSet): Map<string, K8sObject> {
  const out = new Map<string, K8sObject>();
  for (const crd of set.ofKind("CustomResourceDefinition")) {
    const group = getPath(crd.body, ["spec", "group"]);
    const kind = getPath(crd.body, ["spec", "names", "kind"]);
    if (typeof group === "string" && typeof kind === "string" && !out.has(`${group}/${kind}`)) out.set(`${group}/${kind}`, crd);
  }
  return out;
}
