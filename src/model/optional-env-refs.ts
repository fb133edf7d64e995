import { configRefsOf, renderedConfig, type ConfigKind, type ConfigRef } from "./config-refs.js";
import { hookInfo } from "./helm.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";
import { isLongLived, podSpecOf } from "./pod-spec.js";
import { reloaderCoverage, type Coverage } from "./reloader.js";

/**
 * A ConfigMap/Secret that a long-lived workload reads into environment variables with `optional: true`
 * and that the input does not render as an ordinary resource: if the Pod starts first, the kubelet leaves
 * the variables unset and they stay so until the container restarts.
 */
export interface LateOptionalEnvRef {
  workload: K8sObject;
  kind: ConfigKind;
  name: string;
  /** Every env/envFrom reference to it, in pod-spec order; the first is where findings point. */
  refs: ConfigRef[];
  /** The object when the input renders it only as a Helm hook. */
  hook?: K8sObject;
  /** The object when another Flux apply unit, not ordered before the workload's, applies it. */
  unordered?: K8sObject;
  /** The Reloader annotation that rolls the workload when the object changes, if any. */
  coverage?: Coverage;
}

/** `autoReloadAll`: a Reloader in the input runs with `--auto-reload-all` (see `reloaderInstances`). */
export function lateOptionalEnvRefs(set: ManifestSet, workload: K8sObject, settings: { autoReloadAll?: boolean } = {}): LateOptionalEnvRef[] {
  if (!isLongLived(workload)) return [];
  const pod = podSpecOf(workload);
  if (!pod || !configRefsOf(pod).some(isOptionalEnvRef)) return [];
  const byObject = new Map<string, LateOptionalEnvRef>();
  /** Objects the input renders as ordinary resources: no reference to them is late. */
  const present = new Set<string>();
  for (const ref of configRefsOf(pod)) {
    if (!isOptionalEnvRef(ref)) continue;
    const key = `${ref.kind}\0${ref.name}`;
    if (present.has(key)) continue;
    const known = byObject.get(key);
    if (known) {
      known.refs.push(ref);
      continue;
    }
    const rendered = renderedConfig(set, ref.kind, ref.name, workload);
    if (rendered.ordinary) {
      present.add(key);
      continue;
    }
    const coverage = reloaderCoverage(workload, ref.kind, ref.name, rendered.unordered ?? rendered.hook, settings);
    byObject.set(key, {
      workload,
      kind: ref.kind,
      name: ref.name,
      refs: [ref],
      ...(rendered.hook ? { hook: rendered.hook } : {}),
      ...(rendered.unordered ? { unordered: rendered.unordered } : {}),
      ...(coverage ? { coverage } : {}),
    });
  }
  return [...byObject.values()];
}

function isOptionalEnvRef(ref: ConfigRef): boolean {
  return ref.optional && (ref.via === "env" || ref.via === "envFrom");
}

/** "SOVEREIGN_FQDN, FQDN_ALIAS" / "envFrom" / "envFrom APP_*" (every key, with that prefix). */
export function affectedVariables(refs: ConfigRef[]): string {
  const names: string[] = [];
  for (const ref of refs) {
    const text = ref.via === "env" ? ref.envName! : `envFrom${ref.prefix ? ` ${ref.prefix}*` : ""}`;
    if (!names.includes(text)) names.push(text);
  }
  return names.join(", ");
}

/** "only a post-install Helm hook, deleted on hook-succeeded", for messages. */
export function hookDescription(hook: K8sObject): string {
  const info = hookInfo(hook)!;
  const deleted = info.deletePolicies.length ? `, deleted on ${info.deletePolicies.join("/")}` : "";
  return `only a ${info.events.join(",")} Helm hook${deleted}`;
}
