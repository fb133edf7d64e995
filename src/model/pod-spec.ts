import type { NodePath } from "../load/types.js";
import { asArray, getPath, isObject, stringMap, type JsonObject } from "../util/json.js";
import { memoized } from "../util/memoized.js";
import type { K8sObject } from "./objects.js";

/** Controllers whose Pods run for a long time and get replaced on rollouts, evictions and drains. */
export const LONG_LIVED_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Rollout"] as const;

const POD_SPEC_PATHS: Record<string, NodePath> = {
  Pod: ["spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};
const DEFAULT_POD_SPEC_PATH: NodePath = ["spec", "template", "spec"];
const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "Rollout", "ReplicationController"]);

export interface PodSpecView {
  /** Path of the pod spec inside the object's document (basePath included). */
  path: NodePath;
  spec: JsonObject;
  /** Path and annotations of the pod template's metadata (for a Pod: the object's own metadata). */
  templateMetadataPath: NodePath;
  templateAnnotations: Record<string, string>;
}

export interface ContainerView {
  container: JsonObject;
  path: NodePath;
  name: string;
  init: boolean;
}

export function isLongLived(object: K8sObject): boolean {
  return (LONG_LIVED_KINDS as readonly string[]).includes(object.kind);
}

// Most rules ask for the pod spec (and containers) of every object.
const podSpecs = memoized(readPodSpec, new WeakMap());

export function podSpecOf(object: K8sObject): PodSpecView | undefined {
  return WORKLOAD_KINDS.has(object.kind) ? podSpecs(object) : undefined;
}

function readPodSpec(object: K8sObject): PodSpecView | undefined {
  const relative = POD_SPEC_PATHS[object.kind] ?? DEFAULT_POD_SPEC_PATH;
  const spec = getPath(object.body, relative);
  if (!isObject(spec)) return undefined;
  const metadataRelative = object.kind === "Pod" ? ["metadata"] : [...relative.slice(0, -1), "metadata"];
  return {
    path: [...object.basePath, ...relative],
    spec,
    templateMetadataPath: [...object.basePath, ...metadataRelative],
    templateAnnotations: stringMap(getPath(getPath(object.body, metadataRelative), ["annotations"])),
  };
}

/** Init containers first, in the order the kubelet starts them, then the app containers. */
export const containersOf: (pod: PodSpecView) => readonly ContainerView[] = memoized(readContainers, new WeakMap());

function readContainers(pod: PodSpecView): ContainerView[] {
  const out: ContainerView[] = [];
  for (const [field, init] of [["initContainers", true], ["containers", false]] as const) {
    asArray(pod.spec[field]).forEach((container, i) => {
      if (!isObject(container)) return;
      out.push({ container, path: [...pod.path, field, i], name: typeof container.name === "string" ? container.name : `#${i}`, init });
    });
  }
  return out;
}

/** Path of a key inside the object's document. */
export function pathIn(object: K8sObject, ...relative: Array<string | number>): NodePath {
  return [...object.basePath, ...relative];
}
