import path from "node:path";
import { objectsOf } from "../model/objects.js";
import type { RawInput } from "./index.js";

/**
 * The clusters of one set of plain files told apart by their directories. A multi-cluster repository linted whole
 * (`gitops-lint .`) is one set, and when it holds no Flux root (flux bootstrap writes gotk-sync.yaml on the cluster;
 * many repositories keep a placeholder) nothing else separates its clusters: clusters/production/ and
 * clusters/staging/ each define the Kustomization `flux-system/infra`, on the same path. Two files that define one
 * Flux object (same kind, group, namespace and name) are never applied to one cluster (one would replace the
 * other), so the directories that separate them are clusters: every file under such a directory is linted in a set
 * of its own, where its Kustomizations build and find their sources. Files directly in the directory the two
 * share are not separated (one cluster's tree defining an object twice is a real duplicate), nor is anything else.
 */
export function separateClusters(inputs: RawInput[]): RawInput[] {
  const boundaries = new Set<string>();
  for (const group of groupsByCluster(inputs).values()) {
    for (const files of filesPerFluxObject(group).values()) {
      if (files.size < 2) continue;
      const dirs = [...files].map((file) => path.posix.dirname(file));
      const shared = dirs.reduce(commonDirectory);
      const separating = new Set(dirs.filter((dir) => dir !== shared).map((dir) => childOf(shared, dir)));
      if (separating.size >= 2) for (const dir of separating) boundaries.add(dir);
    }
  }
  if (boundaries.size === 0) return inputs;
  return inputs.map((input) => {
    const boundary = input.absolutePath === undefined ? undefined : deepestHolding(boundaries, input.loaded.file);
    return boundary === undefined ? input : { ...input, cluster: `${input.cluster ?? ""} cluster-directory:${boundary}` };
  });
}

function groupsByCluster(inputs: RawInput[]): Map<string, RawInput[]> {
  const groups = new Map<string, RawInput[]>();
  for (const input of inputs) {
    if (input.absolutePath === undefined) continue;
    const key = input.cluster ?? "";
    groups.set(key, [...(groups.get(key) ?? []), input]);
  }
  return groups;
}

/** The files (as named on the command line: relative, POSIX) that define each Flux object. */
function filesPerFluxObject(inputs: RawInput[]): Map<string, Set<string>> {
  const files = new Map<string, Set<string>>();
  for (const input of inputs) {
    for (const object of input.loaded.documents.flatMap(objectsOf)) {
      const group = object.apiVersion.split("/")[0]!;
      if (!group.endsWith("fluxcd.io")) continue;
      const identity = `${object.kind}\0${group}\0${object.namespace ?? ""}\0${object.name}`;
      files.set(identity, (files.get(identity) ?? new Set()).add(toPosix(input.loaded.file)));
    }
  }
  return files;
}

function commonDirectory(a: string, b: string): string {
  const x = a.split("/");
  const y = b.split("/");
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join("/") || ".";
}

/** The child of `parent` on the way to `dir` (`clusters` and `clusters/production/infra`: `clusters/production`). */
function childOf(parent: string, dir: string): string {
  const rest = parent === "." ? dir : dir.slice(parent.length + 1);
  const first = rest.split("/")[0]!;
  return parent === "." ? first : `${parent}/${first}`;
}

function deepestHolding(dirs: Set<string>, file: string): string | undefined {
  let deepest: string | undefined;
  for (const dir of dirs) if (toPosix(file).startsWith(`${dir}/`) && (deepest === undefined || dir.length > deepest.length)) deepest = dir;
  return deepest;
}

function toPosix(file: string): string {
  return file.split(path.sep).join("/");
}
