import type { NodePath } from "../load/types.js";
import { asArray, asString, isObject } from "../util/json.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";
import { availableBefore } from "./apply-unit.js";
import { hookInfo, sameRelease } from "./helm.js";
import { persistsFromPreInstall } from "./hook-order.js";
import { memoized } from "../util/memoized.js";
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
  /** The pod volume that holds it (volume/projected only), which containers mount by this name. */
  volume?: string;
  /** The variable set from it (env), or the envFrom prefix (may be ""). */
  envName?: string;
  prefix?: string;
  /** How it is used, for messages next to the container's name: `env TOKEN`, `envFrom`, `volume "certs"`. */
  usage: string;
  /** The env/envFrom item or the volume, inside the object's document. */
  path: NodePath;
  /** The reference's own `name` (`secretName`) key. */
  namePath: NodePath;
}

type RefPlace = Omit<ConfigRef, "kind" | "name" | "optional" | "namePath">;

/**
 * Every ConfigMap/Secret reference of a pod spec: env and envFrom of init and app containers, then
 * `configMap`/`secret` volumes and `projected` volume sources. Image pull secrets are not included (a
 * missing one does not stop a Pod whose image is reachable). Computed once per pod spec view (one per
 * object, see podSpecOf): three rules read every workload's references.
 */
export const configRefsOf: (pod: PodSpecView) => ConfigRef[] = memoized(readConfigRefs, new WeakMap());

function readConfigRefs(pod: PodSpecView): ConfigRef[] {
  const out: ConfigRef[] = [];
  // Paths are built only for a reference that is there: most env entries and volumes hold none.
  const add = (kind: ConfigKind, ref: unknown, nameKey: string, at: NodePath, keys: readonly string[], place: RefPlace): void => {
    const name = isObject(ref) ? asString(ref[nameKey]) : undefined;
    if (!isObject(ref) || name === undefined) return;
    out.push({ kind, name, optional: ref.optional === true, ...place, namePath: [...at, ...keys, nameKey] });
  };
  for (const c of containersOf(pod)) {
    asArray(c.container.env).forEach((entry, i) => {
      if (!isObject(entry) || !isObject(entry.valueFrom)) return;
      const { configMapKeyRef, secretKeyRef } = entry.valueFrom;
      if (!isObject(configMapKeyRef) && !isObject(secretKeyRef)) return; // fieldRef, resourceFieldRef
      const envName = asString(entry.name) ?? `#${i}`;
      const path = [...c.path, "env", i];
      const place: RefPlace = { via: "env", container: c.name, envName, usage: `env ${envName}`, path };
      add("ConfigMap", configMapKeyRef, "name", path, ["valueFrom", "configMapKeyRef"], place);
      add("Secret", secretKeyRef, "name", path, ["valueFrom", "secretKeyRef"], place);
    });
    asArray(c.container.envFrom).forEach((entry, i) => {
      if (!isObject(entry)) return;
      const path = [...c.path, "envFrom", i];
      const place: RefPlace = { via: "envFrom", container: c.name, prefix: asString(entry.prefix) ?? "", usage: "envFrom", path };
      add("ConfigMap", entry.configMapRef, "name", path, ["configMapRef"], place);
      add("Secret", entry.secretRef, "name", path, ["secretRef"], place);
    });
  }
  asArray(pod.spec.volumes).forEach((volume, i) => {
    if (!isObject(volume) || !(isObject(volume.configMap) || isObject(volume.secret) || isObject(volume.projected))) return;
    const path = [...pod.path, "volumes", i];
    const volumeName = asString(volume.name);
    const usage = `volume "${volumeName ?? `#${i}`}"`;
    const named = volumeName !== undefined ? { volume: volumeName } : {};
    add("ConfigMap", volume.configMap, "name", path, ["configMap"], { via: "volume", usage, path, ...named });
    add("Secret", volume.secret, "secretName", path, ["secret"], { via: "volume", usage, path, ...named });
    if (!isObject(volume.projected)) return;
    asArray(volume.projected.sources).forEach((source, j) => {
      if (!isObject(source)) return;
      const sourcePath = [...path, "projected", "sources", j];
      add("ConfigMap", source.configMap, "name", sourcePath, ["configMap"], { via: "projected", usage, path, ...named });
      add("Secret", source.secret, "name", sourcePath, ["secret"], { via: "projected", usage, path, ...named });
    });
  });
  return out;
}

/**
 * The ConfigMap/Secret as it is there by the time `from` is applied (`available`): an ordinary release resource
 * (not a Helm hook) of the same or an earlier apply unit, or a hook of the same release that a `pre-install`
 * hook creates before the release's resources and that stays (see persistsFromPreInstall). Else `unordered`,
 * the same object applied by another Flux unit that Flux does not finish first (Kustomizations without
 * dependsOn reconcile concurrently); else, when it is rendered only as hooks, the first such hook: other hooks
 * are created after the resources (`post-*`), only on other operations, or are deleted again
 * (`hook-succeeded`), so they do not guarantee the object exists when the workload's Pods start.
 */
export function renderedConfig(
  set: ManifestSet,
  kind: ConfigKind,
  name: string,
  from: K8sObject,
): { available?: K8sObject; unordered?: K8sObject; hook?: K8sObject } {
  const candidates = set.named(kind, name, from.namespace);
  const ordinary = candidates.filter((o) => hookInfo(o) === undefined);
  const ready = ordinary.find((o) => availableBefore(o, from, set));
  if (ready) return { available: ready };
  const hooks = candidates.filter((o) => hookInfo(o) !== undefined);
  const persistent = hooks.find((o) => persistsFromPreInstall(hookInfo(o)!) && sameRelease(o, from) && availableBefore(o, from, set));
  if (persistent) return { available: persistent };
  return { ...(ordinary[0] ? { unordered: ordinary[0] } : {}), ...(hooks[0] ? { hook: hooks[0] } : {}) };
}
