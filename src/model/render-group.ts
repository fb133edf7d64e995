import { describeUnit, fluxUnitOf } from "./flux-unit.js";
import { releaseChartOf } from "./helm.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";

/**
 * The objects one tool builds and applies as one stream: a Flux Kustomization's path (one `kustomize
 * build`), a HelmRelease's chart (one Helm release), or one chart's `helm template` output in an input
 * file (one release). Undefined for plain manifests, which are not known to go together.
 */
export interface RenderGroup {
  key: string;
  /** How messages name it: `Kustomization flux-system/apps`, `HelmRelease apps/api`, `Helm release (chart "api" in <stdin>)`. */
  label: string;
  /** A Helm release (its hooks are applied apart from its other objects), or a kustomize build. */
  helmRelease: boolean;
}

export function renderGroupOf(object: K8sObject, set: ManifestSet): RenderGroup | undefined {
  const unit = fluxUnitOf(object, set);
  if (unit) return { key: describeUnit(unit), label: describeUnit(unit), helmRelease: unit.kind === "HelmRelease" };
  if (object.source.helmSource === undefined) return undefined;
  const chart = releaseChartOf(object);
  return { key: `${object.source.file}\0${chart}`, label: `Helm release (chart "${chart}" in ${object.source.file})`, helmRelease: true };
}
