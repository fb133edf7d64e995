import path from "node:path";
import type { ParsedDocument } from "../load/types.js";
import { asArray, isObject } from "./json.js";

const KUSTOMIZATION_FILE_NAMES = new Set(["kustomization.yaml", "kustomization.yml", "Kustomization"]);

/** A kustomize config file (`kustomization.yaml`, or a document of kind Kustomization/Component of kustomize.config.k8s.io). */
export function isKustomizationDocument(document: ParsedDocument): boolean {
  const value = document.value;
  if (!isObject(value)) return false;
  if (KUSTOMIZATION_FILE_NAMES.has(path.posix.basename(document.source.file))) return true;
  return typeof value.apiVersion === "string" && value.apiVersion.startsWith("kustomize.config.k8s.io/") && (value.kind === "Kustomization" || value.kind === "Component");
}

/**
 * Files that the given kustomizations use as patches (`patches[].path`, `patchesStrategicMerge`,
 * `patchesJson6902[].path`), named the way inputs are named: the kustomization's directory joined with
 * the entry, forward slashes. Inline patches (strings with a newline) are not files.
 */
export function kustomizePatchFiles(kustomizations: ParsedDocument[]): Set<string> {
  const out = new Set<string>();
  for (const document of kustomizations) {
    const value = document.value;
    if (!isObject(value)) continue;
    const dir = path.posix.dirname(document.source.file);
    const add = (entry: unknown): void => {
      if (typeof entry === "string" && entry.trim() !== "" && !entry.includes("\n")) out.add(path.posix.normalize(path.posix.join(dir, entry.trim())));
    };
    asArray(value.patchesStrategicMerge).forEach(add);
    for (const field of ["patches", "patchesJson6902"]) {
      for (const entry of asArray(value[field])) if (isObject(entry)) add(entry.path);
    }
  }
  return out;
}
