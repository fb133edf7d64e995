import type { NodePath } from "../load/types.js";
import { asArray, getPath, isObject } from "../util/json.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";
import type { PodSpecView } from "./pod-spec.js";

export interface ClaimVolume {
  volumeName: string;
  claimName: string;
  /** Path of `persistentVolumeClaim.claimName` in the document. */
  claimNamePath: NodePath;
  readOnly: boolean;
}

/** The pod spec's `persistentVolumeClaim` volumes. */
export function claimVolumesOf(pod: PodSpecView): ClaimVolume[] {
  const out: ClaimVolume[] = [];
  asArray(pod.spec.volumes).forEach((volume, i) => {
    if (!isObject(volume) || !isObject(volume.persistentVolumeClaim)) return;
    const claimName = volume.persistentVolumeClaim.claimName;
    if (typeof claimName !== "string" || typeof volume.name !== "string") return;
    out.push({
      volumeName: volume.name,
      claimName,
      claimNamePath: [...pod.path, "volumes", i, "persistentVolumeClaim", "claimName"],
      readOnly: volume.persistentVolumeClaim.readOnly === true,
    });
  });
  return out;
}

/** The PersistentVolumeClaim a workload in `from`'s namespace refers to by name, when it is in the input. */
export function findClaim(set: ManifestSet, claimName: string, from: K8sObject): K8sObject | undefined {
  return set.find("PersistentVolumeClaim", claimName, from);
}

export function accessModesOf(claim: K8sObject): string[] {
  return asArray(getPath(claim.body, ["spec", "accessModes"])).filter((m): m is string => typeof m === "string");
}

/**
 * The single-node access mode a claim is limited to: `ReadWriteOncePod` (one Pod), `ReadWriteOnce` (one node),
 * or `undefined` when any mode allows several nodes (ReadWriteMany, ReadOnlyMany) or no mode is declared.
 */
export function singleNodeAccessModeOf(claim: K8sObject): "ReadWriteOncePod" | "ReadWriteOnce" | undefined {
  const modes = accessModesOf(claim);
  if (modes.length === 0 || modes.some((m) => m !== "ReadWriteOnce" && m !== "ReadWriteOncePod")) return undefined;
  return modes.includes("ReadWriteOncePod") ? "ReadWriteOncePod" : "ReadWriteOnce";
}
