import { readFileSync } from "node:fs";
import path from "node:path";
import jsYaml from "js-yaml";
import { KUSTOMIZATION_FILES, kustomizationFileIn } from "../load/discover.js";
import { isDirectory, isFile } from "../load/fs-checks.js";
import { splitDocuments } from "../load/split-documents.js";
import { walkDirectory } from "../load/walk-directory.js";
import type { K8sObject } from "../model/objects.js";
import { asArray, getPath, isObject, type JsonObject } from "../util/json.js";

// How kustomize-controller turns a Flux Kustomization into a kustomization it builds (fluxcd/pkg
// kustomize/kustomize_generator.go `GenerateManifest`): it takes the kustomization file at `spec.path` — or
// generates one listing every .yaml/.yml file below the path, and each subdirectory holding a kustomization as
// one resource — and writes into it `namespace` (spec.targetNamespace), `namePrefix`, `nameSuffix`, appends
// `spec.patches` and `spec.components` (local relative paths; missing ones skipped with
// `ignoreMissingComponents`), merges `spec.images` by name into `images`, and uses `spec.buildMetadata`. It then
// builds with load restrictions off and plugins disabled.

export function isFluxKustomization(object: K8sObject): boolean {
  return object.kind === "Kustomization" && object.apiVersion.startsWith("kustomize.toolkit.fluxcd.io/");
}

export function unitName(kind: string, object: { namespace?: string; name: string }): string {
  return `${kind} ${object.namespace ? `${object.namespace}/` : ""}${object.name}`;
}

/** `spec.path` as Flux reads it: relative to the source's root, `./` when empty. */
export function fluxKustomizationPath(object: K8sObject): string {
  const specPath = getPath(object.body, ["spec", "path"]);
  return typeof specPath === "string" && specPath.trim() !== "" ? specPath : "./";
}

export interface ComposedKustomization {
  /** The kustomization file's name in the directory (the existing one's, or kustomization.yaml). */
  fileName: string;
  content: JsonObject;
  /** Components that are not there and not ignored: Flux fails on them. */
  missingComponents: string[];
}

/**
 * The kustomization kustomize-controller builds for `object` in `dir`: the directory's own kustomization (or
 * one generated over its manifests, with `ignored` telling which files the source leaves out), with the
 * Kustomization's transforms written into it, plus origin annotations for gitops-lint's source mapping.
 */
export function composeFluxKustomization(object: K8sObject, dir: string, ignored: (absolutePath: string) => boolean): ComposedKustomization {
  const spec = isObject(object.body.spec) ? object.body.spec : {};
  const existing = kustomizationFileIn(dir);
  let content: JsonObject;
  if (existing) {
    const parsed = safeLoad(readFileSync(existing, "utf8"));
    content = isObject(parsed) ? { ...parsed } : {};
  } else {
    const resources = generatedResources(dir, ignored);
    content = { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", ...(resources.length > 0 ? { resources } : { namespace: "_placeholder" }) };
  }
  if (typeof spec.targetNamespace === "string" && spec.targetNamespace !== "") content.namespace = spec.targetNamespace;
  if (typeof spec.namePrefix === "string") content.namePrefix = spec.namePrefix;
  if (typeof spec.nameSuffix === "string") content.nameSuffix = spec.nameSuffix;
  const patches = asArray(spec.patches).filter(isObject).map((p) => ({ ...(typeof p.patch === "string" ? { patch: p.patch } : {}), ...(isObject(p.target) ? { target: p.target } : {}) }));
  if (patches.length > 0) content.patches = [...asArray(content.patches), ...patches];
  const missingComponents: string[] = [];
  const components = asArray(spec.components).filter((c): c is string => typeof c === "string");
  for (const component of components) {
    if (!isDirectory(path.join(dir, component)) && !isFile(path.join(dir, component))) {
      if (spec.ignoreMissingComponents === true) continue;
      missingComponents.push(component);
    }
    content.components = [...asArray(content.components), component];
  }
  for (const key of ["patchesStrategicMerge", "patchesJson6902"]) {
    const extra = asArray(spec[key]);
    if (extra.length > 0) content[key] = [...asArray(content[key]), ...extra];
  }
  const images = asArray(spec.images).filter(isObject);
  if (images.length > 0) {
    const merged = asArray(content.images).filter(isObject).map((i) => ({ ...i }));
    for (const image of images) {
      const current = merged.find((i) => i.name === image.name);
      if (!current) {
        merged.push({ ...image });
        continue;
      }
      if (typeof image.newName === "string" && image.newName !== "") current.newName = image.newName;
      // newTag and digest pick the version together: setting one clears the other (Flux merges them as a unit).
      if ((typeof image.newTag === "string" && image.newTag !== "") || (typeof image.digest === "string" && image.digest !== "")) {
        current.newTag = image.newTag ?? "";
        current.digest = image.digest ?? "";
      }
    }
    content.images = merged;
  }
  const buildMetadata = asArray(spec.buildMetadata).filter((m): m is string => typeof m === "string");
  content.buildMetadata = [...new Set([...(buildMetadata.length > 0 ? buildMetadata : asArray(content.buildMetadata).filter((m): m is string => typeof m === "string")), "originAnnotations"])];
  return { fileName: existing ? path.basename(existing) : KUSTOMIZATION_FILES[0]!, content, missingComponents };
}

/**
 * What kustomize-controller lists when the path has no kustomization file (`scanManifests`): every .yaml/.yml
 * file below it, except inside a subdirectory that holds a kustomization (that directory is one resource), and
 * except what the source ignores. Paths relative to `dir`.
 */
function generatedResources(dir: string, ignored: (absolutePath: string) => boolean): string[] {
  const kustomizationDirs = new Set<string>();
  const found = walkDirectory(dir, (name) => /\.ya?ml$/.test(name) || KUSTOMIZATION_FILES.includes(name));
  for (const file of found) {
    if (KUSTOMIZATION_FILES.includes(path.basename(file)) && path.dirname(file) !== dir) kustomizationDirs.add(path.dirname(file));
  }
  const inKustomizationDir = (file: string): boolean => [...kustomizationDirs].some((d) => file === d || file.startsWith(d + path.sep));
  const outermost = [...kustomizationDirs].filter((d) => ![...kustomizationDirs].some((o) => o !== d && d.startsWith(o + path.sep)));
  const files = found.filter((f) => /\.ya?ml$/.test(f) && !KUSTOMIZATION_FILES.includes(path.basename(f)) && !inKustomizationDir(f) && !ignored(f));
  return [...files, ...outermost.filter((d) => !ignored(d))].map((p) => `./${path.relative(dir, p).split(path.sep).join("/")}`).sort();
}

/** The objects a built document holds opt out of substitution with this label or annotation set to `disabled`. */
export const SUBSTITUTE_SWITCH = "kustomize.toolkit.fluxcd.io/substitute";

/** Whether a built document's object opts out of post-build substitution. */
export function substitutionDisabled(documentText: string): boolean {
  if (!documentText.includes(SUBSTITUTE_SWITCH)) return false;
  const value = safeLoad(documentText);
  const metadata = isObject(value) && isObject(value.metadata) ? value.metadata : {};
  const label = isObject(metadata.labels) ? metadata.labels[SUBSTITUTE_SWITCH] : undefined;
  const annotation = isObject(metadata.annotations) ? metadata.annotations[SUBSTITUTE_SWITCH] : undefined;
  return label === "disabled" || annotation === "disabled";
}

/** Splits a build's output into its documents' texts. */
export function documentTexts(stream: string): string[] {
  return splitDocuments("", stream).map((d) => d.text);
}

function safeLoad(text: string): unknown {
  try {
    return jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
}
