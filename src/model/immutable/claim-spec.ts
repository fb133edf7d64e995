import { isObject } from "../../util/json.js";
import { quantityValue } from "./quantity.js";

/**
 * A PersistentVolumeClaim spec (a claim's, or a volumeClaimTemplate's) with the API server's defaults
 * filled in and quantities as numbers, so that two manifests compare as the stored objects would:
 * `volumeMode` defaults to Filesystem (pkg/apis/core/v1/defaults.go SetDefaults_PersistentVolumeClaimSpec),
 * and `dataSource`/`dataSourceRef` mirror each other when only one is set (pkg/api/persistentvolumeclaim
 * NormalizeDataSources).
 */
export function normalizedClaimSpec(spec: unknown): Record<string, unknown> {
  if (!isObject(spec)) return { volumeMode: "Filesystem" };
  const out: Record<string, unknown> = { ...spec, volumeMode: spec.volumeMode ?? "Filesystem" };
  if (isObject(spec.resources)) out.resources = { ...spec.resources, requests: quantities(spec.resources.requests), limits: quantities(spec.resources.limits) };
  if (spec.dataSource !== undefined && spec.dataSourceRef === undefined) out.dataSourceRef = spec.dataSource;
  if (spec.dataSourceRef !== undefined && spec.dataSource === undefined && isObject(spec.dataSourceRef) && spec.dataSourceRef.namespace === undefined) {
    out.dataSource = spec.dataSourceRef;
  }
  return out;
}

function quantities(map: unknown): unknown {
  if (!isObject(map)) return map;
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, quantityValue(value) ?? value]));
}
