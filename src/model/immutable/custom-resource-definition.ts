import type { NodePath } from "../../load/types.js";
import { asArray, getPath, isObject } from "../../util/json.js";
import { goQuote } from "./go-format.js";
import type { FieldChange, KindRules } from "./types.js";

/**
 * CustomResourceDefinition (staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation/
 * validation.go): `validateCustomResourceDefinitionSpecUpdate` keeps `spec.group` and `spec.names.plural`
 * fixed, and `spec.scope` and `spec.names.kind` once the CRD is established (a CRD in use always is);
 * `ValidateCustomResourceDefinitionStoredVersions` requires every version in `status.storedVersions` to
 * stay in `spec.versions`. The base's storage version is stored for sure; a version dropped that was only
 * served may have been stored earlier.
 */
export const crdRules: KindRules = {
  kinds: ["CustomResourceDefinition"],
  apiVersions: ["apiextensions.k8s.io/v1"],
  changes(base, head) {
    const out: FieldChange[] = [];
    for (const path of [["spec", "group"], ["spec", "names", "plural"], ["spec", "scope"], ["spec", "names", "kind"]]) {
      const fallback = path[1] === "scope" ? "Namespaced" : undefined;
      const before = getPath(base.body, path) ?? fallback;
      const after = getPath(head.body, path) ?? fallback;
      if (before === after) continue;
      out.push({
        path,
        error: `${path.join(".")}: Invalid value: ${goQuote(after)}: field is immutable`,
        change: `${path.slice(1).join(".")} ${goQuote(before)} → ${goQuote(after)}`,
        effect: "rejected",
      });
    }
    const kept = new Set(versionsOf(head.body).map((v) => v.name));
    for (const version of versionsOf(base.body)) {
      if (kept.has(version.name)) continue;
      out.push({
        path: ["spec", "versions"] as NodePath,
        error: `status.storedVersions[…]: Invalid value: ${goQuote(version.name)}: must appear in spec.versions`,
        change: `version ${version.name}${version.storage ? " (the storage version at the base)" : ""} removed from spec.versions`,
        effect: "rejected",
        fix: `keep ${version.name} in spec.versions with served: false until its objects are migrated and status.storedVersions drops it`,
        ...(version.storage
          ? {}
          : { unless: `no object was ever stored as ${version.name}, or the stored objects were migrated and ${version.name} was removed from status.storedVersions` }),
      });
    }
    return out;
  },
};

function versionsOf(body: Record<string, unknown>): Array<{ name: string; storage: boolean }> {
  return asArray(getPath(body, ["spec", "versions"]))
    .filter(isObject)
    .filter((v): v is Record<string, unknown> & { name: string } => typeof v.name === "string")
    .map((v) => ({ name: v.name, storage: v.storage === true }));
}
