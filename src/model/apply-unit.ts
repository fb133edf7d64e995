import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";

/**
 * Apply units: what one controller applies together. gitops-lint knows the unit of an object when it
 * built it itself: every object of a Flux Kustomization's `spec.path` carries `Kustomization ns/name`,
 * every object rendered from a Flux HelmRelease's chart carries `HelmRelease ns/name`
 * (`SourceDocument.unit`). Plain input (files, stdin, charts and overlays named on the command line
 * outside any Flux Kustomization) has no known unit, and is taken to be applied with anything, as
 * before units existed: a rule must never fire only because the unit is unknown.
 */
export function applyUnitOf(object: K8sObject): string | undefined {
  return object.source.unit;
}

/** True unless both objects have a known apply unit and the units differ (e.g. two Flux Kustomizations, applied independently, in no guaranteed order). */
export function sameApplyUnit(a: K8sObject, b: K8sObject): boolean {
  const ua = a.source.unit;
  const ub = b.source.unit;
  return ua === undefined || ub === undefined || ua === ub;
}

/** The Flux HelmRelease whose chart gitops-lint rendered this object from, when it is in the set. */
export function helmReleaseOf(object: K8sObject, set: ManifestSet): K8sObject | undefined {
  const ref = object.source.helmRelease;
  if (!ref) return undefined;
  return set
    .ofKind("HelmRelease")
    .find((o) => o.apiVersion.startsWith("helm.toolkit.fluxcd.io/") && o.name === ref.name && o.namespace === ref.namespace);
}
