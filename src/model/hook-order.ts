import type { HookInfo } from "./helm.js";
import type { K8sObject } from "./objects.js";

/** Hook events by their canonical name (`test-success` is Helm 2's name for `test`). */
export function canonicalEvent(event: string): string {
  const lower = event.toLowerCase();
  return lower === "test-success" ? "test" : lower;
}

/**
 * Events whose hooks have certainly run before the first run of an event: an install precedes every other
 * operation and `post-*` follows its `pre-*`; whether upgrades ran before a rollback, an uninstall or a test
 * is not known.
 */
const EARLIER_EVENTS: Record<string, readonly string[]> = {
  "pre-install": [],
  "post-install": ["pre-install"],
  "pre-upgrade": ["pre-install", "post-install"],
  "post-upgrade": ["pre-install", "post-install", "pre-upgrade"],
  "pre-rollback": ["pre-install", "post-install"],
  "post-rollback": ["pre-install", "post-install", "pre-rollback"],
  "pre-delete": ["pre-install", "post-install"],
  "post-delete": ["pre-install", "post-install", "pre-delete"],
  test: ["pre-install", "post-install"],
};

export function earlierEvents(event: string): readonly string[] {
  return EARLIER_EVENTS[canonicalEvent(event)] ?? [];
}

/** Kinds a consumer hook can need, which Helm's InstallOrder puts before Pod and Job. */
const CREATED_FIRST_AT_A_TIE = new Set(["Secret", "ConfigMap"]);

/**
 * Whether Helm creates hook `a` before hook `b` when both run for one event. Helm runs the hooks of an
 * event one at a time, waiting for each Job or Pod to finish, in the order `sort.Stable(hookByWeight(…))`
 * gives (`pkg/action/hooks.go`, Helm 3 and 4): by weight, then by name (Go's byte-wise string order; object
 * names are ASCII, where JavaScript's order is the same). Hooks were sorted by kind before that
 * (`sortHooksByKind`, InstallOrder: Secret and ConfigMap before Pod and Job), which decides only between
 * objects of equal weight and name.
 */
export function createdBefore(a: { object: K8sObject; hook: HookInfo }, b: { object: K8sObject; hook: HookInfo }): boolean {
  if (a.hook.weight !== b.hook.weight) return a.hook.weight < b.hook.weight;
  if (a.object.name !== b.object.name) return a.object.name < b.object.name;
  return CREATED_FIRST_AT_A_TIE.has(a.object.kind) && !CREATED_FIRST_AT_A_TIE.has(b.object.kind);
}

/**
 * A hook object that exists before the release's ordinary resources are created and stays afterwards:
 * created by a `pre-install` hook (Helm installs the manifest only once the pre-install hooks succeeded) and
 * not deleted by `hook-succeeded`. The default `before-hook-creation` replaces it only when its hook runs
 * again, and hook objects are not part of the release manifest, so upgrades leave them in place.
 */
export function persistsFromPreInstall(hook: HookInfo): boolean {
  return hook.events.some((e) => canonicalEvent(e) === "pre-install") && !hook.deletePolicies.some((p) => p.toLowerCase() === "hook-succeeded");
}
