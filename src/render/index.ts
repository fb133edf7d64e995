import { existsSync } from "node:fs";
import path from "node:path";
import { chartNameOf } from "../load/chart-yaml.js";
import { isInside, type RenderUnit } from "../load/discover.js";
import { isDirectory } from "../load/fs-checks.js";
import { gitWorkTreeOf } from "../load/git-work-tree.js";
import { loadFile } from "../load/load-file.js";
import type { LoadedFile, NodePath, ParsedDocument } from "../load/types.js";
import type { InputProblem, ReadFile } from "../model/manifest-set.js";
import { describe, objectsOf, type K8sObject } from "../model/objects.js";
import { ChartIndex } from "./chart-index.js";
import { ChartPuller } from "./chart-pull.js";
import type { RenderContext } from "./context.js";
import { chartReference, isHelmRelease, postRenderersOf, releaseNameOf, releaseNamespaceOf, releaseUnit, releaseValues, valuesFilesOf } from "./flux-helmrelease.js";
import { composeFluxKustomization, fluxKustomizationPath, isFluxKustomization, unitName } from "./flux-kustomization.js";
import { applyPostBuild, postBuildVariables } from "./flux-postbuild.js";
import { kustomizationSource, localBranches, notThisCheckout, type Checkout, type ObjectLookup, type SourceTree } from "./flux-sources.js";
import { chartYamlOf, renderChart, startChartRender, type ChartRender } from "./helm-chart.js";
import { buildKustomization, runKustomize, takeOrigins } from "./kustomize.js";
import { MirrorTree } from "./mirror.js";
import { registryChart } from "./registry-chart.js";
import { separateClusters } from "./cluster-directories.js";

/** A plain file already read, by absolute path, and the set it belongs to (see SourceDocument.cluster). */
export interface RawInput {
  /** Absent for stdin. */
  absolutePath?: string;
  loaded: LoadedFile;
  cluster?: string;
}

/** What rendering produced: the inputs as the cluster gets them, and notes for the summary. */
export interface Rendered {
  files: ReadFile[];
  /** One line per HelmRelease rendered from a registry chart: the repository's (matched by name and version), or pulled. */
  notes: string[];
}

/** Flux objects nest (a Kustomization applies HelmReleases and more Kustomizations); this bounds the depth. */
const MAX_FLUX_ROUNDS = 20;

/**
 * Renders what the command line named and what the input's Flux objects apply, the way the cluster gets it:
 *  1. chart and kustomization directories found on the command line (charts found while walking a directory
 *     wait for step 3: a HelmRelease may render them with its own values);
 *  2. Flux Kustomizations, roots first, each built as kustomize-controller builds it (flux-kustomization.ts,
 *     flux-postbuild.ts) from its source (flux-sources.ts); the built objects replace the same files read raw,
 *     and carry the Kustomization as their apply unit and its root as their cluster; then the HelmReleases,
 *     each rendered from its chart (a Git path, the repository's chart of the registry chart's name and
 *     version, or with --pull-charts the chart pulled from the registry) with the values, name, namespace and
 *     post-renderers helm-controller would use; repeated for the Flux objects that brings in;
 *  3. charts found by walking that no HelmRelease rendered, with the command line's values.
 * Everything that is not rendered is said, with the reason (`not-rendered`, `render-failed`, `render-incomplete`).
 */
export async function renderInputs(raw: Promise<RawInput[]>, units: RenderUnit[], ctx: RenderContext): Promise<Rendered> {
  const run = new RenderRun(ctx);
  const walkedCharts = units.filter((u) => u.kind === "helm-chart" && !u.explicit);
  // Started before the plain files are read, added after them (the order of what was read stays the same).
  const first = run.renderUnits(units.filter((u) => !walkedCharts.includes(u)));
  try {
    const separated = separateClusters(await raw);
    run.notes.push(...separated.notes);
    for (const input of separated.inputs) run.add(input.loaded, { ...(input.absolutePath !== undefined ? { raw: input.absolutePath } : {}), ...(input.cluster !== undefined ? { cluster: input.cluster } : {}) });
    for (const read of await first) run.add(read);
    // Not before: the plain builds hold the sources (GitRepositories) a Flux build asks for.
    run.startAhead(run.aheadOfTurn());
    await run.followFlux();
    for (const read of await run.renderUnits([...walkedCharts, ...run.deferredCharts].filter((u) => !run.chartsRenderedByRelease.has(u.dir)))) run.add(read);
    // Each cluster that renders a release from the same chart says so alike: once is enough.
    return { files: run.files(), notes: [...new Set(run.notes)] };
  } finally {
    // Renders still running use the temp directory until they end.
    await first.catch(() => undefined);
    await run.aheadSettled();
    await ctx.dispose();
  }
}

interface Entry {
  read: ReadFile;
  /** The file it was read from, for a raw file. */
  raw?: string;
  /** Built by a Flux Kustomization or rendered for a HelmRelease (not raw, not a plain kustomize build). */
  flux?: boolean;
}

class RenderRun {
  readonly chartsRenderedByRelease = new Set<string>();
  readonly deferredCharts: RenderUnit[] = [];
  readonly notes: string[] = [];
  private readonly entries: Entry[] = [];
  private readonly done = new Set<string>();
  private readonly indexes = new Map<string, ChartIndex>();
  private readonly checkouts = new Map<string, Checkout>();
  private readonly renderedUnits = new Set<string>();
  /** Builds and renders started before their turn (startAhead), by the object's content. */
  private readonly ahead = new Map<string, Promise<unknown>>();
  /** Flux builds started, by the Kustomization's content, with what they asked of the objects read. */
  private readonly startedBuilds = new Map<string, { repoRoot: string; asked: Asked[]; started: StartedBuild }>();
  private readonly puller: ChartPuller;
  /** The objects read so far, by kind; rebuilt after entries change (Flux lookups ask often, and sets are large). */
  private objectIndex: Map<string, Array<{ object: K8sObject; entry: Entry }>> | undefined;

  constructor(private readonly ctx: RenderContext) {
    this.puller = new ChartPuller(ctx);
  }

  add(read: ReadFile, options: { raw?: string; flux?: boolean; cluster?: string } = {}): void {
    if (options.cluster !== undefined) for (const d of read.documents) d.source.cluster ??= options.cluster;
    this.entries.push({ read, ...(options.raw !== undefined ? { raw: options.raw } : {}), ...(options.flux ? { flux: true } : {}) });
    this.objectIndex = undefined;
  }

  files(): ReadFile[] {
    return this.entries.map((e) => e.read);
  }

  /** Chart and kustomization directories of the command line (and charts no release rendered), concurrently, in order. */
  renderUnits(units: RenderUnit[]): Promise<ReadFile[]> {
    const fresh = units.filter((u, i) => !this.renderedUnits.has(u.dir) && units.findIndex((v) => v.dir === u.dir) === i);
    for (const unit of fresh) this.renderedUnits.add(unit.dir);
    return mapLimit(fresh, this.ctx.concurrency, (u) => this.renderUnit(u));
  }

  private async renderUnit(unit: RenderUnit): Promise<ReadFile> {
    // A kustomization is a set of its own (a cluster's tree); a chart goes with the files around it.
    const cluster = unit.kind === "kustomize" ? `kustomize:${this.ctx.display(unit.dir)}` : unit.cluster;
    if (unit.kind === "kustomize") return buildKustomization(this.ctx, unit.dir, unit.marker, cluster);
    const o = this.ctx.options;
    const outcome = await renderChart(this.ctx, this.chartIndex(this.repoRootOf(unit.dir)), {
      chartDir: unit.dir,
      ...(o.releaseName !== undefined ? { releaseName: o.releaseName } : {}),
      ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
      valuesFiles: o.values.map((v) => path.resolve(this.ctx.cwd, v)),
      inlineValues: [],
      set: o.set,
      setString: o.setString,
      ...(cluster !== undefined ? { cluster } : {}),
      reportAt: chartYamlOf(this.ctx, unit.dir),
      what: `the Helm chart ${this.ctx.display(unit.dir)}`,
    });
    return outcome.read;
  }

  async followFlux(): Promise<void> {
    for (let round = 0; round < MAX_FLUX_ROUNDS; round++) {
      const chosen = this.nextKustomizations();
      for (const { object } of chosen) this.done.add(this.key(object));
      const builds = await mapLimit(chosen, this.ctx.concurrency, async ({ object, entry }) => {
        const build = await this.buildKustomization(object, entry);
        // What a build brings in is final (no later build replaces it): its Flux objects can start rendering now.
        if (build.read) this.startAhead(build.read.documents.flatMap(objectsOf).filter((o) => isFluxKustomization(o) || isHelmRelease(o)), build.read.documents.flatMap(objectsOf));
        return build;
      });
      // A root builds itself too (its path holds its own file): that copy, in the root's new cluster, is the same Kustomization.
      for (const build of builds) this.done.add(this.key(build.object, build.cluster));
      builds.forEach((build) => this.apply(build));
      this.startAhead(this.aheadOfTurn());
      // HelmReleases wait until no Kustomization is left to build: a build may replace the copy read so far.
      if (chosen.length > 0) continue;

      const releases = this.ofKind("HelmRelease").filter(({ object }) => isHelmRelease(object) && !this.done.has(this.key(object)));
      for (const { object } of releases) this.done.add(this.key(object));
      const rendered = await mapLimit(releases, this.ctx.concurrency, ({ object }) => this.renderRelease(object));
      rendered.forEach((read) => {
        if (read) this.add(read, { flux: true });
      });
      if (releases.length === 0) return;
    }
  }

  /**
   * The Flux Kustomizations to build next: those not built yet, except that one read raw (or built plainly) whose
   * file the path of another such Kustomization holds waits for that one's build, which brings it again with its
   * unit and cluster (roots first); all of them when each waits for another.
   */
  private nextKustomizations(): Array<{ object: K8sObject; entry: Entry }> {
    const kustomizations = this.ofKind("Kustomization").filter(({ object }) => isFluxKustomization(object) && !this.done.has(this.key(object)));
    const pending = kustomizations.filter(({ entry }) => !entry.flux);
    const covered = (k: K8sObject): boolean => pending.some(({ object: other }) => other !== k && this.covers(other, k.source.origin?.absolutePath ?? this.fileOf(k)));
    const ready = kustomizations.filter(({ object, entry }) => entry.flux || !covered(object));
    return ready.length > 0 ? ready : kustomizations;
  }

  /**
   * What the coming rounds will most likely build and render as read so far: the Kustomizations the next round
   * builds, the HelmReleases of Flux builds (final copies), and those read raw that no pending Kustomization's path
   * holds.
   */
  aheadOfTurn(): K8sObject[] {
    const pending = this.ofKind("Kustomization").filter(({ object, entry }) => isFluxKustomization(object) && !entry.flux && !this.done.has(this.key(object)));
    const releases = this.ofKind("HelmRelease").filter(
      ({ object, entry }) => isHelmRelease(object) && (entry.flux || !pending.some(({ object: k }) => this.covers(k, object.source.origin?.absolutePath ?? this.fileOf(object)))),
    );
    return [...this.nextKustomizations(), ...releases].map(({ object }) => object);
  }

  /**
   * Starts the kustomize builds and Helm renders of these Flux objects before their turn, so the processes keep the
   * cores busy while a round's last builds finish instead of waiting for the round to end. Only with a render cache:
   * the turn's own call then finds the running or cached result by its key (render-call.ts), so nothing runs twice
   * and what was read decides everything as before; a guess that proves wrong (a copy a later build replaces with
   * another, values from an object read later) costs its process, nothing else. `alsoRead`: the objects of a build
   * not added yet, which these may look up (sources, values). Registry charts are never pulled on a guess.
   */
  startAhead(objects: K8sObject[], alsoRead: K8sObject[] = []): void {
    if (!this.ctx.cache) return;
    for (const object of objects) {
      const identity = JSON.stringify(object.body); // a copy read raw and the same one built render alike
      if (this.done.has(this.key(object)) || this.ahead.has(identity)) continue;
      let started: Promise<unknown> | undefined;
      try {
        if (isFluxKustomization(object)) {
          const build = this.startKustomizationBuild(object, alsoRead);
          if (!("done" in build)) started = build.built;
        } else {
          started = this.planRelease(object, { alsoRead, pull: false }).then((plan) => {
            const render = "done" in plan ? undefined : startChartRender(this.ctx, plan.index, plan.render);
            return render && !("missing" in render) ? render.result : undefined;
          });
        }
      } catch {
        // its turn reports what is wrong with it
      }
      this.ahead.set(identity, (started ?? Promise.resolve()).catch(() => undefined));
    }
  }

  /** Renders started ahead are done (they use the temp directory until then). */
  async aheadSettled(): Promise<void> {
    await Promise.all(this.ahead.values());
  }

  /** Every object read so far, with the entry it came from. */
  private objects(): Array<{ object: K8sObject; entry: Entry }> {
    return [...this.index().values()].flat();
  }

  private ofKind(kind: string): Array<{ object: K8sObject; entry: Entry }> {
    return this.index().get(kind) ?? [];
  }

  private index(): Map<string, Array<{ object: K8sObject; entry: Entry }>> {
    if (!this.objectIndex) {
      this.objectIndex = new Map();
      for (const entry of this.entries) {
        for (const document of entry.read.documents) {
          for (const object of objectsOf(document)) {
            const list = this.objectIndex.get(object.kind) ?? [];
            list.push({ object, entry });
            this.objectIndex.set(object.kind, list);
          }
        }
      }
    }
    return this.objectIndex;
  }

  private checkout(repoRoot: string): Checkout {
    let checkout = this.checkouts.get(repoRoot);
    if (!checkout) {
      let branches: ReturnType<Checkout["branches"]> | undefined;
      checkout = { repoRoot, rootGiven: this.ctx.options.repoRoot !== undefined, env: this.ctx.env, branches: () => (branches ??= localBranches(repoRoot)) };
      this.checkouts.set(repoRoot, checkout);
    }
    return checkout;
  }

  /**
   * The objects read so far, by kind and name. For a render started ahead, as they will be once `alsoRead` (a build
   * not added yet) is: its objects in, the copies read raw of the files it built out (see apply).
   */
  private lookup(near?: K8sObject, alsoRead: K8sObject[] = []): ObjectLookup {
    const built = new Set(alsoRead.flatMap((o) => (o.source.origin ? [o.source.origin.absolutePath] : [])));
    const all = (kind: string): K8sObject[] => {
      const kept = this.ofKind(kind).filter(({ object, entry }) => entry.flux || !built.has(object.source.origin?.absolutePath ?? entry.raw ?? ""));
      const found = [...kept.map((o) => o.object), ...alsoRead.filter((o) => o.kind === kind)];
      // Objects of the same cluster only: two clusters of one repository have same-named sources, and one
      // cluster's GitRepository must not decide where another cluster's Kustomization comes from.
      return near ? found.filter((o) => o.source.cluster === near.source.cluster) : found;
    };
    return {
      all,
      find: (kind, name, namespace) => all(kind).find((o) => o.name === name && (namespace === undefined || o.namespace === undefined || o.namespace === namespace)),
    };
  }

  /** Identity of a Flux object within its cluster: the same Kustomization read raw and then built is one. */
  private key(object: K8sObject, cluster = object.source.cluster): string {
    return `${object.kind}\0${object.apiVersion.split("/")[0]}\0${object.namespace ?? ""}\0${object.name}\0${cluster ?? ""}`;
  }

  private fileOf(object: K8sObject): string | undefined {
    return this.ofKind(object.kind).find((o) => o.object.source === object.source)?.entry.raw;
  }

  /** Whether a Kustomization's path (in this repository) holds `file`. */
  private covers(kustomization: K8sObject, file: string | undefined): boolean {
    if (file === undefined) return false;
    const root = this.repoRootOf(kustomization.source.origin?.absolutePath ?? this.fileOf(kustomization) ?? this.ctx.cwd);
    return isInside(file, path.resolve(root, fluxKustomizationPath(kustomization)));
  }

  /**
   * A Flux Kustomization's kustomize build, started: its source tree, the kustomization kustomize-controller would
   * compose, kustomize running; or the build's outcome when it cannot start. Changes nothing of the run (a build
   * started ahead uses it too).
   */
  private startKustomizationBuild(object: K8sObject, alsoRead: K8sObject[] = []): StartedBuild {
    // Started before (ahead of its turn, or for a copy in another cluster), and what it found then is what it would
    // find now: the same build, whose tree of links is not made twice. An outcome without a build names its object: not shared.
    const identity = JSON.stringify(object.body);
    const before = this.startedBuilds.get(identity);
    const repoRoot = this.repoRootOf(object.source.origin?.absolutePath ?? this.fileOf(object) ?? this.ctx.cwd);
    if (before && before.repoRoot === repoRoot && before.asked.every((q) => q.ask(this.lookup(object)) === q.answer)) return before.started;
    const asked: Asked[] = [];
    const started = this.newKustomizationBuild(object, repoRoot, recording(this.lookup(object, alsoRead), asked));
    if (!("done" in started)) this.startedBuilds.set(identity, { repoRoot, asked, started });
    return started;
  }

  private newKustomizationBuild(object: K8sObject, repoRoot: string, lookup: ObjectLookup): StartedBuild {
    const unit = unitName("Kustomization", object);
    const cluster = object.source.cluster;
    const at = (keyPath: NodePath): { object: K8sObject; path: NodePath } => ({ object, path: [...object.basePath, ...keyPath] });
    const skip = (message: string, keyPath: NodePath = ["spec", "sourceRef"]): { done: FluxBuild } => ({ done: { object, unit, cluster, problems: [{ kind: "not-rendered", ...at(keyPath), message }] } });
    const fail = (message: string, keyPath: NodePath): { done: FluxBuild } => ({ done: { object, unit, cluster, problems: [{ kind: "render-failed", ...at(keyPath), message }] } });

    const source = kustomizationSource(object, this.checkout(repoRoot), lookup, () => new MirrorTree(this.ctx.tempSubdir("flux")));
    if ("skip" in source) return skip(`${describe(object)} was not built: ${source.skip}; its objects were not linted`);
    const specPath = fluxKustomizationPath(object);
    const dir = path.resolve(source.tree.root, specPath);
    if (!isInside(dir, source.tree.root) || !isDirectory(dir)) {
      return fail(`${describe(object)}: kustomization path not found: ${specPath} is not a directory of ${source.describe}; Flux fails the Kustomization with the same error`, ["spec", "path"]);
    }
    const composed = composeFluxKustomization(object, dir, source.ignored);
    if (composed.missingComponents.length > 0) {
      return fail(`${describe(object)}: component ${composed.missingComponents.join(", ")} does not exist below ${specPath}; Flux fails the Kustomization (set spec.ignoreMissingComponents to skip it)`, ["spec", "components"]);
    }
    const relativeDir = path.relative(source.tree.root, dir);
    source.tree.writeFile(path.join(relativeDir, composed.fileName), JSON.stringify(composed.content));
    const shown = this.ctx.display(repoRoot);
    const built = runKustomize(this.ctx, source.tree.materialize(relativeDir), { root: source.tree.root, shownAs: shown === "." ? "" : `${shown}/` });
    return { unit, source, repoRoot, specPath, relativeDir, built };
  }

  private async buildKustomization(object: K8sObject, entry: Entry): Promise<FluxBuild> {
    const started = this.startKustomizationBuild(object);
    if ("done" in started) return started.done;
    const { unit, source, repoRoot, specPath, relativeDir } = started;
    const ownFile = object.source.origin?.absolutePath ?? this.fileOf(object);
    let cluster = object.source.cluster;
    const at = (keyPath: NodePath): { object: K8sObject; path: NodePath } => ({ object, path: [...object.basePath, ...keyPath] });
    const built = await started.built;
    if ("error" in built) return { object, unit, cluster, problems: [{ kind: "render-failed", ...at(["spec", "path"]), message: `${describe(object)} fails to build, as it does in kustomize-controller: ${built.error}` }] };

    let stream = built.stdout;
    const problems: InputProblem[] = [];
    const variables = postBuildVariables(object, (kind, name) => this.lookup(object).find(kind, name, object.namespace));
    const substitution = variables ? applyPostBuild(stream, variables) : undefined;
    if (variables && variables.invalidNames.length > 0) {
      problems.push({ kind: "render-failed", ...at(["spec", "postBuild"]), message: `${describe(object)}: variable name ${variables.invalidNames.map((n) => `"${n}"`).join(", ")} is invalid (Flux requires ^[_[:alpha:]][_[:alpha:][:digit:]]*$) and fails the Kustomization` });
    }
    if (substitution) stream = substitution.stream;

    // Named by where the user finds it: the repository path, or the path inside the generated artifact.
    const where = source.kind === "repository" ? this.ctx.display(path.resolve(repoRoot, specPath)) : `${specPath} of ${source.describe}`;
    const name = `${where} (kustomize build for ${unit})`;
    const loaded = loadFile(name, Buffer.from(stream));
    takeOrigins(this.ctx, loaded.documents, path.join(source.tree.root, relativeDir), (p) => source.tree.original(p));
    // A cluster's root applies itself (flux bootstrap's flux-system syncs the directory holding it): its tree is a
    // set of its own. Any other Kustomization read raw stays in the set of the files it was found with.
    if (!entry.flux && ownFile !== undefined && loaded.documents.some((d) => d.source.origin?.absolutePath === ownFile)) {
      cluster = `flux:${unit}@${object.source.origin?.file ?? object.source.file}`;
    }
    for (const document of loaded.documents) {
      document.source.unit = unit;
      if (cluster !== undefined) document.source.cluster = cluster;
    }
    for (const error of substitution?.errors ?? []) {
      const target = objectAt(loaded.documents, error.document);
      problems.push(target ? { kind: "render-failed", object: target, path: target.basePath, message: `${unit}: ${error.message}; Flux fails the Kustomization` } : { kind: "render-failed", ...at(["spec", "postBuild"]), message: `${unit}: ${error.message}` });
    }
    for (const unset of substitution?.unset ?? []) {
      const target = objectAt(loaded.documents, unset.document);
      if (!target) continue;
      problems.push({
        kind: "postbuild-variable-unset",
        object: target,
        path: [...target.basePath, ...unset.path],
        message:
          `\${${unset.name}} has no value in the post-build variables of ${unit} and no default: kustomize-controller ≥ v1.9 (Flux 2.9) fails the whole Kustomization ` +
          `with 'variable not set (strict mode): "${unset.name}"' (older versions write an empty string)`,
      });
    }
    return { object, unit, cluster, read: { ...loaded, problems: [...problems, ...loaded.problems] }, problems: [] };
  }

  /** Adds a build; the files it built stop counting as read raw (or built plainly): the built objects stand for them. */
  private apply(build: FluxBuild): void {
    if (build.read) {
      const origins = new Set(build.read.documents.flatMap((d) => (d.source.origin ? [d.source.origin.absolutePath] : [])));
      for (const entry of this.entries) {
        if (entry.flux) continue;
        const kept = entry.read.documents.filter((d) => !origins.has(d.source.origin?.absolutePath ?? entry.raw ?? ""));
        if (kept.length !== entry.read.documents.length) entry.read = { ...entry.read, documents: kept };
      }
      this.objectIndex = undefined;
      this.add(build.read, { flux: true });
    }
    if (build.problems.length > 0) this.add({ file: build.object.source.file, documents: [], problems: build.problems });
  }

  private async renderRelease(object: K8sObject): Promise<ReadFile | undefined> {
    const plan = await this.planRelease(object);
    if (plan.note !== undefined) this.notes.push(plan.note);
    if ("done" in plan) return plan.done;
    this.chartsRenderedByRelease.add(plan.chartDir);
    const outcome = await renderChart(this.ctx, plan.index, plan.render);
    return { ...outcome.read, problems: [...plan.problems, ...outcome.read.problems] };
  }

  /**
   * How a HelmRelease is rendered, found without changing anything of the run (a render started ahead uses it too,
   * with `alsoRead` and without pulling: a registry chart is pulled in its turn only).
   */
  private async planRelease(object: K8sObject, ahead?: { alsoRead: K8sObject[]; pull: false }): Promise<ReleasePlan> {
    const unit = releaseUnit(object);
    const alsoRead = ahead?.alsoRead ?? [];
    const lookup = this.lookup(object, alsoRead);
    const at = (keyPath: NodePath): { object: K8sObject; path: NodePath } => ({ object, path: keyPath });
    const notRendered = (message: string, keyPath: NodePath): ReleasePlan => ({ done: { file: object.source.file, documents: [], problems: [{ kind: "not-rendered", ...at(keyPath), message }] } });
    const failed = (message: string, keyPath: NodePath): ReleasePlan => ({ done: { file: object.source.file, documents: [], problems: [{ kind: "render-failed", ...at(keyPath), message }] } });

    const repoRoot = this.repoRootOf(object.source.origin?.absolutePath ?? this.fileOf(object) ?? this.ctx.cwd);
    const reference = chartReference(object, lookup.find);
    let chartDir: string;
    let pulledAs: string | undefined;
    let note: string | undefined;
    if (reference.kind === "unsupported") return notRendered(`${describe(object)} was not rendered: ${reference.reason}; its chart's objects were not linted`, reference.at);
    if (reference.kind === "git") {
      const other = notThisCheckout(lookup.find("GitRepository", reference.sourceName, reference.sourceNamespace), this.checkout(repoRoot), lookup);
      if (other) return notRendered(`${describe(object)} was not rendered: its chart comes from ${other}; its chart's objects were not linted`, reference.at);
      chartDir = path.resolve(repoRoot, reference.path);
      if (!isInside(chartDir, repoRoot) || !existsSync(path.join(chartDir, "Chart.yaml"))) {
        return failed(`${describe(object)}: chart path not found: ${reference.path} holds no Chart.yaml in the repository; Flux fails to build the chart`, reference.at);
      }
    } else {
      if (ahead && this.ctx.options.pullCharts) return { done: undefined };
      const releaseFile = object.source.origin?.file ?? object.source.file;
      const chart = await registryChart(reference, { ctx: this.ctx, repoRoot, index: this.chartIndex(repoRoot), puller: this.puller, releaseFile });
      if ("skip" in chart) return notRendered(`${describe(object)} was not rendered: ${chart.skip}`, reference.at);
      chartDir = chart.dir;
      pulledAs = chart.pulledAs;
      note = `${unit}: ${chart.note}`;
    }
    // `helm template … | gitops-lint - hr.yaml`: the user rendered this chart already; do not lint it twice. What was
    // rendered for another HelmRelease is not that, though a pulled chart's documents have no chart directory either.
    const chartName = chartNameOf(chartDir);
    const renderedByUser = (o: K8sObject): boolean => o.source.helmSource?.split("/")[0] === chartName && o.source.chartDir === undefined && o.source.helmRelease === undefined;
    if (chartName !== undefined && (this.objects().some(({ object: o }) => renderedByUser(o)) || alsoRead.some(renderedByUser))) return { done: undefined, ...(note !== undefined ? { note } : {}) };

    const problems: InputProblem[] = [];
    const valuesFiles = valuesFilesOf(object);
    const chartValuesFiles: string[] = [];
    valuesFiles.files.forEach((file, i) => {
      // Relative to the source's root: the repository for a Git chart, the chart for a registry chart.
      const absolute = path.resolve(reference.kind === "git" ? repoRoot : chartDir, file);
      if (existsSync(absolute)) chartValuesFiles.push(absolute);
      else if (!valuesFiles.ignoreMissing) {
        problems.push({ kind: "render-failed", ...at([...object.basePath, "spec", "chart", "spec", "valuesFiles", i]), message: `${describe(object)} lists the values file "${file}", which does not exist; Flux fails to build the chart (set ignoreMissingValuesFiles to skip it)` });
      }
    });
    const values = releaseValues(object, (kind, name) => lookup.find(kind, name, object.namespace));
    const unresolved = values.unresolved.length > 0 ? ` (valuesFrom ${values.unresolved.join(", ")} could not be read, so the render lacks those values)` : "";
    for (const { index, why } of values.failed) {
      problems.push({ kind: "render-failed", ...at([...object.basePath, "spec", "valuesFrom", index, "targetPath"]), message: `${describe(object)}: ${why}; helm-controller fails the release on it` });
    }
    // What those values set was not linted: said even when nothing else about the render is.
    if (values.unresolved.length > 0) {
      problems.push({
        kind: "render-incomplete",
        ...at([...object.basePath, "spec", "valuesFrom"]),
        message: `${describe(object)} was rendered without the values of valuesFrom ${values.unresolved.join(", ")}; what they set was not linted (lint the file that holds them with the release)`,
      });
    }
    const namespace = releaseNamespaceOf(object);
    const render: ChartRender = {
      chartDir,
      releaseName: releaseNameOf(object),
      ...(namespace !== undefined ? { namespace } : {}),
      valuesFiles: [],
      inlineValues: [values.values],
      ...(chartValuesFiles.length > 0 ? { chartValuesFiles } : {}),
      set: [],
      setString: [],
      ...(values.unresolved.length > 0 ? { valuesIncomplete: true } : {}),
      unit,
      ...(object.source.cluster !== undefined ? { cluster: object.source.cluster } : {}),
      helmRelease: { ...(object.namespace !== undefined ? { namespace: object.namespace } : {}), name: object.name },
      reportAt: at(reference.at),
      what: `the chart ${pulledAs ?? this.ctx.display(chartDir)} of ${describe(object)}${unresolved}`,
      postRenderers: postRenderersOf(object),
      ...(pulledAs !== undefined ? { pulledAs } : {}),
    };
    return { chartDir, index: this.chartIndex(repoRoot), render, problems, ...(note !== undefined ? { note } : {}) };
  }

  private chartIndex(repoRoot: string): ChartIndex {
    let index = this.indexes.get(repoRoot);
    if (!index) this.indexes.set(repoRoot, (index = new ChartIndex(repoRoot)));
    return index;
  }

  /** `--repo-root`, else the Git work tree the path is in, else the working directory. */
  private repoRootOf(from: string): string {
    if (this.ctx.options.repoRoot !== undefined) return path.resolve(this.ctx.cwd, this.ctx.options.repoRoot);
    return gitWorkTreeOf(from) ?? this.ctx.cwd;
  }
}

/**
 * How a HelmRelease is rendered: `done` when it is not (with the problem saying why, or nothing when the input holds
 * the chart rendered already), else the chart render; `note` for the summary either way.
 */
type ReleasePlan = ({ done: ReadFile | undefined } | { chartDir: string; index: ChartIndex; render: ChartRender; problems: InputProblem[] }) & { note?: string };

/** A Flux Kustomization's kustomize build, started (see startKustomizationBuild), or its outcome when it cannot start. */
type StartedBuild =
  | { done: FluxBuild }
  | { unit: string; source: Extract<SourceTree, { tree: unknown }>; repoRoot: string; specPath: string; relativeDir: string; built: Promise<{ stdout: string } | { error: string }> };

/** A question asked of the objects read, and its answer (the objects' content). */
interface Asked {
  ask: (lookup: ObjectLookup) => string;
  answer: string;
}

/** `lookup`, writing down each question and its answer. */
function recording(lookup: ObjectLookup, asked: Asked[]): ObjectLookup {
  const content = (objects: Array<K8sObject | undefined>): string => JSON.stringify(objects.map((o) => (o ? [o.namespace, o.body] : null)));
  const note = <T>(ask: (l: ObjectLookup) => string, result: T, answer: string): T => {
    asked.push({ ask, answer });
    return result;
  };
  return {
    all: (kind) => {
      const found = lookup.all(kind);
      return note((l) => content(l.all(kind)), found, content(found));
    },
    find: (kind, name, namespace) => {
      const found = lookup.find(kind, name, namespace);
      return note((l) => content([l.find(kind, name, namespace)]), found, content([found]));
    },
  };
}

/** A Flux Kustomization's build: what it built (absent when it was not built), and the problems about it. */
interface FluxBuild {
  object: K8sObject;
  unit: string;
  cluster: string | undefined;
  read?: ReadFile;
  problems: InputProblem[];
}

/** The object of the `index`th document of a build's output. */
function objectAt(documents: ParsedDocument[], index: number): K8sObject | undefined {
  const document = documents.find((d) => d.source.index === index);
  return document ? objectsOf(document)[0] : undefined;
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
