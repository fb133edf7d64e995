import path from "node:path";
import { isInside } from "../load/discover.js";
import { objectsOf } from "../model/objects.js";
import { groupOf } from "../util/api-group.js";
import { isObject } from "../util/json.js";
import type { RawInput } from "./index.js";

/** Flux objects two directories must both define, each at the same path under its directory, before they count as two clusters. */
const MIN_SHARED_OBJECTS = 2;

/**
 * The clusters of one set of plain files told apart by their directories. A multi-cluster repository linted whole
 * (`gitops-lint .`) is one set, and when it holds no Flux root (flux bootstrap writes gotk-sync.yaml on the cluster;
 * many repositories keep a placeholder) nothing else separates its clusters: clusters/production/ and
 * clusters/staging/ each define the Kustomization `flux-system/infra`, on the same path. One cluster never holds two
 * Flux objects of one identity (one would replace the other), so sibling directories that each define the same Flux
 * objects, in the same files (bootstrap layouts mirror each other), at least MIN_SHARED_OBJECTS of them, are
 * clusters: every file under one is linted in a set of its own, where its Kustomizations build and find their
 * sources. A single object defined twice is not taken for two clusters (it is more likely a mistake in one). Each
 * separation is said in a note.
 */
export function separateClusters(inputs: RawInput[]): { inputs: RawInput[]; notes: string[] } {
  const boundaries = new Map<string, string>(); // absolute directory → how files under it are shown
  const notes: string[] = [];
  for (const group of groupsByCluster(inputs).values()) {
    const shared = new Map<string, { dirs: string[]; objects: string[] }>();
    for (const [identity, files] of filesPerFluxObject(group)) {
      const split = separatingDirectories(files.map((f) => f.absolute));
      if (!split) continue;
      const key = split.dirs.join("\0");
      const entry = shared.get(key) ?? { dirs: split.dirs, objects: [] };
      entry.objects.push(identity);
      shared.set(key, entry);
    }
    for (const { dirs, objects } of shared.values()) {
      if (objects.length < MIN_SHARED_OBJECTS) continue;
      const shown = dirs.map((dir) => shownAs(dir, group));
      dirs.forEach((dir, i) => boundaries.set(dir, shown[i]!));
      notes.push(`${shown.join(", ")} define the same Flux objects (${objects.slice(0, 3).join(", ")}${objects.length > 3 ? ", …" : ""}) and no Flux root says which cluster applies which: each was linted as a cluster of its own`);
    }
  }
  if (boundaries.size === 0) return { inputs, notes };
  const separated = inputs.map((input) => {
    const boundary = input.absolutePath === undefined ? undefined : deepestHolding([...boundaries.keys()], input.absolutePath);
    return boundary === undefined ? input : { ...input, cluster: clusterKey(input.cluster, boundaries.get(boundary)!) };
  });
  return { inputs: separated, notes };
}

/** A set split off another by a cluster directory (as shown, so a base revision read elsewhere gets the same key). */
export function clusterKey(parent: string | undefined, directory: string): string {
  return `${parent ?? ""}${CLUSTER_DIRECTORY}${directory}`;
}

/** The set a set was split off (`clusterKey`), or the key itself. */
export function parentSetKey(key: string): string {
  const at = key.indexOf(CLUSTER_DIRECTORY);
  return at === -1 ? key : key.slice(0, at);
}

const CLUSTER_DIRECTORY = " cluster-directory:";

function groupsByCluster(inputs: RawInput[]): Map<string, RawInput[]> {
  const groups = new Map<string, RawInput[]>();
  for (const input of inputs) {
    if (input.absolutePath === undefined) continue;
    const key = input.cluster ?? "";
    const group = groups.get(key);
    if (group) group.push(input);
    else groups.set(key, [input]);
  }
  return groups;
}

/** The files that define each Flux object (`Kustomization kustomize.toolkit.fluxcd.io flux-system/apps`), two or more. */
function filesPerFluxObject(inputs: RawInput[]): Map<string, Array<{ absolute: string }>> {
  const files = new Map<string, Array<{ absolute: string }>>();
  for (const input of inputs) {
    const absolute = input.absolutePath!;
    for (const document of input.loaded.documents) {
      // Most documents are not Flux objects: read apiVersion before building the object views.
      const value = document.value;
      if (!isObject(value) || typeof value.apiVersion !== "string" || !groupOf(value.apiVersion).endsWith("fluxcd.io")) continue;
      for (const object of objectsOf(document)) {
        const identity = `${object.kind} ${object.namespace ? `${object.namespace}/` : ""}${object.name}`;
        const list = files.get(identity) ?? [];
        if (!list.some((f) => f.absolute === absolute)) list.push({ absolute });
        files.set(identity, list);
      }
    }
  }
  return new Map([...files].filter(([, list]) => list.length >= 2));
}

/**
 * The sibling directories that hold the files, one each, with each file at the same path under its directory
 * (clusters/production/infra.yaml and clusters/staging/infra.yaml: clusters/production and clusters/staging).
 */
function separatingDirectories(files: string[]): { dirs: string[] } | undefined {
  const parent = files.map((f) => path.dirname(f)).reduce(commonDirectory);
  const dirs: string[] = [];
  const below = new Set<string>();
  for (const file of files) {
    const rest = path.relative(parent, file).split(path.sep);
    if (rest.length < 2) return undefined; // directly in the shared directory
    dirs.push(path.join(parent, rest[0]!));
    below.add(rest.slice(1).join("/"));
  }
  if (new Set(dirs).size !== dirs.length || below.size !== 1) return undefined;
  return { dirs: dirs.sort() };
}

function commonDirectory(a: string, b: string): string {
  let common = a;
  while (!isInside(b, common)) common = path.dirname(common);
  return common;
}

/** How a directory is shown: through the name of a file under it (`../staging/infra.yaml` → `../staging`). */
function shownAs(dir: string, inputs: RawInput[]): string {
  const file = inputs.find((input) => isInside(input.absolutePath!, dir))!;
  const up = path.relative(dir, path.dirname(file.absolutePath!)).split(path.sep).filter(Boolean).length;
  let shown = path.posix.dirname(file.loaded.file.split(path.sep).join("/"));
  for (let i = 0; i < up; i++) shown = path.posix.dirname(shown);
  return shown;
}

function deepestHolding(dirs: string[], file: string): string | undefined {
  let deepest: string | undefined;
  for (const dir of dirs) if (isInside(file, dir) && (deepest === undefined || dir.length > deepest.length)) deepest = dir;
  return deepest;
}
