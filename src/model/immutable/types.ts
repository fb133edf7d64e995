import type { NodePath } from "../../load/types.js";
import type { ManifestSet } from "../manifest-set.js";
import type { K8sObject } from "../objects.js";

/** One update of a live object that the API server refuses (or accepts and ignores), as found by comparing two revisions. */
export interface FieldChange {
  /** Where the change is, inside the object's body (the head's key when it has one there). */
  path: NodePath;
  /** The field error as the API server words it, e.g. `spec.selector: Invalid value: …: field is immutable`. */
  error: string;
  /** Set when `error` is a whole API error of its own (an admission plugin's), not a field error of validation. */
  wholeError?: boolean;
  /** What changed, for the message: `matchLabels added app.kubernetes.io/version: "1.2.0"`. */
  change: string;
  /**
   * `rejected`: the update fails. `ignored`: the API server accepts it and keeps the old value (the
   * change never takes effect).
   */
  effect: "rejected" | "ignored";
  /** What to do, in a few words, when it differs from the usual fix for the kind. */
  fix?: string;
  /** Set when the input cannot show whether the live object makes the update fail: the condition, in words. */
  unless?: string;
}

export interface ChangeContext {
  /** `--kube-version`, when given. */
  kubeVersion?: string;
  /** The head revision, for objects a change depends on (the StorageClass of a claim). */
  head: ManifestSet;
}

/** The update rules of one kind, from its API validation. */
export interface KindRules {
  kinds: readonly string[];
  /** API groups the rules hold for: `` is core; a version such as `apps/v1beta1` is excluded by listing versions. */
  apiVersions: readonly string[];
  changes(base: K8sObject, head: K8sObject, context: ChangeContext): FieldChange[];
}
