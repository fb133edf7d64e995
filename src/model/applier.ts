/*
 * Who applies each object, and how. Whether a manifest breaks often depends on it: server-side apply
 * (SSA) rejects duplicate keys in keyed lists that a client-side apply keeps, a force switch turns an
 * invalid apply into delete-and-recreate, client-side apply stores the whole object in an annotation.
 *
 * Detection, first match wins:
 *  1. the Flux unit gitops-lint rendered the object in (flux-unit.ts): kustomize-controller for a
 *     Kustomization's path, helm-controller for a HelmRelease's chart; rendered Helm output given
 *     together with a HelmRelease of its chart is helm-controller's too;
 *  2. an Argo CD Application or ApplicationSet in the input whose source covers the object (argo-cd.ts);
 *  3. config `applier:` or `--applier NAME`;
 *  4. Helm 4 for rendered Helm output, `kubectl apply` (client-side) for anything else.
 */
import { getPath, isObject } from "../util/json.js";
import { argoSyncOf, argoSyncOptions } from "./argo-cd.js";
import { isForceEnabled } from "./flux-force.js";
import { describeUnit, fluxUnitOf } from "./flux-unit.js";
import { helmReleasesFor, isHelmRelease } from "./helm-release.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";

export const APPLIER_IDS = ["flux-kustomize", "flux-helm", "helm3", "helm4", "argocd", "kubectl", "kubectl-server-side"] as const;
export type ApplierId = (typeof APPLIER_IDS)[number];

export interface Applier {
  id: ApplierId;
  /** How messages name it: "Flux kustomize-controller", "Helm 4 (server-side apply)", … */
  label: string;
  /** The tool alone, for messages where the apply method does not matter: "Flux helm-controller", "Helm 4", "Argo CD". */
  tool: string;
  serverSideApply: boolean;
  /**
   * Deletes the live object and creates it again when an apply is rejected (409 Conflict or 422
   * Invalid): Flux force; Argo CD `Force=true,Replace=true`, or `Force=true` under client-side apply.
   */
  recreatesOnInvalid: boolean;
  /** Sends the whole object with a PUT instead of a patch: Argo CD `Replace=true`; helm-controller `upgrade.force` under client-side apply. */
  replaces: boolean;
  /** Where the applier came from: "Kustomization flux-system/apps", "--applier helm3", "default for rendered Helm output". */
  why: string;
  /** What the input cannot tell, when it matters: upgrades keep the apply method of the first install. */
  note?: string;
  /** The Kustomization, HelmRelease or Argo CD Application/ApplicationSet of the input it came from. */
  owner?: K8sObject;
  /** Nothing in the input or the settings says who applies the object: this is the default for its kind of input. */
  guessed?: true;
}

/** The applier chosen by the user: config `applier:` or `--applier NAME`, and which of the two. */
export interface ApplierChoice {
  id: ApplierId;
  why: string;
}

const SSA_UPGRADE_NOTE = "upgrades keep the apply method of the release's first install (server-side apply `auto`): a release installed with client-side apply stays on it";

/** The applier of `object`. `settings.applier` is the user's choice, for objects that no Flux or Argo CD object in the input claims. */
export function applierOf(object: K8sObject, set: ManifestSet, settings: { applier?: ApplierChoice }): Applier {
  const unit = fluxUnitOf(object, set);
  if (unit?.kind === "Kustomization") return fluxKustomize(object, unit.object, describeUnit(unit));
  if (unit?.kind === "HelmRelease") return fluxHelm(unit.object, describeUnit(unit));
  if (object.source.helmSource !== undefined) {
    // several releases of the chart that the object cannot tell apart: any of them applies it with helm-controller
    const release = helmReleasesFor(set, object)?.releases[0];
    if (release && isHelmRelease(release)) return fluxHelm(release, `HelmRelease ${release.namespace ? `${release.namespace}/` : ""}${release.name} (chart of the rendered output)`);
  }
  const argo = argoSyncOf(object, set);
  if (argo) return argoCd(object, argo.app, `${argo.app.kind} ${argo.app.namespace ? `${argo.app.namespace}/` : ""}${argo.app.name} (${argo.via})`);
  if (settings.applier) return chosen(object, settings.applier);
  return { ...(isRenderedHelm(object, set) ? byId("helm4", "default for rendered Helm output") : byId("kubectl", "default for plain manifests")), guessed: true };
}

/**
 * Output of `helm template`: rendered by gitops-lint from a chart directory, or read from a file whose
 * documents carry `# Source:` comments (a CRD from a chart's crds/ often has its own `---` after the
 * comment, so its document carries none).
 */
export function isRenderedHelm(object: K8sObject, set: ManifestSet): boolean {
  return object.source.helmSource !== undefined || object.source.chartDir !== undefined || set.derived(filesWithHelmSource).has(object.source.file);
}

function filesWithHelmSource(set: ManifestSet): Set<string> {
  const files = new Set<string>();
  for (const document of set.documents()) if (document.helmSource !== undefined) files.add(document.file);
  return files;
}

/**
 * The applier the user named, with what the object itself says to that applier: Flux's force annotation,
 * Argo CD's sync-options annotation (the Flux or Argo CD object that would add more is not in the input).
 */
function chosen(object: K8sObject, choice: ApplierChoice): Applier {
  if (choice.id === "flux-kustomize") return fluxKustomize(object, undefined, choice.why);
  if (choice.id === "argocd") return argoCd(object, undefined, choice.why);
  return byId(choice.id, choice.why);
}

/** An applier chosen by name (config or command line), with the defaults of that tool. */
export function byId(id: ApplierId, why: string): Applier {
  switch (id) {
    case "flux-kustomize":
      return { id, label: "Flux kustomize-controller", tool: "Flux kustomize-controller", serverSideApply: true, recreatesOnInvalid: false, replaces: false, why };
    case "flux-helm":
      return { id, label: "Flux helm-controller ≥ v1.5 (server-side apply)", tool: "Flux helm-controller", serverSideApply: true, recreatesOnInvalid: false, replaces: false, why, note: SSA_UPGRADE_NOTE };
    case "helm3":
      return { id, label: "Helm 3 (client-side apply)", tool: "Helm 3", serverSideApply: false, recreatesOnInvalid: false, replaces: false, why };
    case "helm4":
      return { id, label: "Helm 4 (server-side apply)", tool: "Helm 4", serverSideApply: true, recreatesOnInvalid: false, replaces: false, why, note: SSA_UPGRADE_NOTE };
    case "argocd":
      return { id, label: "Argo CD (client-side apply)", tool: "Argo CD", serverSideApply: false, recreatesOnInvalid: false, replaces: false, why };
    case "kubectl":
      return { id, label: "kubectl apply (client-side)", tool: "kubectl", serverSideApply: false, recreatesOnInvalid: false, replaces: false, why };
    case "kubectl-server-side":
      return { id, label: "kubectl apply --server-side", tool: "kubectl", serverSideApply: true, recreatesOnInvalid: false, replaces: false, why };
  }
}

/**
 * kustomize-controller: server-side apply, and with force (`spec.force` of the Kustomization, or the
 * object's own `kustomize.toolkit.fluxcd.io/force: enabled`) delete and recreate on any 409/422
 * (fluxcd/pkg `ssa/manager_apply.go` shouldForceApply, `ssa/errors/immutable.go` IsImmutableError).
 */
function fluxKustomize(object: K8sObject, kustomization: K8sObject | undefined, unit: string): Applier {
  const specForce = kustomization !== undefined && getPath(kustomization.body, ["spec", "force"]) === true;
  const force = specForce || isForceEnabled(object);
  const why = force ? `${unit}, force enabled by ${specForce ? "its spec.force" : "the object's kustomize.toolkit.fluxcd.io/force"}` : unit;
  return { ...byId("flux-kustomize", why), recreatesOnInvalid: force, ...(kustomization ? { owner: kustomization } : {}) };
}

/**
 * helm-controller ≥ v1.5 (Flux 2.8): new releases are installed with server-side apply unless
 * `spec.install.serverSideApply: false` (or the controller's UseHelm3Defaults feature gate, which the
 * input cannot show); upgrades default to `auto`, the method of the first install
 * (fluxcd/helm-controller `api/v2/helmrelease_types.go`). Under client-side apply `spec.upgrade.force`
 * replaces (PUT); under server-side apply it is ignored.
 */
function fluxHelm(release: K8sObject | undefined, why: string): Applier {
  const spec = release && isObject(release.body.spec) ? release.body.spec : {};
  const install = getPath(spec, ["install", "serverSideApply"]);
  const upgrade = getPath(spec, ["upgrade", "serverSideApply"]);
  const ssa = install !== false || upgrade === "enabled";
  const explicitUpgrade = upgrade === "enabled" || upgrade === "disabled";
  const replaces = !ssa && getPath(spec, ["upgrade", "force"]) === true;
  const label = ssa ? "Flux helm-controller ≥ v1.5 (server-side apply)" : "Flux helm-controller (client-side apply: spec.install.serverSideApply: false)";
  return {
    id: "flux-helm",
    label,
    tool: "Flux helm-controller",
    serverSideApply: ssa,
    recreatesOnInvalid: false,
    replaces,
    why,
    ...(ssa && !explicitUpgrade ? { note: SSA_UPGRADE_NOTE } : {}),
    ...(release ? { owner: release } : {}),
  };
}

/**
 * Argo CD (gitops-engine `sync/sync_context.go` applyObject): `Replace=true` (Application or object)
 * wins and replaces (PUT), or deletes and creates with `Force=true` (not for CRDs and Namespaces,
 * which are only updated); else `kubectl apply`, server-side with `ServerSideApply=true` unless the
 * object says `ServerSideApply=false`, and with `--force` (delete and recreate when the patch is
 * invalid) for `Force=true` under client-side apply. `Force=true` comes from the object's annotation:
 * Application sync options do not set it.
 */
function argoCd(object: K8sObject, app: K8sObject | undefined, why: string): Applier {
  const options = argoSyncOptions(app, object);
  const all = [...options.app, ...options.object];
  const replace = all.includes("Replace=true");
  const force = options.object.includes("Force=true");
  const ssa = !replace && !options.object.includes("ServerSideApply=false") && all.includes("ServerSideApply=true");
  const updatedOnly = object.kind === "CustomResourceDefinition" || object.kind === "Namespace";
  const recreates = force && (replace ? !updatedOnly : !ssa);
  const how = replace ? (recreates ? "Force=true,Replace=true: delete and create" : "Replace=true") : ssa ? "server-side apply" : recreates ? "client-side apply with Force=true" : "client-side apply";
  return { id: "argocd", label: `Argo CD (${how})`, tool: "Argo CD", serverSideApply: ssa, recreatesOnInvalid: recreates, replaces: replace, why, ...(app ? { owner: app } : {}) };
}
