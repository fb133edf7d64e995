import path from "node:path";
import type { NodePath } from "../load/types.js";
import { asArray, getPath, isObject, type JsonObject } from "../util/json.js";
import type { K8sObject } from "./objects.js";
import type { ContainerView, PodSpecView } from "./pod-spec.js";

/**
 * How long data written to a volume lives:
 * - `ephemeral`: deleted with the Pod (emptyDir, generic ephemeral volumes, CSI inline volumes);
 * - `container-layer`: no mount at all, the container's writable layer, lost on every container restart;
 * - `persistent`: outlives the Pod (PVCs, StatefulSet claim templates, network file systems);
 * - `node-local`: hostPath, survives a Pod restart only on the same node;
 * - `read-only`: projected content (ConfigMap, Secret, downwardAPI, projected, image) — not a place to write.
 * - `unknown`: a volume this linter does not classify (or a mount whose volume is missing).
 */
export type StorageLifetime = "ephemeral" | "container-layer" | "persistent" | "node-local" | "read-only" | "unknown";

export interface VolumeStorage {
  lifetime: StorageLifetime;
  /** Human description for messages: `emptyDir`, `emptyDir (medium: Memory)`, `PVC "data"`, … */
  description: string;
}

const READ_ONLY_SOURCES = ["configMap", "secret", "downwardAPI", "projected", "image"];
const NETWORK_SOURCES = [
  "nfs", "iscsi", "cephfs", "rbd", "glusterfs", "azureFile", "azureDisk", "awsElasticBlockStore", "gcePersistentDisk",
  "cinder", "fc", "flexVolume", "flocker", "portworxVolume", "quobyte", "scaleIO", "storageos", "vsphereVolume", "photonPersistentDisk",
];

/** The lifetime of a pod volume, from its source (StatefulSet claim templates count as PVCs). */
export function storageOfVolume(volume: JsonObject | undefined, claimTemplateName?: string): VolumeStorage {
  // The StatefulSet controller replaces a pod volume of the same name with the claim template's PVC.
  if (claimTemplateName !== undefined) return { lifetime: "persistent", description: `volumeClaimTemplate "${claimTemplateName}"` };
  if (!volume) return { lifetime: "unknown", description: "a volume not declared in the pod spec" };
  if ("emptyDir" in volume) {
    const medium = isObject(volume.emptyDir) && typeof volume.emptyDir.medium === "string" && volume.emptyDir.medium !== "" ? volume.emptyDir.medium : undefined;
    return { lifetime: "ephemeral", description: medium ? `emptyDir (medium: ${medium})` : "emptyDir" };
  }
  if ("ephemeral" in volume) return { lifetime: "ephemeral", description: "generic ephemeral volume" };
  if ("csi" in volume) {
    const driver = getPath(volume, ["csi", "driver"]);
    return { lifetime: "ephemeral", description: `CSI inline volume${typeof driver === "string" ? ` (${driver})` : ""}` };
  }
  if ("persistentVolumeClaim" in volume) {
    const claim = getPath(volume, ["persistentVolumeClaim", "claimName"]);
    return { lifetime: "persistent", description: `PVC "${typeof claim === "string" ? claim : "?"}"` };
  }
  if ("hostPath" in volume) return { lifetime: "node-local", description: "hostPath" };
  for (const source of READ_ONLY_SOURCES) if (source in volume) return { lifetime: "read-only", description: source };
  for (const source of NETWORK_SOURCES) if (source in volume) return { lifetime: "persistent", description: source };
  return { lifetime: "unknown", description: "an unclassified volume source" };
}

export interface ResolvedPath {
  /** The normalized absolute path that was resolved. */
  path: string;
  /** The mount that holds it, absent when the path is on the container's own filesystem. */
  mount?: { name: string; mountPath: string; subPath?: string; readOnly: boolean; path: NodePath };
  storage: VolumeStorage;
}

/** `/var/lib/app/` and `/var/lib//app` are `/var/lib/app`; `..` segments are resolved. */
export function normalizeAbsolutePath(p: string): string {
  const normalized = path.posix.normalize(p);
  return normalized.length > 1 && normalized.endsWith("/") ? normalized.slice(0, -1) : normalized;
}

/** True when `dir` is `p` or one of its ancestors by whole path segments (`/var/lib/app` is not a prefix of `/var/lib/application`). */
export function isPathSegmentPrefix(dir: string, p: string): boolean {
  if (dir === "/") return true;
  return p === dir || p.startsWith(`${dir}/`);
}

/** Names of a StatefulSet's `volumeClaimTemplates`; empty for other kinds. */
export function claimTemplateNamesOf(object: K8sObject): Set<string> {
  const names = new Set<string>();
  if (object.kind !== "StatefulSet") return names;
  for (const template of asArray(getPath(object.body, ["spec", "volumeClaimTemplates"]))) {
    const name = getPath(template, ["metadata", "name"]);
    if (typeof name === "string") names.add(name);
  }
  return names;
}

/**
 * Which storage an absolute path inside a container lands on: the volume mount with the longest mountPath
 * that is a whole-segment prefix of the path (mounts nest, the deepest wins), or the container's writable
 * layer when no mount covers it. `subPath`/`subPathExpr` mount part of a volume; the data still lives there.
 */
export function resolvePathToStorage(object: K8sObject, pod: PodSpecView, container: ContainerView, absolutePath: string): ResolvedPath {
  const target = normalizeAbsolutePath(absolutePath);
  let best: { mount: JsonObject; index: number; mountPath: string } | undefined;
  asArray(container.container.volumeMounts).forEach((mount, index) => {
    if (!isObject(mount) || typeof mount.mountPath !== "string" || typeof mount.name !== "string" || !mount.mountPath.startsWith("/")) return;
    const mountPath = normalizeAbsolutePath(mount.mountPath);
    if (!isPathSegmentPrefix(mountPath, target)) return;
    if (!best || mountPath.length > best.mountPath.length) best = { mount, index, mountPath };
  });
  if (!best) return { path: target, storage: { lifetime: "container-layer", description: "the container's writable layer" } };
  const name = best.mount.name as string;
  const volume = asArray(pod.spec.volumes).find((v): v is JsonObject => isObject(v) && v.name === name);
  const templates = claimTemplateNamesOf(object);
  const subPath = typeof best.mount.subPath === "string" ? best.mount.subPath : typeof best.mount.subPathExpr === "string" ? best.mount.subPathExpr : undefined;
  return {
    path: target,
    mount: { name, mountPath: best.mountPath, ...(subPath ? { subPath } : {}), readOnly: best.mount.readOnly === true, path: [...container.path, "volumeMounts", best.index] },
    storage: storageOfVolume(volume, templates.has(name) ? name : undefined),
  };
}
