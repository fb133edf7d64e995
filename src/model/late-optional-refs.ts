import { configRefsOf, renderedConfig, type ConfigKind, type ConfigRef } from "./config-refs.js";
import { hookInfo, releaseChartOf, sameRelease } from "./helm.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";
import { containersOf, isLongLived, podSpecOf, type PodSpecView } from "./pod-spec.js";
import { reloaderCoverage, type Coverage } from "./reloader.js";
import { asArray, isObject } from "../util/json.js";

/** One place a container reads the object in a way that never sees it appear: an env variable or a subPath mount. */
export interface LateUse {
  ref: ConfigRef;
  container: string;
  /** `SOVEREIGN_FQDN`, `envFrom APP_*`, `volume "config" at /etc/app/app.yaml with subPath app.yaml`. */
  shown: string;
  /** A subPath mount rather than an environment variable. */
  mount: boolean;
}

/**
 * A ConfigMap/Secret that a long-lived workload reads with `optional: true`, into environment variables or
 * through a volume mounted with `subPath`, that the input does not render as something that exists when the
 * Pods start, and that no required reference makes the kubelet wait for (see `requiredBeforeStart`): if the
 * Pod starts first, the kubelet leaves the variables unset (kubelet_pods.go makeEnvironmentVariables) or
 * mounts an empty path, and neither changes until the container restarts. The kubelet refreshes a volume
 * mounted without subPath when the object appears, but never a subPath mount.
 */
export interface LateOptionalRef {
  workload: K8sObject;
  kind: ConfigKind;
  name: string;
  /** Every such use of it, in pod-spec order; the first reference is where findings point. */
  uses: LateUse[];
  /** The object when the input renders it only as a Helm hook. */
  hook?: K8sObject;
  /** The object when another Flux apply unit, not ordered before the workload's, applies it. */
  unordered?: K8sObject;
  /** The Reloader annotation that rolls the workload when the object changes, if any. */
  coverage?: Coverage;
}

/** `autoReloadAll`: a Reloader in the input runs with `--auto-reload-all` (see `reloaderInstances`). */
export function lateOptionalRefs(set: ManifestSet, workload: K8sObject, settings: { autoReloadAll?: boolean } = {}): LateOptionalRef[] {
  if (!isLongLived(workload)) return [];
  const pod = podSpecOf(workload);
  if (!pod) return [];
  const uses = lateUsesOf(pod);
  if (uses.length === 0) return [];
  const byObject = new Map<string, LateOptionalRef>();
  /** Objects there when the Pods start: no use of them is late. */
  const present = new Set<string>();
  for (const use of uses) {
    const { kind, name } = use.ref;
    const key = `${kind}\0${name}`;
    if (present.has(key)) continue;
    const known = byObject.get(key);
    if (known) {
      known.uses.push(use);
      continue;
    }
    const rendered = renderedConfig(set, kind, name, workload);
    if (rendered.available) {
      present.add(key);
      continue;
    }
    const coverage = reloaderCoverage(workload, kind, name, rendered.unordered ?? rendered.hook, settings);
    byObject.set(key, {
      workload,
      kind,
      name,
      uses: [use],
      ...(rendered.hook ? { hook: rendered.hook } : {}),
      ...(rendered.unordered ? { unordered: rendered.unordered } : {}),
      ...(coverage ? { coverage } : {}),
    });
  }
  return [...byObject.values()];
}

/**
 * Optional env/envFrom references, and optional configMap/secret volumes (or projected sources) for each subPath
 * mount of them. An env/envFrom reference is left out when a required reference to the same object makes the
 * kubelet wait for it before the container starts (see `requiredBeforeStart`). A subPath mount is not: the
 * optional volume may have been set up empty before the object appeared, and the kubelet refills it
 * asynchronously, so the container can still start on the empty directory.
 */
function lateUsesOf(pod: PodSpecView): LateUse[] {
  const out: LateUse[] = [];
  const refs = configRefsOf(pod);
  const required = requiredBeforeStart(pod, refs);
  for (const ref of refs) {
    if (!ref.optional) continue;
    if (ref.via === "env" || ref.via === "envFrom") {
      if (required(ref)) continue;
      const shown = ref.via === "env" ? ref.envName! : `envFrom${ref.prefix ? ` ${ref.prefix}*` : ""}`;
      out.push({ ref, container: ref.container!, shown, mount: false });
      continue;
    }
    for (const c of containersOf(pod)) {
      for (const mount of asArray(c.container.volumeMounts)) {
        if (!isObject(mount) || ref.volume === undefined || mount.name !== ref.volume) continue;
        const field = nonEmpty(mount.subPath) !== undefined ? "subPath" : nonEmpty(mount.subPathExpr) !== undefined ? "subPathExpr" : undefined;
        if (field === undefined) continue;
        const at = typeof mount.mountPath === "string" ? ` at ${mount.mountPath}` : "";
        out.push({ ref, container: c.name, shown: `${ref.usage}${at} with ${field} ${String(mount[field])}`, mount: true });
      }
    }
  }
  return out;
}

/**
 * Whether the object an env/envFrom reference reads exists whenever its container starts, because a reference
 * without `optional: true` blocks that start until it does. The kubelet starts no container of the Pod until
 * every volume some container mounts is set up (WaitForAttachAndMount, over util.GetPodVolumeNames), and a
 * required configMap/secret volume or projected source fails SetUp while its object is missing; a volume no
 * container mounts is never set up. makeEnvironmentVariables fails the container's start
 * (CreateContainerConfigError) on a missing object its env/envFrom requires. Init containers start one at a
 * time, each after the previous one completed (or, with `restartPolicy: Always`, started), and app containers
 * after all of them (computeInitContainerActions), so an init container's required reference holds for the
 * containers after it; an app container's holds for itself only, since app containers start independently.
 */
function requiredBeforeStart(pod: PodSpecView, refs: readonly ConfigRef[]): (ref: ConfigRef) => boolean {
  const containers = containersOf(pod);
  const key = (ref: ConfigRef): string => `${ref.kind}\0${ref.name}`;
  const ownerOf = (ref: ConfigRef): number => containers.findIndex((c) => c.path.every((step, k) => ref.path[k] === step));
  const mounted = new Set(containers.flatMap((c) => asArray(c.container.volumeMounts).map((m) => (isObject(m) ? m.name : undefined))));
  const forAll = new Set<string>();
  const byContainer = containers.map(() => new Set<string>());
  for (const ref of refs) {
    if (ref.optional) continue;
    if (ref.via === "env" || ref.via === "envFrom") byContainer[ownerOf(ref)]?.add(key(ref));
    else if (ref.volume !== undefined && mounted.has(ref.volume)) forAll.add(key(ref));
  }
  return (ref) => {
    const at = ownerOf(ref);
    const wanted = key(ref);
    return forAll.has(wanted) || containers.some((c, i) => (i === at || (c.init && i < at)) && byContainer[i]!.has(wanted));
  };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** "SOVEREIGN_FQDN, FQDN_ALIAS" / "envFrom" / `volume "config" at /etc/app/app.yaml with subPath app.yaml`. */
export function affectedUses(uses: LateUse[]): string {
  return [...new Set(uses.map((u) => u.shown))].join(", ");
}

/**
 * "only a post-install Helm hook, deleted on hook-succeeded", for messages; a hook of another chart's release
 * says so, since that is why it is late.
 */
export function hookDescription(hook: K8sObject, workload: K8sObject): string {
  const info = hookInfo(hook)!;
  const deleted = info.deletePolicies.length ? `, deleted on ${info.deletePolicies.join("/")}` : "";
  const release = sameRelease(hook, workload) ? "" : ` of another release (chart ${releaseChartOf(hook)})`;
  return `only a ${info.events.join(",")} Helm hook${release}${deleted}`;
}
