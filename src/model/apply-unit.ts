/*
 * Apply units: what one controller applies together. gitops-lint knows the unit of an object when it
 * built it itself: every object of a Flux Kustomization's `spec.path` carries `Kustomization ns/name`,
 * every object rendered from a Flux HelmRelease's chart carries `HelmRelease ns/name`
 * (`SourceDocument.unit`). Plain input (files, stdin, charts and overlays named on the command line
 * outside any Flux Kustomization) has no known unit, and is taken to be applied with anything, as
 * before units existed: a rule must never fire only because the unit is unknown.
 */
import { asArray, getPath, isObject } from "../util/json.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";

/**
 * True when `dependency` exists by the time `consumer` is applied, as far as the input shows: both in
 * the same apply unit (or a unit is unknown), or the dependency's unit is one Flux finishes first —
 * the Kustomization that applied the consumer's HelmRelease, or a (transitive) `spec.dependsOn` of the
 * consumer's Kustomization or HelmRelease, which Flux waits to be Ready before it applies.
 */
export function availableBefore(dependency: K8sObject, consumer: K8sObject, set: ManifestSet): boolean {
  const target = dependency.source.unit;
  const start = consumer.source.unit;
  if (target === undefined || start === undefined || target === start) return true;
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const next of prerequisitesOf(queue.shift()!, set)) {
      if (next === target) return true;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

/** Units Flux completes before it applies `unit`: the unit that applied its Flux object, and its dependsOn. */
function prerequisitesOf(unit: string, set: ManifestSet): string[] {
  const match = /^(Kustomization|HelmRelease) (?:([^/]+)\/)?(.+)$/.exec(unit);
  if (!match) return [];
  const [, kind, namespace, name] = match;
  const group = kind === "Kustomization" ? "kustomize.toolkit.fluxcd.io/" : "helm.toolkit.fluxcd.io/";
  const owner = set.ofKind(kind!).find((o) => o.apiVersion.startsWith(group) && o.name === name && o.namespace === namespace);
  if (!owner) return [];
  const out: string[] = [];
  if (owner.source.unit !== undefined) out.push(owner.source.unit);
  for (const dep of asArray(getPath(owner.body, ["spec", "dependsOn"]))) {
    if (!isObject(dep) || typeof dep.name !== "string") continue;
    const depNamespace = typeof dep.namespace === "string" ? dep.namespace : namespace;
    out.push(`${kind} ${depNamespace ? `${depNamespace}/` : ""}${dep.name}`);
  }
  return out;
}
