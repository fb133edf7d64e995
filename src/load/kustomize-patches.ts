import { existsSync } from "node:fs";
import path from "node:path";
import { kustomizationPatchFiles } from "./kustomization-patch-files.js";
import { memoized } from "../util/memoized.js";
import { KUSTOMIZATION_FILES, kustomizationFileIn, type RenderUnit } from "./discover.js";
import { readYamlFile } from "./read-yaml-file.js";

/**
 * Which of the input files (absolute paths) are kustomize patches: listed as patches by the kustomization
 * in their own directory or one above it (up to the top of the Git work tree), or by a kustomization the
 * input itself names (a file, or a directory built as a unit), which may patch from anywhere. Kustomize
 * merges a patch into the resources it targets at build time; the file itself is never applied, so it is
 * not a manifest.
 */
export function kustomizePatchesAmong(files: readonly string[], units: readonly RenderUnit[]): Set<string> {
  const named = [
    ...files.filter((file) => KUSTOMIZATION_FILES.includes(path.basename(file))),
    ...units.filter((unit) => unit.kind === "kustomize").map((unit) => unit.marker),
  ];
  const patchesOf = memoized((kustomization: string) => {
    const dir = path.dirname(kustomization);
    return new Set(kustomizationPatchFiles(readYamlFile(kustomization)).map((entry) => path.resolve(dir, entry)));
  });
  const kustomizationsFrom = memoized((dir: string): string[] => {
    const own = kustomizationFileIn(dir);
    const parent = path.dirname(dir);
    // The search ends at the top of the Git work tree: what lies above belongs to no kustomization of this repository.
    const above = parent === dir || existsSync(path.join(dir, ".git")) ? [] : kustomizationsFrom(parent);
    return own ? [own, ...above] : above;
  });
  return new Set(files.filter((file) => [...kustomizationsFrom(path.dirname(file)), ...named].some((k) => patchesOf(k).has(file))));
}
