import { readdirSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import jsYaml from "js-yaml";
import { chartYaml } from "../load/chart-yaml.js";
import { isDirectory, isFile } from "../load/fs-checks.js";
import { asArray, isObject, type JsonObject } from "../util/json.js";
import type { ChartIndex } from "./chart-index.js";
import { MirrorTree } from "./mirror.js";

/** A dependency a chart declares, as Chart.yaml writes it. */
export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  alias?: string;
}

/** What rendering a chart needed besides the chart directory itself. */
export interface ChartAssembly {
  /** The directory to give `helm template`: the chart itself, or a temporary tree standing in for it. */
  dir: string;
  /** Dependencies taken from elsewhere in the repository (`file://`, or a chart of the same name and a matching version). */
  fromRepository: Array<{ dependency: string; dir: string; declaredIn: string }>;
  /**
   * Dependencies neither vendored in `charts/` nor in the repository: left out of the render, with the versions
   * of that name the repository does have (none inside the constraint), and the entry as Chart.yaml writes it (its
   * condition and tags), the `index`-th of its dependencies (undefined when it is not there as such).
   */
  leftOut: Array<ChartDependency & { declaredIn: string; versionsHere: string[]; entry: JsonObject; index: number | undefined }>;
  /** The chart's own Chart.yaml dependencies and the chart names vendored in its `charts/`, as read for the assembly (so nothing reads them again). */
  dependencies: ChartDependency[];
  vendored: ReadonlySet<string>;
}

export interface AssembleOptions {
  index: ChartIndex;
  /** A temporary directory of this run for the assembled tree. */
  tempDir: () => string;
  /** `spec.chart.spec.valuesFiles` (absolute, in order): they replace the chart's values.yaml (source-controller). */
  valuesFiles?: string[];
  /** Dependencies are fetched by `helm template --dependency-update`: leave Chart.yaml as it is. */
  dependencyUpdate?: boolean;
}

/**
 * The chart as Flux or `helm dependency build` would hand it to Helm, from what the repository holds: vendored
 * dependencies in `charts/` as they are, a `file://` dependency or one whose chart the repository publishes (same
 * name, version in the constraint) taken from its directory, and the others left out — so the chart's own
 * templates are still rendered (and the caller says what was left out). Subcharts are assembled the same way,
 * recursively. Without anything to change, the chart's own directory is used.
 */
export function assembleChart(chartDir: string, options: AssembleOptions): ChartAssembly {
  const found: Found = { fromRepository: [], leftOut: [] };
  const values = options.valuesFiles && options.valuesFiles.length > 0 ? mergedValues(options.valuesFiles) : undefined;
  return { ...found, ...assemble(chartDir, values, options, found, [realPath(chartDir)]) };
}

/** What assembling a chart and its subcharts finds on the way. */
type Found = Pick<ChartAssembly, "fromRepository" | "leftOut">;
/** What assembling one chart gives: the directory for Helm, and what its Chart.yaml and charts/ hold. */
type Assembled = Pick<ChartAssembly, "dir" | "dependencies" | "vendored">;

function assemble(chartDir: string, values: JsonObject | undefined, options: AssembleOptions, found: Found, chain: string[]): Assembled {
  const chart = chartYaml(chartDir) ?? {};
  const dependencies = dependenciesIn(chart);
  const vendored = vendoredNames(chartDir);
  const kept: ChartDependency[] = [];
  const added: Array<{ name: string; dir: string }> = [];
  for (const dependency of options.dependencyUpdate ? [] : dependencies) {
    if (vendored.has(dependency.name)) {
      kept.push(dependency);
      continue;
    }
    const local = localDependency(chartDir, dependency, options.index);
    if (local && !chain.includes(realPath(local)) && chain.length < 10) {
      kept.push(dependency);
      added.push({ name: dependency.name, dir: assemble(local, undefined, options, found, [...chain, realPath(local)]).dir });
      found.fromRepository.push({ dependency: dependency.name, dir: local, declaredIn: chartDir });
      continue;
    }
    const versionsHere = dependency.repository?.startsWith("file://") ? [] : options.index.versionsOf(dependency.name, chartDir);
    const { entry, index } = rawDependency(chart, dependency);
    found.leftOut.push({ ...dependency, declaredIn: chartDir, versionsHere, entry, index });
  }
  const unchanged = values === undefined && (options.dependencyUpdate || kept.length === dependencies.length) && added.length === 0;
  if (unchanged) return { dir: chartDir, dependencies, vendored };

  const tree = new MirrorTree(options.tempDir());
  tree.linkContents("", chartDir);
  for (const own of ["Chart.yaml", "Chart.lock", "requirements.yaml", "requirements.lock", "charts"]) tree.remove(own);
  tree.writeFile("Chart.yaml", JSON.stringify(options.dependencyUpdate ? chart : { ...withoutDependencies(chart), ...(kept.length > 0 ? { dependencies: kept.map((d) => rawDependency(chart, d).entry) } : {}) }));
  if (values !== undefined) tree.writeFile("values.yaml", JSON.stringify(values));
  tree.materialize("charts");
  if (isDirectory(path.join(chartDir, "charts"))) tree.linkContents("charts", path.join(chartDir, "charts"));
  for (const { name, dir } of added) tree.link(path.join("charts", name), dir);
  return { dir: tree.root, dependencies, vendored };
}

/** Chart.yaml `dependencies` (Helm 2's requirements.yaml is read by Helm too, but charts in a repository have moved on). */
export function dependenciesIn(chart: Record<string, unknown>): ChartDependency[] {
  return asArray(chart.dependencies)
    .filter(isObject)
    .filter((d): d is JsonObject & { name: string } => typeof d.name === "string")
    .map((d) => ({
      name: d.name,
      ...(typeof d.version === "string" ? { version: d.version } : {}),
      ...(typeof d.repository === "string" ? { repository: d.repository } : {}),
      ...(typeof d.alias === "string" ? { alias: d.alias } : {}),
    }));
}

/** The dependency's entry as Chart.yaml wrote it (conditions, tags, import-values kept), and its place in the list (undefined when it is not there as such). */
function rawDependency(chart: Record<string, unknown>, dependency: ChartDependency): { entry: JsonObject; index: number | undefined } {
  const entries = asArray(chart.dependencies);
  const index = entries.findIndex((d) => isObject(d) && d.name === dependency.name && (d.alias ?? undefined) === dependency.alias);
  return index === -1 ? { entry: { ...dependency }, index: undefined } : { entry: entries[index] as JsonObject, index };
}

function withoutDependencies(chart: Record<string, unknown>): Record<string, unknown> {
  const { dependencies: _dependencies, ...rest } = chart;
  return rest;
}

/** Chart names vendored in `charts/`: directories by their Chart.yaml name, archives by `<name>-<version>.tgz`. */
function vendoredNames(chartDir: string): Set<string> {
  const names = new Set<string>();
  let entries: string[] = [];
  try {
    entries = readdirSync(path.join(chartDir, "charts"));
  } catch {
    return names;
  }
  for (const entry of entries) {
    const full = path.join(chartDir, "charts", entry);
    const name = chartYaml(full)?.name;
    if (typeof name === "string") names.add(name);
    else if (/\.tgz$/.test(entry)) names.add(entry.replace(/-v?\d[^-]*(?:-[^-]+)*\.tgz$/, "").replace(/\.tgz$/, ""));
  }
  return names;
}

/** A dependency's chart in the repository: `file://` relative to the chart, else the repository's chart of that name and version. */
function localDependency(chartDir: string, dependency: ChartDependency, index: ChartIndex): string | undefined {
  if (dependency.repository?.startsWith("file://")) {
    const dir = path.resolve(chartDir, dependency.repository.slice("file://".length));
    return isFile(path.join(dir, "Chart.yaml")) ? dir : undefined;
  }
  return index.find(dependency.name, dependency.version)?.dir;
}

/** The values files merged in order (later wins); the chart's own values.yaml counts only when listed. */
function mergedValues(files: string[]): JsonObject {
  let merged: JsonObject = {};
  // A file that does not read counts as empty here: Helm reports a broken values file itself when it renders.
  for (const file of files) merged = mergeMaps(merged, readValues(file) ?? {});
  return merged;
}

/** A values file as a map (empty for an empty file); undefined when it cannot be read, does not parse (several documents, duplicate keys) or is not a map. */
export function readValues(file: string): JsonObject | undefined {
  let parsed: unknown;
  try {
    parsed = jsYaml.load(readFileSync(file, "utf8"), { schema: jsYaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
  if (parsed === undefined || parsed === null) return {};
  return isObject(parsed) ? parsed : undefined;
}

/** Deep merge of maps, the later winning; lists and scalars replace (Helm's and Flux's MergeMaps). */
export function mergeMaps(base: JsonObject, overlay: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeMaps(current, value) : value;
  }
  return out;
}

/**
 * A `--set` value typed as Helm's strvals parser types it (typedVal, helm/helm pkg/strvals/parser.go): true, false and
 * null in any case (Go's EqualFold, hence `u`), an integer not written with a leading 0, else the string. An integer
 * beyond JavaScript's safe range stays a string (Helm's int64 has no exact number here).
 */
export function typedSetValue(text: string): unknown {
  if (/^true$/iu.test(text)) return true;
  if (/^false$/iu.test(text)) return false;
  if (/^null$/iu.test(text)) return null;
  if (text === "0" || (/^[+-]?\d+$/.test(text) && !text.startsWith("0"))) {
    const number = Number(text);
    if (Number.isSafeInteger(number)) return number + 0; // -0 is 0
  }
  return text;
}

// strvals MaxIndex and MaxNestedNameLevel.
const MAX_INDEX = 65536;
const MAX_DOTS = 30;

/**
 * Sets a value at a `--set` key path (`a.b\.c[0].d`) as Helm's strvals parser does, creating maps and lists on the
 * way (a list grows with nulls up to the index; a list item that is not a map becomes one before a `.`). False, with
 * nothing changed, where Helm fails — a key before `.` that holds no map, or before `[i]` no list (null included) —
 * and for a path Helm would read differently: an empty key, an unescaped `=` or `,`, an index that is not digits or
 * is above MaxIndex, a trailing `\`, more than 30 dots.
 */
export function setAtKeyPath(root: JsonObject, keyPath: string, value: unknown): boolean {
  const steps = keySteps(keyPath);
  return steps !== undefined && walkKeyPath(root, steps, value, false) && walkKeyPath(root, steps, value, true);
}

/** Through the path; `write` false only checks (up to where the rest would be created: nothing there to fail on), true sets. */
function walkKeyPath(root: JsonObject, steps: Array<string | number>, value: unknown, write: boolean): boolean {
  let node: JsonObject | unknown[] = root;
  for (const [i, step] of steps.entries()) {
    const next = steps[i + 1];
    if (next === undefined) break;
    // What the step holds: a null list item counts as nothing (Go's nil), a null under a key does not.
    const held = Array.isArray(node) ? (node[step as number] ?? undefined) : Object.hasOwn(node, step) ? node[step as string] : undefined;
    const fits = typeof next === "number" ? Array.isArray(held) : isObject(held);
    // Helm's type assertion fails on a key holding anything else, and on a list item holding anything but a list before
    // `[i]`; a list item before `.` is replaced by a map.
    if (held !== undefined && !fits && (typeof step === "string" || typeof next === "number")) return false;
    if (fits) {
      node = held as JsonObject | unknown[];
      continue;
    }
    if (!write) return true;
    const created: JsonObject | unknown[] = typeof next === "number" ? [] : {};
    setStep(node, step, created);
    node = created;
  }
  if (write) setStep(node, steps[steps.length - 1]!, value);
  return true;
}

function setStep(node: JsonObject | unknown[], step: string | number, value: unknown): void {
  if (Array.isArray(node) && typeof step === "number") {
    while (node.length < step) node.push(null);
    node[step] = value;
  } else (node as JsonObject)[step] = value;
}

/** A key path as strvals reads it: keys (with `\` escapes) split at `.`, `[i]` indexes after a key or index. */
function keySteps(keyPath: string): Array<string | number> | undefined {
  const steps: Array<string | number> = [];
  let dots = 0;
  let i = 0;
  for (;;) {
    let key = "";
    for (; i < keyPath.length && keyPath[i] !== "." && keyPath[i] !== "["; i++) {
      if (keyPath[i] === "=" || keyPath[i] === ",") return undefined;
      if (keyPath[i] === "\\") i++;
      if (i === keyPath.length) return undefined;
      key += keyPath[i];
    }
    if (key === "") return undefined;
    steps.push(key);
    while (keyPath[i] === "[") {
      const close = keyPath.indexOf("]", i);
      const index = keyPath.slice(i + 1, close);
      if (close === -1 || !/^\d+$/.test(index) || Number(index) > MAX_INDEX) return undefined;
      steps.push(Number(index));
      i = close + 1;
    }
    if (i === keyPath.length) return steps;
    if (keyPath[i] !== "." || ++dots > MAX_DOTS) return undefined;
    i++;
  }
}

function realPath(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}
