/*
 * How Argo CD runs hooks (gitops-engine `pkg/sync/hook/hook.go` Types/IsHook/Skip, `hook/helm/type.go`,
 * argo-cd `controller/hook.go`). An `argocd.argoproj.io/hook` annotation decides (comma-separated
 * PreSync, Sync, PostSync, SyncFail, PreDelete, PostDelete, Skip), and then Helm's `helm.sh/hook` is
 * ignored; only without it are Helm hooks mapped: pre-install and pre-upgrade to PreSync (on every
 * sync: Argo CD cannot tell install from upgrade), post-install and post-upgrade to PostSync,
 * pre-delete and post-delete to PreDelete and PostDelete. A hook with no phase (Helm's `test`,
 * `pre-rollback`, `post-rollback`) is never applied (gitops-engine `sync/ignore`), and `Skip` alone
 * skips the object.
 */
import type { K8sObject } from "./objects.js";

export type ArgoHookPhase = "PreSync" | "Sync" | "PostSync" | "SyncFail" | "PreDelete" | "PostDelete";

export interface ArgoHook {
  /** The phases Argo CD runs it in; empty when it is never applied. */
  phases: ArgoHookPhase[];
  /** Which annotation decided, and what it said: `helm.sh/hook: pre-install`, `argocd.argoproj.io/hook: Skip`. */
  from: string;
}

export const ARGO_HOOK_KEY = "argocd.argoproj.io/hook";
const ARGO_PHASES = new Set<string>(["PreSync", "Sync", "PostSync", "SyncFail", "PreDelete", "PostDelete"]);
const HELM_PHASES: Record<string, ArgoHookPhase> = {
  "pre-install": "PreSync",
  "pre-upgrade": "PreSync",
  "post-install": "PostSync",
  "post-upgrade": "PostSync",
  "pre-delete": "PreDelete",
  "post-delete": "PostDelete",
};

/** The object as an Argo CD hook; undefined for an ordinary resource (or a Helm `crd-install` hook, which Argo CD applies as one). */
export function argoHookOf(object: K8sObject): ArgoHook | undefined {
  const argo = object.annotations[ARGO_HOOK_KEY];
  const argoValues = csv(argo);
  if (argo !== undefined && argoValues.some((v) => v === "Skip" || ARGO_PHASES.has(v))) {
    const phases = unique(argoValues.filter((v): v is ArgoHookPhase => ARGO_PHASES.has(v)));
    return { phases, from: `${ARGO_HOOK_KEY}: ${argo}` };
  }
  const helm = object.annotations["helm.sh/hook"];
  if (helm === undefined || helm.trim() === "crd-install") return argo !== undefined ? { phases: [], from: `${ARGO_HOOK_KEY}: ${argo}` } : undefined;
  const phases = unique(csv(helm).map((v) => HELM_PHASES[v]).filter((p): p is ArgoHookPhase => p !== undefined));
  return { phases, from: `helm.sh/hook: ${helm}` };
}

function csv(value: string | undefined): string[] {
  return (value ?? "").split(",").map((v) => v.trim()).filter((v) => v !== "");
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
