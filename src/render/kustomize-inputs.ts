import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import jsYaml from "js-yaml";
import { KUSTOMIZATION_FILES } from "../load/discover.js";
import { isObject } from "../util/json.js";
import { realOrUndefined, type Fingerprints } from "./fingerprint.js";

/** Lists whose entries kustomize loads, locally or (an entry that is no local path) from the network. */
const LOADED_LISTS = ["resources", "bases", "components", "generators", "transformers", "validators"];
/** Lists whose file entries are plugin configurations, which name files of their own. */
const PLUGIN_LISTS = ["generators", "transformers", "validators"];
/** Fields that make kustomize run Helm (with --enable-helm), which may fetch charts. */
const HELM_FIELDS = ["helmCharts", "helmChartInflationGenerator", "helmGlobals"];

/**
 * What a kustomize build of the kustomization in `root` reads, as lines of key material for the render cache:
 * each kustomization file it can reach (the directory's real path, the kustomization file names present, the
 * file's content) and every existing file or directory that a string of those files names, resolved the way
 * kustomize resolves it (relative to the kustomization's real directory; `key=path` entries too). Kustomize reads
 * nothing else: no directory listing, no file a kustomization does not name. A string that names nothing adds no
 * line, so the key changes when such a path appears. Undefined (never cached) when the build may read what is
 * not on disk here: an entry of `resources`, `components`, … that is not a local path (a remote base) or Helm
 * charts. Paths are shown through `stable`, so a run's temporary directories give the same key every run.
 */
export function kustomizeInputs(root: string, fingerprints: Fingerprints, stable: (absolutePath: string) => string): string[] | undefined {
  const lines: string[] = [];
  const visited = new Set<string>();

  const visit = (dir: string): boolean => {
    const real = realOrUndefined(dir);
    if (real === undefined) return true;
    lines.push(`dir ${stable(path.resolve(dir))} ${stable(real)}`);
    if (visited.has(real)) return true;
    visited.add(real);
    const present = KUSTOMIZATION_FILES.filter((name) => kindOf(path.join(real, name)) === "file");
    if (present.length === 0) return true;
    const file = path.join(real, present[0]!);
    lines.push(`kustomization ${present.join(",")} ${fingerprints.file(file) ?? "unreadable"}`);
    const value = parse(file)[0];
    if (!isObject(value)) return true; // kustomize fails on it the same way every time
    if (HELM_FIELDS.some((field) => field in value)) return false;
    for (const list of LOADED_LISTS) {
      for (const entry of entries(value[list])) {
        const kind = kindOf(path.resolve(real, entry));
        if (kind === undefined) return false;
        if (kind === "file" && PLUGIN_LISTS.includes(list) && !named(parse(path.resolve(real, entry)), real)) return false;
      }
    }
    return named([value], real);
  };

  /** Adds what the strings of `documents` name, relative to `base`; false when something cannot be cached. */
  const named = (documents: unknown[], base: string): boolean => {
    for (const text of documents.flatMap(strings)) {
      if (text === "" || text.includes("\n")) continue; // inline patches and configurations, not paths
      const candidates = text.includes("=") ? [text, text.slice(text.indexOf("=") + 1)] : [text];
      for (const candidate of candidates) {
        const target = path.resolve(base, candidate);
        const kind = kindOf(target);
        if (kind === "file") lines.push(`file ${stable(target)} ${fingerprints.file(target) ?? "unreadable"}`);
        else if (kind === "directory" && !visit(target)) return false;
      }
    }
    return true;
  };

  return visit(root) ? lines : undefined;
}

/** Every string of a parsed document, keys included. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isObject(value)) return Object.entries(value).flatMap(([key, v]) => [key, ...strings(v)]);
  return [];
}

function entries(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((e): e is string => typeof e === "string" && e !== "" && !e.includes("\n")) : [];
}

/** The documents of a YAML file, every scalar a string (the failsafe schema: `1.10` stays `1.10`); none when it does not parse. */
function parse(file: string): unknown[] {
  try {
    return jsYaml.loadAll(readFileSync(file, "utf8"), undefined, { schema: jsYaml.FAILSAFE_SCHEMA });
  } catch {
    return [];
  }
}

function kindOf(p: string): "file" | "directory" | undefined {
  try {
    const stat = statSync(p);
    return stat.isDirectory() ? "directory" : "file";
  } catch {
    return undefined;
  }
}
