import type { NodePath } from "../load/types.js";
import { asArray, asString, isObject } from "./json.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";
import { availableBefore } from "./apply-unit.js";
import { hookInfo } from "./helm.js";
import { containersOf, type PodSpecView } from "./pod-spec.js";

export type ConfigKind = "ConfigMap" | "Secret";

/** One place a pod spec reads a ConfigMap or Secret. */
export interface ConfigRef {
  kind: ConfigKind;
  name: string;
  /** `env` (valueFrom …KeyRef), `envFrom`, `volume` (configMap/secret volume) or `projected` (a projected volume source). */
  via: "env" | "envFrom" | "volume" | "projected";
  optional: boolean;
  /** Container that reads it (env/envFrom only). */
  container?: string;
  /** The variable set from it (env), or the envFrom prefix (may be ""). */
  envName?: string;
  prefix?: string;
  /** The env/envFrom item or the volume, inside the object's document. */
  path: NodePath;
}

/** Every ConfigMap/Secret reference of a pod spec: env and envFrom of init and app containers, then volumes. */
export function configRefsOf(pod: PodSpecView): ConfigRef[] {
  const out: ConfigRef[] = [];
  for (const c of containersOf(pod)) {
    asArray(c.container.env).forEach((entry, i) => {
      if (!isObject(entry) || !isObject(entry.valueFrom)) return;
      for (const [field, kind] of [["configMapKeyRef", "ConfigMap"], ["secretKeyRef", "Secret"]] as const) {
        const ref = entry.valueFrom[field];
        const name = isObject(ref) ? asString(ref.name) : undefined;
        if (!isObject(ref) || name === undefined) continue;
        out.push({ kind, name, via: "env", optional: ref.optional === true, container: c.name, envName: asString(entry.name) ?? `#${i}`, path: [...c.path, "env", i] });
      }
    });
    asArray(c.container.envFrom).forEach((entry, i) => {
      if (!isObject(entry)) return;
      for (const [field, kind] of [["configMapRef", "ConfigMap"], ["secretRef", "Secret"]] as const) {
        const ref = entry[field];
        const name = isObject(ref) ? asString(ref.name) : undefined;
        if (!isObject(ref) || name === undefined) continue;
        out.push({ kind, name, via: "envFrom", optional: ref.optional === true, container: c.name, prefix: asString(entry.prefix) ?? "", path: [...c.path, "envFrom", i] });
      }
    });
  }
  asArray(pod.spec.volumes).forEach((volume, i) => {
    if (!isObject(volume)) return;
    const path = [...pod.path, "volumes", i];
    if (isObject(volume.configMap) && asString(volume.configMap.name) !== undefined) {
      out.push({ kind: "ConfigMap", name: asString(volume.configMap.name)!, via: "volume", optional: volume.configMap.optional === true, path });
    }
    if (isObject(volume.secret) && asString(volume.secret.secretName) !== undefined) {
      out.push({ kind: "Secret", name: asString(volume.secret.secretName)!, via: "volume", optional: volume.secret.optional === true, path });
    }
    if (isObject(volume.projected)) {
      for (const source of asArray(volume.projected.sources)) {
        if (!isObject(source)) continue;
        for (const [field, kind] of [["configMap", "ConfigMap"], ["secret", "Secret"]] as const) {
          const ref = source[field];
          const name = isObject(ref) ? asString(ref.name) : undefined;
          if (isObject(ref) && name !== undefined) out.push({ kind, name, via: "projected", optional: ref.optional === true, path });
        }
      }
    }
  });
  return out;
}

/**
 * The ConfigMap/Secret as an ordinary release resource (not a Helm hook) that exists by the time `from`
 * is applied; else `unordered`, the same object applied by another Flux unit that Flux does not finish
 * first (Kustomizations without dependsOn reconcile concurrently); else, when it is rendered only as
 * hooks, the first such hook. Hooks are created at their event and may be deleted again
 * (`hook-succeeded`, `before-hook-creation`), so they do not guarantee the object exists when the
 * workload's Pods start.
 */
export function renderedConfig(
  set: ManifestSet,
  kind: ConfigKind,
  name: string,
  from: K8sObject,
): { ordinary?: K8sObject; unordered?: K8sObject; hook?: K8sObject } {
  const candidates = set
    .ofKind(kind)
    .filter((o) => o.name === name && (o.namespace === undefined || from.namespace === undefined || o.namespace === from.namespace));
  const ordinary = candidates.filter((o) => hookInfo(o) === undefined);
  const ready = ordinary.find((o) => availableBefore(o, from, set));
  if (ready) return { ordinary: ready };
  const hook = candidates.find((o) => hookInfo(o) !== undefined);
  return { ...(ordinary[0] ? { unordered: ordinary[0] } : {}), ...(hook ? { hook } : {}) };
}
