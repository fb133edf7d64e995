import { getPath } from "../util/json.js";
import { FLUX_FORCE_KEY, isForceEnabled } from "./flux-force.js";
import { helmProvenanceOf } from "./helm-provenance.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";

/**
 * Who deletes and recreates the object when an update of it is rejected as invalid, in words; undefined
 * when the rejected update just fails.
 * - Flux kustomize-controller with force: the object's own `kustomize.toolkit.fluxcd.io/force: enabled`
 *   or its Kustomization's `spec.force: true` (fluxcd/pkg ssa/manager_apply.go: delete with background
 *   propagation, then apply, on any 409/422). helm-controller ignores both: a Helm-delivered object is
 *   not recreated (its `upgrade.force` is a PUT, which the API server rejects the same way).
 * - Argo CD `argocd.argoproj.io/sync-options` with `Force=true,Replace=true` (`kubectl replace --force`),
 *   or `Force=true` alone under client-side apply (`kubectl apply --force` deletes and recreates an
 *   object whose patch is invalid; not with ServerSideApply=true).
 */
export function recreationOf(object: K8sObject, set: ManifestSet): string | undefined {
  if (helmProvenanceOf(object) === undefined) {
    if (isForceEnabled(object)) return `Flux (${FLUX_FORCE_KEY}: enabled)`;
    const unit = kustomizationOf(object, set);
    if (unit && getPath(unit.body, ["spec", "force"]) === true) return `Flux (Kustomization ${unit.namespace ? `${unit.namespace}/` : ""}${unit.name} spec.force: true)`;
  }
  const options = syncOptionsOf(object);
  if (options.get("Force") === "true" && options.get("Replace") === "true") return "Argo CD (sync-options Force=true,Replace=true)";
  if (options.get("Force") === "true" && options.get("ServerSideApply") !== "true") return "Argo CD (sync-options Force=true: kubectl apply --force)";
  return undefined;
}

/** The Flux Kustomization that applies the object, when gitops-lint built it from that Kustomization. */
function kustomizationOf(object: K8sObject, set: ManifestSet): K8sObject | undefined {
  const match = /^Kustomization (?:([^/]+)\/)?(.+)$/.exec(object.source.unit ?? "");
  if (!match) return undefined;
  return set
    .ofKind("Kustomization")
    .find((k) => k.apiVersion.startsWith("kustomize.toolkit.fluxcd.io/") && k.name === match[2] && k.namespace === match[1]);
}

/** `argocd.argoproj.io/sync-options: Force=true,Replace=true` as option → value. */
export function syncOptionsOf(object: K8sObject): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of (object.annotations["argocd.argoproj.io/sync-options"] ?? "").split(",")) {
    const [key, value] = entry.split("=").map((s) => s.trim());
    if (key) out.set(key, value ?? "");
  }
  return out;
}
