/**
 * stakater/Reloader's reload annotations, as its source decides things (`pkg/common/common.go` ShouldReload,
 * `internal/pkg/handler/upgrade.go`); its installations are in reloader-instances.ts. Annotation names are
 * Reloader's defaults; custom names (`--configmap-annotation` …) are not followed.
 */
import type { NodePath } from "../load/types.js";
import type { ConfigKind } from "./config-refs.js";
import { compileGoRegexp, type GoRegexp } from "./go-regexp.js";
import type { K8sObject } from "./objects.js";
import { pathIn, podSpecOf } from "./pod-spec.js";

export const RELOADER = {
  auto: "reloader.stakater.com/auto",
  search: "reloader.stakater.com/search",
  match: "reloader.stakater.com/match",
  ignore: "reloader.stakater.com/ignore",
  reload: (kind: ConfigKind) => `${kind === "ConfigMap" ? "configmap" : "secret"}.reloader.stakater.com/reload`,
  typedAuto: (kind: ConfigKind) => `${kind === "ConfigMap" ? "configmap" : "secret"}.reloader.stakater.com/auto`,
  exclude: (kind: ConfigKind) => `${kind === "ConfigMap" ? "configmaps" : "secrets"}.exclude.reloader.stakater.com/reload`,
} as const;

/** Where Reloader reads a workload's annotations for one object type, and what it found there. */
export interface ReloadAnnotations {
  /** The map Reloader uses: the workload's own metadata, or the pod template's as a fallback. */
  annotations: Record<string, string>;
  /** Key path of that annotations map inside the object's document. */
  path: NodePath;
  where: "metadata" | "pod template";
}

/**
 * ShouldReload's choice: the workload's `metadata.annotations` when any of the type's reload key,
 * `reloader.stakater.com/auto`, the typed auto key or `reloader.stakater.com/search` is there; otherwise the
 * pod template's annotations, all or nothing.
 */
export function reloadAnnotationsFor(workload: K8sObject, kind: ConfigKind): ReloadAnnotations {
  const own = workload.annotations;
  const keys = [RELOADER.reload(kind), RELOADER.auto, RELOADER.typedAuto(kind), RELOADER.search];
  const pod = podSpecOf(workload);
  if (keys.some((k) => k in own) || !pod) return { annotations: own, path: pathIn(workload, "metadata", "annotations"), where: "metadata" };
  return { annotations: pod.templateAnnotations, path: [...pod.templateMetadataPath, "annotations"], where: "pod template" };
}

/** How a reference is covered: the annotation (with the map it sits in) that makes Reloader roll the workload. */
export interface Coverage {
  annotation: string;
  value: string;
  where: "metadata" | "pod template";
  /** `search` relies on the object carrying `reloader.stakater.com/match: "true"`, which is unknown when it is not in the input. */
  conditional?: string;
}

/**
 * Whether Reloader would roll `workload` for a change of the named ConfigMap/Secret. `object` is the
 * referenced object when the input has it (its `ignore` and `match` annotations count); when it does not,
 * `search` is assumed to cover it (the object comes from elsewhere and may carry `match`), and the result
 * says so in `conditional`.
 */
export function reloaderCoverage(
  workload: K8sObject,
  kind: ConfigKind,
  name: string,
  object?: K8sObject,
  settings: { autoReloadAll?: boolean } = {},
): Coverage | undefined {
  if (object?.annotations[RELOADER.ignore] === "true") return undefined;
  const excluded = workload.annotations[RELOADER.exclude(kind)];
  if (excluded !== undefined && excluded.split(",").some((n) => n.trim() === name)) return undefined;
  const { annotations, where } = reloadAnnotationsFor(workload, kind);
  const reload = annotations[RELOADER.reload(kind)];
  if (reload !== undefined && reloadEntries(reload).some((e) => e.regexp?.test(name))) return { annotation: RELOADER.reload(kind), value: reload, where };
  const search = annotations[RELOADER.search];
  if (search === "true") {
    if (object === undefined) return { annotation: RELOADER.search, value: search, where, conditional: `only if ${kind} "${name}" carries ${RELOADER.match}: "true"` };
    if (object.annotations[RELOADER.match] === "true") return { annotation: RELOADER.search, value: search, where };
  }
  for (const key of [RELOADER.auto, RELOADER.typedAuto(kind)]) {
    const value = annotations[key];
    if (value !== undefined && goParseBool(value)) return { annotation: key, value, where };
  }
  // --auto-reload-all covers workloads that set neither auto annotation (an empty value counts as unset).
  if (settings.autoReloadAll && !annotations[RELOADER.auto] && !annotations[RELOADER.typedAuto(kind)]) {
    return { annotation: "Reloader's --auto-reload-all", value: "true", where };
  }
  return undefined;
}

/**
 * Why the Reloader annotations a workload does carry leave this reference uncovered, for messages:
 * empty when it carries none that concern the object's type.
 */
export function whyNotCovered(workload: K8sObject, kind: ConfigKind, name: string, object?: K8sObject): string[] {
  const notes: string[] = [];
  if (object?.annotations[RELOADER.ignore] === "true") notes.push(`${kind} "${name}" carries ${RELOADER.ignore}: "true"`);
  const excluded = workload.annotations[RELOADER.exclude(kind)];
  if (excluded !== undefined && excluded.split(",").some((n) => n.trim() === name)) notes.push(`${RELOADER.exclude(kind)} lists it`);
  const chosen = reloadAnnotationsFor(workload, kind);
  const pod = podSpecOf(workload);
  const keys = [RELOADER.reload(kind), RELOADER.auto, RELOADER.typedAuto(kind), RELOADER.search];
  if (chosen.where === "metadata" && pod) {
    const shadowed = keys.filter((k) => k in pod.templateAnnotations);
    if (shadowed.length) notes.push(`the pod template's ${shadowed.join(", ")} is ignored because metadata.annotations has ${keys.filter((k) => k in workload.annotations).join(", ")}`);
  }
  const reload = chosen.annotations[RELOADER.reload(kind)];
  if (reload !== undefined && !reloadEntries(reload).some((e) => e.regexp?.test(name))) notes.push(`${RELOADER.reload(kind)}: "${reload}" does not match the whole name "${name}"`);
  for (const key of [RELOADER.auto, RELOADER.typedAuto(kind)]) {
    const value = chosen.annotations[key];
    if (value !== undefined && !goParseBool(value)) notes.push(`${key} is "${value}"`);
  }
  if (chosen.annotations[RELOADER.search] === "true" && object && object.annotations[RELOADER.match] !== "true") notes.push(`${RELOADER.search} needs ${RELOADER.match}: "true" on ${kind} "${name}"`);
  return notes;
}

export interface ReloadEntry {
  /** The entry as written, trimmed. */
  text: string;
  /** `^entry$` compiled as Go's regexp, or undefined when Go rejects it. */
  regexp?: GoRegexp;
  error?: string;
}

/** A `…/reload` value: a comma list, each entry trimmed and compiled as `^entry$` (Go regexp, unanchored search). */
export function reloadEntries(value: string): ReloadEntry[] {
  return value.split(",").map((raw) => {
    const text = raw.trim();
    const compiled = compileGoRegexp(`^${text}$`);
    return compiled.ok ? { text, regexp: compiled.regexp } : { text, error: compiled.error };
  });
}

/** Go's strconv.ParseBool, true side. */
export function goParseBool(value: string): boolean {
  return ["1", "t", "T", "TRUE", "true", "True"].includes(value);
}
