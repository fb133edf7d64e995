import type { K8sObject } from "../model/objects.js";
import { getPath, isObject } from "../util/json.js";

/** A Flux Kustomization that applies a directory of a Git repository. */
export interface FluxKustomizationSource {
  /** The apply unit its objects form: `Kustomization <namespace>/<name>`. */
  unit: string;
  /** `spec.path`, relative to the root of the repository (Flux's default is the root). */
  path: string;
  sourceName: string;
}

export function isFluxKustomization(object: K8sObject): boolean {
  return object.kind === "Kustomization" && object.apiVersion.startsWith("kustomize.toolkit.fluxcd.io/");
}

/**
 * What a Flux Kustomization applies, when it comes from a GitRepository (the only source that can be
 * this repository). kustomize-controller builds `spec.path` as one unit: with its kustomization file
 * if there is one, else with one it generates over every manifest below the path.
 */
export function fluxKustomizationSource(object: K8sObject): FluxKustomizationSource | undefined {
  if (!isFluxKustomization(object)) return undefined;
  const sourceRef = getPath(object.body, ["spec", "sourceRef"]);
  if (!isObject(sourceRef) || sourceRef.kind !== "GitRepository" || typeof sourceRef.name !== "string") return undefined;
  const specPath = getPath(object.body, ["spec", "path"]);
  return {
    unit: unitName("Kustomization", object),
    path: typeof specPath === "string" && specPath.trim() !== "" ? specPath : "./",
    sourceName: sourceRef.name,
  };
}

export function unitName(kind: string, object: K8sObject): string {
  return `${kind} ${object.namespace ? `${object.namespace}/` : ""}${object.name}`;
}
