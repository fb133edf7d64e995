/*
 * Argo CD Applications and ApplicationSets in the input, and which objects they sync. An Application
 * syncs the directory `spec.source.path` (or each of `spec.sources[].path`) of its repository, and a
 * Helm chart `spec.source.chart`; an ApplicationSet does the same through `spec.template`, whose path
 * is often a template filled by a Git directory generator (`spec.generators[].git.directories[].path`,
 * wildcards allowed). Paths are compared with the object's file relative to the working directory,
 * taken to be the repository root, as Argo CD reads them relative to the repository root.
 */
import { asArray, getPath, isObject } from "../util/json.js";
import { releaseChartOf } from "./helm.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";

export const ARGO_SYNC_OPTIONS_KEY = "argocd.argoproj.io/sync-options";

export interface ArgoSync {
  /** The Application or ApplicationSet. */
  app: K8sObject;
  /** What made it match: `source path apps/api`, `chart api`. */
  via: string;
}

export function isArgoApp(object: K8sObject): boolean {
  return (object.kind === "Application" || object.kind === "ApplicationSet") && object.apiVersion.startsWith("argoproj.io/");
}

/** The Application or ApplicationSet in the set that syncs `object`, the deepest source path first; undefined when none does. */
export function argoSyncOf(object: K8sObject, set: ManifestSet): ArgoSync | undefined {
  const sources = set.derived(argoSources);
  if (sources.length === 0) return undefined;
  const file = normalize(object.source.origin?.file ?? object.source.chartDir ?? object.source.file);
  let best: ArgoSource | undefined;
  for (const source of sources) {
    if (!source.path?.test(file) || source.exclude?.some((e) => e.test(file))) continue;
    if (best === undefined || source.depth > best.depth) best = source;
  }
  if (!best) {
    const chart = releaseChartOf(object);
    best = chart === undefined ? undefined : sources.find((s) => s.chart === chart);
  }
  return best ? { app: best.app, via: best.via } : undefined;
}

/**
 * The sync options Argo CD applies `object` with: the Application's `spec.syncPolicy.syncOptions`
 * (an ApplicationSet's from its template) and the object's own `argocd.argoproj.io/sync-options`
 * annotation, comma-separated (gitops-engine `resource.GetAnnotationCSVs`). Options are matched
 * exactly, case-sensitive, as gitops-engine does (`HasAnnotationOption`).
 */
export function argoSyncOptions(app: K8sObject | undefined, object: K8sObject): { app: string[]; object: string[] } {
  const spec = app === undefined ? undefined : argoAppSpec(app);
  const fromApp = asArray(getPath(spec, ["syncPolicy", "syncOptions"])).filter((o): o is string => typeof o === "string").map((o) => o.trim());
  const fromObject = (object.annotations[ARGO_SYNC_OPTIONS_KEY] ?? "").split(",").map((o) => o.trim()).filter((o) => o !== "");
  return { app: fromApp, object: fromObject };
}

/** `spec` of an Application, or of an ApplicationSet's template. */
export function argoAppSpec(app: K8sObject): unknown {
  return app.kind === "ApplicationSet" ? getPath(app.body, ["spec", "template", "spec"]) : app.body.spec;
}

interface ArgoSource {
  app: K8sObject;
  /** Matches a normalized file path the source covers (a path source). */
  path?: RegExp;
  /** Directories a Git generator excludes (`exclude: true`). */
  exclude?: RegExp[];
  /** Segments of the source path: a deeper path is the more specific match. */
  depth: number;
  /** The chart a Helm repository source renders. */
  chart?: string;
  via: string;
}

function argoSources(set: ManifestSet): ArgoSource[] {
  const out: ArgoSource[] = [];
  for (const app of [...set.ofKind("Application"), ...set.ofKind("ApplicationSet")]) {
    if (!isArgoApp(app)) continue;
    const spec = argoAppSpec(app);
    const sources = [getPath(spec, ["source"]), ...asArray(getPath(spec, ["sources"]))].filter(isObject);
    for (const source of sources) {
      if (typeof source.chart === "string" && source.chart !== "") {
        out.push({ app, depth: 0, chart: source.chart, via: `chart ${source.chart}` });
        continue;
      }
      if (typeof source.path !== "string") continue;
      const generated = source.path.includes("{{") ? (app.kind === "ApplicationSet" ? generatorPaths(app) : { include: [], exclude: [] }) : { include: [source.path], exclude: [] };
      const exclude = generated.exclude.map((p) => globPrefix(normalize(p)));
      for (const p of generated.include) {
        const clean = normalize(p);
        out.push({ app, path: globPrefix(clean), ...(exclude.length ? { exclude } : {}), depth: clean === "" ? 0 : clean.split("/").length, via: `source path ${clean === "" ? "." : clean}` });
      }
    }
  }
  return out;
}

/** The Git directory generator paths of an ApplicationSet, which its templated source path stands for, and those it excludes. */
function generatorPaths(app: K8sObject): { include: string[]; exclude: string[] } {
  const out = { include: [] as string[], exclude: [] as string[] };
  for (const generator of asArray(getPath(app.body, ["spec", "generators"]))) {
    for (const dir of asArray(getPath(generator, ["git", "directories"]))) {
      if (isObject(dir) && typeof dir.path === "string") (dir.exclude === true ? out.exclude : out.include).push(dir.path);
    }
  }
  return out;
}

function normalize(p: string): string {
  return p.replace(/\\/g, "/").replace(/^(\.\/)+/, "").replace(/^\/+/, "").replace(/\/+$/, "").replace(/^\.$/, "");
}

/** A source path (with Git-generator wildcards: `*` within a segment, `**` across segments) as a regex for the files below it. */
function globPrefix(p: string): RegExp {
  if (p === "") return /^/;
  const body = p
    .split("/")
    .map((segment) => (segment === "**" ? ".*" : segment.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")))
    .join("/");
  return new RegExp(`^${body}(?:/|$)`);
}
