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
   * of that name the repository does have (none inside the constraint).
   */
  leftOut: Array<ChartDependency & { declaredIn: string; versionsHere: string[] }>;
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
  const assembly: ChartAssembly = { dir: chartDir, fromRepository: [], leftOut: [] };
  const values = options.valuesFiles && options.valuesFiles.length > 0 ? mergedValues(options.valuesFiles) : undefined;
  const dir = assemble(chartDir, values, options, assembly, [realPath(chartDir)]);
  assembly.dir = dir;
  return assembly;
}

function assemble(chartDir: string, values: JsonObject | undefined, options: AssembleOptions, assembly: ChartAssembly, chain: string[]): string {
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
      added.push({ name: dependency.name, dir: assemble(local, undefined, options, assembly, [...chain, realPath(local)]) });
      assembly.fromRepository.push({ dependency: dependency.name, dir: local, declaredIn: chartDir });
      continue;
    }
    assembly.leftOut.push({ ...dependency, declaredIn: chartDir, versionsHere: dependency.repository?.startsWith("file://") ? [] : options.index.versionsOf(dependency.name, chartDir) });
  }
  const unchanged = values === undefined && (options.dependencyUpdate || kept.length === dependencies.length) && added.length === 0;
  if (unchanged) return chartDir;

  const tree = new MirrorTree(options.tempDir());
  tree.linkContents("", chartDir);
  for (const own of ["Chart.yaml", "Chart.lock", "requirements.yaml", "requirements.lock", "charts"]) tree.remove(own);
  tree.writeFile("Chart.yaml", JSON.stringify(options.dependencyUpdate ? chart : { ...withoutDependencies(chart), ...(kept.length > 0 ? { dependencies: kept.map((d) => rawDependency(chart, d)) } : {}) }));
  if (values !== undefined) tree.writeFile("values.yaml", JSON.stringify(values));
  tree.materialize("charts");
  if (isDirectory(path.join(chartDir, "charts"))) tree.linkContents("charts", path.join(chartDir, "charts"));
  for (const { name, dir } of added) tree.link(path.join("charts", name), dir);
  return tree.root;
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

/** The dependency's entry as Chart.yaml wrote it (conditions, tags, import-values kept). */
function rawDependency(chart: Record<string, unknown>, dependency: ChartDependency): unknown {
  return asArray(chart.dependencies).find((d) => isObject(d) && d.name === dependency.name && (d.alias ?? undefined) === dependency.alias) ?? dependency;
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
  for (const file of files) {
    merged = mergeMaps(merged, parseValues(readFileSync(file, "utf8")));
  }
  return merged;
}

function parseValues(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
  } catch {
    parsed = undefined; // Helm reports a broken values file itself when it renders
  }
  return isObject(parsed) ? parsed : {};
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

function realPath(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}
