import { existsSync, promises as fs } from "node:fs";
import path from "node:path";
import { loadFile } from "../load/load-file.js";
import type { LoadedFile, NodePath, SourceDocument } from "../load/types.js";
import type { InputProblem, ManifestSet, ObjectProblem, ReadFile } from "../model/manifest-set.js";
import { isDirectory } from "../load/fs-checks.js";
import { gitWorkTreeOf } from "../load/git-work-tree.js";
import { chartNameOf } from "../load/chart-yaml.js";
import { describe, type K8sObject } from "../model/objects.js";
import type { RenderContext } from "./context.js";
import { expandDirectory, isInside, type RenderUnit } from "../load/discover.js";
import { helmReleaseChart, isHelmRelease } from "./flux-helmrelease.js";
import { fluxKustomizationSource, isFluxKustomization } from "./flux-kustomization.js";
import { chartYamlOf, renderChart } from "./helm-chart.js";
import { buildKustomization } from "./kustomize.js";

/** A plain file already read into the set, by absolute path. */
export interface RawInput {
  absolutePath: string;
  loaded: LoadedFile;
}

/** Flux objects nest (a Kustomization applies HelmReleases and more Kustomizations); this bounds the depth. */
const MAX_FLUX_ROUNDS = 10;

/**
 * Renders what the command line named and what the input's Flux objects apply, into the same set:
 *  1. chart and kustomization directories found on the command line (charts given by name with the
 *     command line's values; charts only found while walking a directory wait for step 3);
 *  2. Flux Kustomizations whose `spec.path` is in this repository: that directory is built as Flux
 *     builds it and every object in it is marked with the Kustomization as its apply unit (objects
 *     already read are marked, not read again); Flux HelmReleases whose chart is a path in this
 *     repository: rendered with the release's own values, name and namespace, as their own unit;
 *     repeated for the Flux objects that this brings in;
 *  3. charts found by walking that no HelmRelease rendered, with the command line's values.
 */
export async function renderInputs(set: ManifestSet, units: RenderUnit[], raw: RawInput[], ctx: RenderContext): Promise<void> {
  const run = new RenderRun(set, ctx);
  try {
    for (const input of raw) run.record(input.absolutePath, input.loaded.documents.map((d) => d.source));
    const walkedCharts = units.filter((u) => u.kind === "helm-chart" && !u.explicit);
    await run.renderUnits(units.filter((u) => !walkedCharts.includes(u)), undefined);
    await run.followFlux();
    await run.renderUnits([...walkedCharts, ...run.deferredCharts].filter((u) => !run.chartsRenderedByRelease.has(u.dir)), undefined);
  } finally {
    ctx.dispose();
  }
}

class RenderRun {
  readonly chartsRenderedByRelease = new Set<string>();
  readonly deferredCharts: RenderUnit[] = [];
  private readonly byLocation = new Map<string, SourceDocument[]>();
  private readonly locationOf = new WeakMap<SourceDocument, string>();
  private readonly doneUnits = new Set<string>();

  constructor(
    private readonly set: ManifestSet,
    private readonly ctx: RenderContext,
  ) {}

  /** Remembers where documents were read from (a file, or a rendered directory), to mark apply units later. */
  record(location: string, documents: SourceDocument[]): void {
    const list = this.byLocation.get(location) ?? [];
    list.push(...documents);
    this.byLocation.set(location, list);
    for (const document of documents) this.locationOf.set(document, location);
  }

  /** Renders units concurrently (they are separate processes) and adds them in order, so output is deterministic. */
  async renderUnits(units: RenderUnit[], unit: string | undefined): Promise<void> {
    const fresh = units.filter((u, i) => !this.byLocation.has(u.dir) && units.findIndex((v) => v.dir === u.dir) === i);
    const results = await mapLimit(fresh, 4, (u) => this.renderUnit(u, unit));
    fresh.forEach((u, i) => this.addLoaded(u.dir, results[i]!));
  }

  private renderUnit(unit: RenderUnit, applyUnit: string | undefined): Promise<ReadFile> {
    if (unit.kind === "kustomize") return buildKustomization(this.ctx, unit.dir, unit.marker, applyUnit);
    const o = this.ctx.options;
    return renderChart(this.ctx, {
      chartDir: unit.dir,
      ...(o.releaseName !== undefined ? { releaseName: o.releaseName } : {}),
      ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
      valuesFiles: o.values.map((v) => path.resolve(this.ctx.cwd, v)),
      inlineValues: [],
      set: o.set,
      setString: o.setString,
      ...(applyUnit !== undefined ? { unit: applyUnit } : {}),
      reportAt: chartYamlOf(this.ctx, unit.dir),
      what: `the Helm chart ${this.ctx.display(unit.dir)}`,
    });
  }

  private addLoaded(location: string, loaded: ReadFile): void {
    this.set.add(loaded);
    this.record(location, loaded.documents.map((d) => d.source));
  }

  async followFlux(): Promise<void> {
    for (let round = 0; round < MAX_FLUX_ROUNDS; round++) {
      const kustomizations = this.set.objects.filter((o) => isFluxKustomization(o) && this.claim(o));
      const releases = this.set.objects.filter((o) => isHelmRelease(o) && this.claim(o));
      if (kustomizations.length === 0 && releases.length === 0) return;
      // Deeper paths first: a nested apply unit keeps its own objects.
      const sources = kustomizations
        .map((object) => ({ object, source: fluxKustomizationSource(object) }))
        .filter((k) => k.source !== undefined)
        .sort((a, b) => path.normalize(b.source!.path).length - path.normalize(a.source!.path).length);
      await this.applyKustomizations(sources.map(({ object, source }) => ({ object, path: source!.path, unit: source!.unit })));
      const rendered = await mapLimit(releases, 4, (object) => this.renderRelease(object));
      rendered.forEach((r) => {
        if (r) this.addLoaded(`${r.chartDir}\0${r.unit}`, r.loaded);
      });
    }
  }

  /** True the first time an apply unit (Flux object) is seen. */
  private claim(object: K8sObject): boolean {
    const key = `${object.kind}\0${object.apiVersion.split("/")[0]}\0${object.namespace ?? ""}\0${object.name}`;
    if (this.doneUnits.has(key)) return false;
    this.doneUnits.add(key);
    return true;
  }

  /**
   * Builds each Kustomization's path (concurrently: separate processes), then adds and marks the
   * results in order, deeper paths first, so the outcome does not depend on timing.
   */
  private async applyKustomizations(sources: Array<{ object: K8sObject; path: string; unit: string }>): Promise<void> {
    const plans = await mapLimit(sources, 4, async ({ object, path: specPath, unit }) => {
      const root = this.repoRoot(object);
      const dir = path.resolve(root, specPath);
      if (!isInside(dir, root) || !isDirectory(dir)) return undefined; // another repository's path, or not there: nothing to build
      const expanded = expandDirectory(dir, true);
      const files = await Promise.all(
        expanded.files.map(async (file) => ({ file, loaded: this.byLocation.has(file) ? undefined : await readRaw(this.ctx, file) })),
      );
      const units = await mapLimit(expanded.units, 4, async (u) => ({
        unit: u,
        loaded: this.byLocation.has(u.dir) || u.kind === "helm-chart" ? undefined : await this.renderUnit(u, unit),
      }));
      return { unit, files, units };
    });
    for (const plan of plans) {
      if (!plan) continue;
      for (const { file, loaded } of plan.files) {
        if (loaded && !this.byLocation.has(file)) this.addLoaded(file, loaded);
        this.mark(file, plan.unit);
      }
      for (const { unit: u, loaded } of plan.units) {
        if (u.kind === "helm-chart" && !this.byLocation.has(u.dir)) this.deferredCharts.push(u);
        if (loaded && !this.byLocation.has(u.dir)) this.addLoaded(u.dir, loaded);
        this.mark(u.dir, plan.unit);
      }
    }
  }

  private mark(location: string, unit: string): void {
    for (const document of this.byLocation.get(location) ?? []) document.unit ??= unit;
  }

  private async renderRelease(object: K8sObject): Promise<{ chartDir: string; unit: string; loaded: ReadFile } | undefined> {
    const chart = helmReleaseChart(object, this.set);
    if (!chart) return undefined;
    const root = this.repoRoot(object);
    const chartDir = path.resolve(root, chart.chartPath);
    if (!isInside(chartDir, root) || !existsSync(path.join(chartDir, "Chart.yaml"))) return undefined; // a chart of another repository
    // `helm template … | gitops-lint - hr.yaml`: the user rendered this chart already; do not lint it twice.
    const chartName = chartNameOf(chartDir);
    if (chartName !== undefined && this.set.objects.some((o) => o.source.helmSource?.split("/")[0] === chartName && o.source.chartDir === undefined)) return undefined;
    this.chartsRenderedByRelease.add(chartDir);
    const ref = { ...(object.namespace !== undefined ? { namespace: object.namespace } : {}), name: object.name };

    const valuesFiles: string[] = [];
    const problems: InputProblem[] = [];
    for (const [i, file] of chart.valuesFiles.entries()) {
      const absolute = path.resolve(root, file);
      if (isInside(absolute, root) && existsSync(absolute)) valuesFiles.push(absolute);
      else {
        problems.push(problemAt(object, ["spec", "chart", "spec", "valuesFiles", i],
          `${describe(object)} lists the values file "${file}", which is not in the repository (${this.ctx.display(root)}); Flux fails to build the chart; fix the path`));
      }
    }
    const unresolved = chart.unresolvedValuesFrom.length > 0
      ? ` (valuesFrom ${chart.unresolvedValuesFrom.join(", ")} is not in the input and was not applied)`
      : "";
    const loaded = await renderChart(this.ctx, {
      chartDir,
      releaseName: chart.releaseName,
      ...(chart.namespace !== undefined ? { namespace: chart.namespace } : {}),
      valuesFiles,
      inlineValues: chart.inlineValues,
      set: [],
      setString: [],
      unit: chart.unit,
      helmRelease: ref,
      reportAt: { object, path: [...object.basePath, "spec", "chart", "spec", "chart"] },
      what: `the chart ${this.ctx.display(chartDir)} of ${describe(object)}${unresolved}`,
    });
    loaded.problems.unshift(...problems);
    return { chartDir, unit: chart.unit, loaded };
  }

  /** `--repo-root`, else the Git work tree the object's file is in, else the working directory. */
  private repoRoot(object: K8sObject): string {
    if (this.ctx.options.repoRoot !== undefined) return path.resolve(this.ctx.cwd, this.ctx.options.repoRoot);
    const from = object.source.origin?.absolutePath ?? this.locationOf.get(object.source) ?? this.ctx.cwd;
    return gitWorkTreeOf(from) ?? this.ctx.cwd;
  }
}

async function readRaw(ctx: RenderContext, file: string): Promise<LoadedFile> {
  const name = ctx.display(file);
  try {
    return loadFile(name, await fs.readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { file: name, documents: [], problems: [{ kind: "invalid-input", file: name, line: 1, column: 1, message: `cannot read ${name}: ${code ?? (error as Error).message}` }] };
  }
}

/** A problem at a key of an object: located like a finding, in the file the user edits (the kustomize source when there is one). */
function problemAt(object: K8sObject, keyPath: NodePath, message: string): ObjectProblem {
  return { kind: "invalid-input", object, path: [...object.basePath, ...keyPath], message };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
