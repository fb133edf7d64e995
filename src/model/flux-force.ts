import type { NodePath } from "../load/types.js";
import { getPath } from "../util/json.js";
import type { K8sObject } from "./objects.js";
import { podSpecOf } from "./pod-spec.js";

/** The kustomize-controller switch that deletes and recreates an object when its server-side apply is rejected as invalid. */
export const FLUX_FORCE_KEY = "kustomize.toolkit.fluxcd.io/force";

/**
 * How Flux reads the switch (fluxcd/pkg `ssa/utils/meta.go` AnyInMetadata): the object's own labels or
 * annotations, the value compared with `enabled` case-insensitively. Any other value does nothing.
 */
export function isForceEnabledValue(value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() === "enabled";
}

export interface ForceMarker {
  /** Where the key is: the object's labels or annotations. */
  field: "labels" | "annotations";
  value: string;
  /** Path of the key inside the object's document (basePath included). */
  path: NodePath;
  enabled: boolean;
}

/** Every `kustomize.toolkit.fluxcd.io/force` key in a metadata block, enabled or not. */
function markersIn(metadata: unknown, metadataPath: NodePath): ForceMarker[] {
  const out: ForceMarker[] = [];
  for (const field of ["annotations", "labels"] as const) {
    const value = getPath(metadata, [field, FLUX_FORCE_KEY]);
    if (typeof value !== "string") continue;
    out.push({ field, value, path: [...metadataPath, field, FLUX_FORCE_KEY], enabled: isForceEnabledValue(value) });
  }
  return out;
}

/** The force markers on the object's own metadata: the only place Flux looks. */
export function forceMarkersOf(object: K8sObject): ForceMarker[] {
  return markersIn(object.body.metadata, [...object.basePath, "metadata"]);
}

/** True when Flux would recreate this object on an invalid apply. */
export function isForceEnabled(object: K8sObject): boolean {
  return forceMarkersOf(object).some((m) => m.enabled);
}

/** Force markers on the pod template's metadata, where Flux never looks (the Pods are not applied by Flux). */
export function templateForceMarkersOf(object: K8sObject): ForceMarker[] {
  const pod = podSpecOf(object);
  if (!pod || object.kind === "Pod") return [];
  const relative = pod.templateMetadataPath.slice(object.basePath.length);
  return markersIn(getPath(object.body, relative), pod.templateMetadataPath);
}

/**
 * The kustomize-controller switches under which an object in the input is never updated in place:
 * `kustomize.toolkit.fluxcd.io/reconcile: disabled`, `kustomize.toolkit.fluxcd.io/ssa: Ignore` (not
 * applied at all) and `kustomize.toolkit.fluxcd.io/ssa: IfNotPresent` (created when missing, never
 * updated). Labels or annotations, values compared case-insensitively, as kustomize-controller does.
 * Returns the switch as `key: value`, or undefined.
 */
export function fluxNeverUpdates(object: K8sObject): string | undefined {
  const switches: Array<[string, string[]]> = [
    ["kustomize.toolkit.fluxcd.io/reconcile", ["disabled"]],
    ["kustomize.toolkit.fluxcd.io/ssa", ["ignore", "ifnotpresent"]],
  ];
  for (const [key, values] of switches) {
    for (const value of [object.annotations[key], object.labels[key]]) {
      if (value !== undefined && values.includes(value.toLowerCase())) return `${key}: ${value}`;
    }
  }
  return undefined;
}
