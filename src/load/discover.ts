import path from "node:path";
import { isDirectory, isFile } from "./fs-checks.js";
import { walkDirectory } from "./walk-directory.js";
import { readYamlFile } from "./read-yaml-file.js";
import { asArray, isObject } from "../util/json.js";

/** A directory that is rendered as a whole instead of being read file by file. */
export interface RenderUnit {
  /** `skip`: a directory that is only ever rendered through another (a library chart, a kustomize Component); its files are not read raw either. */
  kind: "helm-chart" | "kustomize" | "skip";
  /** Absolute directory. */
  dir: string;
  /** Absolute Chart.yaml or kustomization file. */
  marker: string;
  /** Named on the command line itself (rather than found inside a directory being walked). */
  explicit: boolean;
  /** The set it is linted in (SourceDocument.cluster): the directory argument it was found in. */
  cluster?: string;
}

export interface ExpandedDirectory {
  /** Absolute paths of plain manifest files, outside every unit. */
  files: string[];
  units: RenderUnit[];
  /** Directories the walk could not read, with the error: reported, never skipped silently. */
  unreadable: Array<{ dir: string; error: NodeJS.ErrnoException }>;
  /** Units found that are only rendered through others (library charts, kustomize Components). */
  skipped: RenderUnit[];
}

/** The names kustomize looks for, in its order. */
export const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

const MANIFEST_EXTENSION = /\.(?:yaml|yml|json)$/;
const MARKER_NAMES = new Set(["Chart.yaml", ...KUSTOMIZATION_FILES]);

/** The unit a directory is by itself (it holds a kustomization, or a Chart.yaml), if any. A kustomization wins over a Chart.yaml next to it. */
export function unitAt(dir: string, explicit: boolean): RenderUnit | undefined {
  const marker = kustomizationFileIn(dir);
  if (marker) return { kind: yamlField(marker, "kind") === "Component" && !explicit ? "skip" : "kustomize", dir, marker, explicit };
  const chart = path.join(dir, "Chart.yaml");
  if (isFile(chart)) return { kind: yamlField(chart, "type") === "library" && !explicit ? "skip" : "helm-chart", dir, marker: chart, explicit };
  return undefined;
}

/** The kustomization file of a directory (the first name kustomize looks for), if it has one. */
export function kustomizationFileIn(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((name) => path.join(dir, name)).find(isFile);
}

/** A top-level string field of a small YAML file, if it parses. */
function yamlField(file: string, key: string): string | undefined {
  const value = readYamlFile(file);
  return isObject(value) && typeof value[key] === "string" ? value[key] : undefined;
}

/**
 * A directory → the units inside it and the plain files outside them. A chart or kustomization
 * directory is one unit: its files are never read raw (chart templates are not manifests; kustomize
 * patches are not whole objects). The outermost unit wins, and a kustomization that another unit of
 * the same walk uses as a resource, base or component is linted as part of that one, not again alone.
 */
export function expandDirectory(dir: string, explicit: boolean): ExpandedDirectory {
  const self = unitAt(dir, explicit);
  if (self) return { files: [], units: self.kind === "skip" ? [] : [self], unreadable: [], skipped: self.kind === "skip" ? [self] : [] };

  // Honouring .gitignore inside a Git work tree (see walk-directory.ts).
  const unreadable: ExpandedDirectory["unreadable"] = [];
  const found = walkDirectory(dir, (name) => MANIFEST_EXTENSION.test(name) || MARKER_NAMES.has(name), (d, error) => unreadable.push({ dir: d, error }));
  const manifests = found.filter((f) => MANIFEST_EXTENSION.test(f));
  const markers = found.filter((f) => MARKER_NAMES.has(path.basename(f)));

  const unitDirs = [...new Set(markers.map((m) => path.dirname(m)))].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));
  const units: RenderUnit[] = [];
  for (const unitDir of unitDirs) {
    if (units.some((u) => isInside(unitDir, u.dir))) continue;
    const unit = unitAt(unitDir, false);
    if (unit) units.push(unit);
  }
  const referenced = new Set(units.filter((u) => u.kind === "kustomize").flatMap((u) => localReferences(u)));
  const kept = units.filter((u) => u.kind !== "skip" && !(u.kind === "kustomize" && referenced.has(u.dir)));
  const files = manifests.filter((f) => !units.some((u) => isInside(f, u.dir))).sort();
  return { files, units: kept, unreadable, skipped: units.filter((u) => u.kind === "skip") };
}

/** Absolute directories a kustomization lists under resources, bases or components. */
function localReferences(unit: RenderUnit): string[] {
  const value = readYamlFile(unit.marker);
  if (!isObject(value)) return [];
  return ["resources", "bases", "components"]
    .flatMap((key) => asArray(value[key]))
    .filter((r): r is string => typeof r === "string" && !/^[a-z][a-z0-9+.-]*:\/\//i.test(r) && !r.startsWith("github.com/"))
    .map((r) => path.resolve(unit.dir, r))
    .filter(isDirectory);
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function depth(p: string): number {
  return p.split(path.sep).length;
}
