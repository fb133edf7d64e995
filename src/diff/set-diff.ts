import type { ManifestSet } from "../model/manifest-set.js";
import type { K8sObject } from "../model/objects.js";
import { identityOf } from "./identity.js";

/** One object at the base and at the head of a diff-aware run. */
export interface ObjectPair {
  base: K8sObject;
  head: K8sObject;
}

/**
 * Base and head of a diff-aware run, paired by identity (see identity.ts). Built once per run from two
 * ManifestSets, however they were read or rendered.
 */
export interface SetDiff {
  /** How messages name the base: the `--base` revision or the `--base-file` name. */
  baseName: string;
  /** Every head object that has a base object, in head order. */
  pairs: readonly ObjectPair[];
  /** The base object paired with a head object; undefined when the object is new in this change (or `covers` is false). */
  baseOf(head: K8sObject): K8sObject | undefined;
  /**
   * False when the base says nothing about the object: it holds the very document the head read (stdin
   * under `--base REV`, which has no history). Such an object is neither paired nor new: rules treat it as
   * in a run without a base.
   */
  covers(head: K8sObject): boolean;
}

export function diffSets(base: ManifestSet, head: ManifestSet, baseName: string): SetDiff {
  // When the base holds one identity twice, the later one is what the cluster got (Helm and kubectl
  // apply in order; a Flux unit with a duplicate id fails before applying anything).
  const byIdentity = new Map<string, K8sObject>();
  for (const object of base.objects) {
    const id = identityOf(object);
    if (id !== undefined) byIdentity.set(id, object);
  }
  const pairs: ObjectPair[] = [];
  const baseByHead = new Map<K8sObject, K8sObject>();
  const uncovered = new Set<K8sObject>();
  for (const object of head.objects) {
    const id = identityOf(object);
    const previous = id === undefined ? undefined : byIdentity.get(id);
    if (!previous) continue;
    if (previous.source === object.source) {
      uncovered.add(object);
      continue;
    }
    pairs.push({ base: previous, head: object });
    baseByHead.set(object, previous);
  }
  return { baseName, pairs, baseOf: (object) => baseByHead.get(object), covers: (object) => !uncovered.has(object) };
}
