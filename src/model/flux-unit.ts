import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";

/** The Flux object whose controller applies an object: a Kustomization (kustomize-controller) or a HelmRelease (helm-controller). */
export interface FluxUnit {
  kind: "Kustomization" | "HelmRelease";
  namespace?: string;
  name: string;
  /** The Kustomization or HelmRelease itself, when it is in the input. */
  object?: K8sObject;
}

const GROUP = { Kustomization: "kustomize.toolkit.fluxcd.io/", HelmRelease: "helm.toolkit.fluxcd.io/" } as const;

/**
 * The Flux unit that applies `object`, read from the apply unit gitops-lint recorded while rendering
 * (`SourceDocument.unit`: `Kustomization ns/name` for a Kustomization's path, `HelmRelease ns/name`
 * for a release's chart). The only place this package reads that string. Undefined for plain input.
 */
export function fluxUnitOf(object: K8sObject, set: ManifestSet): FluxUnit | undefined {
  const match = /^(Kustomization|HelmRelease) (?:([^/]+)\/)?(.+)$/.exec(object.source.unit ?? "");
  if (!match) return undefined;
  const kind = match[1] as FluxUnit["kind"];
  const namespace = match[2];
  const name = match[3]!;
  const owner = set.ofKind(kind).find((o) => o.apiVersion.startsWith(GROUP[kind]) && o.name === name && o.namespace === namespace);
  return { kind, ...(namespace !== undefined ? { namespace } : {}), name, ...(owner ? { object: owner } : {}) };
}

/** `Kustomization flux-system/apps`: how messages name a unit. */
export function describeUnit(unit: FluxUnit): string {
  return `${unit.kind} ${unit.namespace ? `${unit.namespace}/` : ""}${unit.name}`;
}
