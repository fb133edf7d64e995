import { asArray, isObject } from "../util/json.js";

/**
 * The patch files a kustomization lists, as written there (relative to its directory): `patches[].path`,
 * `patchesJson6902[].path`, and the `patchesStrategicMerge` entries that name a file (an inline patch
 * spans lines).
 */
export function kustomizationPatchFiles(kustomization: unknown): string[] {
  if (!isObject(kustomization)) return [];
  const pathsOf = (field: string): unknown[] => asArray(kustomization[field]).map((entry) => (isObject(entry) ? entry.path : undefined));
  return [...asArray(kustomization.patchesStrategicMerge), ...pathsOf("patches"), ...pathsOf("patchesJson6902")]
    .filter((entry): entry is string => typeof entry === "string" && entry.trim() !== "" && !entry.includes("\n"))
    .map((entry) => entry.trim());
}
