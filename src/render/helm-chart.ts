import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync, type Dirent } from "node:fs";
import path from "node:path";
import { loadFile } from "../load/load-file.js";
import type { NodePath } from "../load/types.js";
import { templateFileFor } from "../load/chart-template-files.js";
import type { InputProblem, ReadFile } from "../model/manifest-set.js";
import type { K8sObject } from "../model/objects.js";
import { isObject, type JsonObject } from "../util/json.js";
import type { ChartIndex } from "./chart-index.js";
import { assembleChart, type ChartAssembly } from "./chart-tree.js";
import { disabledByValues } from "./dependency-conditions.js";
import { errorSummary, type RenderContext } from "./context.js";
import { isInside } from "../load/discover.js";
import { kustomizeBuild } from "./kustomize.js";
import { runRender } from "./render-call.js";
import type { RunResult } from "./tools.js";
import { lineOfPath } from "../load/line-of-path.js";
import { escapeRegExp } from "../util/escape-regexp.js";

export interface ChartRender {
  /** Absolute chart directory (holds Chart.yaml). */
  chartDir: string;
  releaseName?: string;
  namespace?: string;
  /** Absolute values files given to Helm, in order (later ones win). */
  valuesFiles: string[];
  /** Values given inline (a HelmRelease's merged values), after the files. */
  inlineValues: JsonObject[];
  /** Flux `spec.chart.spec.valuesFiles`: they replace the chart's values.yaml (source-controller). */
  chartValuesFiles?: string[];
  set: string[];
  setString: string[];
  /** Some values the real release gets could not be read (a HelmRelease's valuesFrom): the render lacks them. */
  valuesIncomplete?: boolean;
  /** Set on every rendered document. */
  unit?: string;
  cluster?: string;
  helmRelease?: { namespace?: string; name: string };
  /** Where a problem about this render is reported: the chart's Chart.yaml, or a key of the HelmRelease. */
  reportAt: { file: string; line: number; column: number } | { object: K8sObject; path: NodePath };
  /** How messages name the render, e.g. `the Helm chart charts/platform`. */
  what: string;
  /** HelmRelease `spec.postRenderers[].kustomize`, applied to the output in order. */
  postRenderers?: JsonObject[];
  /**
   * The chart was pulled from a registry into the run's temp directory (`--pull-charts`): its reference and version
   * name the output, and nothing is located in its files (they are not the user's, and are gone after the run).
   */
  pulledAs?: string;
}

/** What rendering did besides producing documents: for the summary and the findings about rendering. */
export interface ChartOutcome {
  read: ReadFile;
  assembly?: ChartAssembly;
  /** The chart rendered nothing at all (it failed). */
  failed: boolean;
}

const MISSING_DEPENDENCIES = /missing in charts\/ directory:\s*(.+)$/m;
// Helm 4 logs `level=INFO msg="skipping unknown hooks" hookTypes=pre-instal`, Helm 3 `info: skipping unknown hook: "pre-instal"`.
const UNKNOWN_HOOKS = /skipping unknown hooks?(?::\s*"?|"\s*hookTypes=)"?([^"\n]+?)"?\s*$/gm;

/**
 * `helm template` of a chart, run without a shell. The chart is first assembled from what the repository holds
 * (chart-tree.ts): dependencies it cannot find are left out, so its own templates are still linted. The output
 * keeps Helm's `# Source:` comments; every document is marked with the chart directory (and, for templates of
 * dependencies taken from elsewhere in the repository, the template file) so findings map to template lines.
 */
export async function renderChart(ctx: RenderContext, index: ChartIndex, render: ChartRender): Promise<ChartOutcome> {
  const chartDisplay = render.pulledAs ?? ctx.display(render.chartDir);
  const name = `${chartDisplay} (helm template${render.helmRelease ? ` for HelmRelease ${render.helmRelease.namespace ? `${render.helmRelease.namespace}/` : ""}${render.helmRelease.name}` : ""})`;
  const fail = (message: string, at?: { file: string; line: number; column: number }): ChartOutcome => ({
    read: { file: name, documents: [], problems: [problem(render, "render-failed", message, at)] },
    failed: true,
  });

  const started = startChartRender(ctx, index, render);
  if ("missing" in started) return fail(`cannot render ${render.what}: ${started.missing}; its templates were not linted`);
  const { assembly } = started;
  const leftOut = renderedLeftOut(render, assembly);
  const result = await started.result;
  if (result.code !== 0) {
    const missing = MISSING_DEPENDENCIES.exec(result.stderr);
    if (missing) {
      return fail(
        `cannot render ${render.what}: its dependencies ${missing[1]!.trim()} are declared in Chart.yaml but missing from ${chartDisplay}/charts/; ` +
          `run \`helm dependency build ${chartDisplay}\` and lint again`,
      );
    }
    const summary = ctx.clean(errorSummary(result.stderr.replace(UNKNOWN_HOOKS, "")));
    const message = `\`helm template\` failed for ${render.what}: ${summary}${leftOutMayExplain(summary, leftOut) ? leftOutSuffix(ctx, render, leftOut) : ""}`;
    return fail(message, "object" in render.reportAt ? undefined : templateErrorPosition(ctx, render.chartDir, result.stderr));
  }

  let stream = result.stdout;
  const problems: InputProblem[] = [...leftOutProblems(ctx, render, leftOut), ...unknownHookProblems(ctx, render, result.stderr)];
  if (render.postRenderers && render.postRenderers.length > 0) {
    const post = await postRender(ctx, stream, render.postRenderers);
    if ("error" in post) problems.push(problem(render, "render-failed", `the post-renderers of ${render.what} failed: ${post.error}; the chart's output is linted without them`));
    else stream = post.stream;
  }
  const loaded = loadFile(name, Buffer.from(stream));
  const sources = new Map<string, string | undefined>();
  for (const document of loaded.documents) {
    if (render.pulledAs === undefined) document.source.chartDir = chartDisplay;
    else if ("object" in render.reportAt) document.source.pulledFor = { owner: render.reportAt.object, path: render.reportAt.path };
    if (render.unit !== undefined) document.source.unit = render.unit;
    if (render.cluster !== undefined) document.source.cluster = render.cluster;
    if (render.helmRelease) document.source.helmRelease = render.helmRelease;
    document.source.defaultNamespace = render.namespace ?? "default";
    // A template of a dependency taken from elsewhere in the repository lives there, not under the chart.
    if (assembly.dir !== render.chartDir && document.source.helmSource) {
      const helmSource = document.source.helmSource;
      if (!sources.has(helmSource)) sources.set(helmSource, assembledTemplate(helmSource, assembly.dir, render.chartDir));
      const templateFile = sources.get(helmSource);
      if (templateFile) document.source.templateFile = templateFile;
    }
  }
  return { read: { ...loaded, problems: [...problems, ...loaded.problems] }, assembly, failed: false };
}

/**
 * `helm template` of a chart, started: the chart assembled (chart-tree.ts) and Helm running, or why Helm cannot
 * run. Cached by the chart tree and the values files (render-call.ts).
 */
export function startChartRender(ctx: RenderContext, index: ChartIndex, render: ChartRender): { assembly: ChartAssembly; result: Promise<RunResult> } | { missing: string } {
  const lookup = ctx.helm();
  if ("missing" in lookup) return { missing: lookup.missing };
  const assembly = assembleChart(render.chartDir, {
    index,
    tempDir: () => ctx.tempSubdir("chart"),
    ...(render.chartValuesFiles ? { valuesFiles: render.chartValuesFiles } : {}),
    ...(ctx.options.dependencyUpdate ? { dependencyUpdate: true } : {}),
  });
  const args = ["template"];
  if (render.releaseName !== undefined) args.push(render.releaseName);
  args.push(assembly.dir);
  if (render.namespace !== undefined) args.push("--namespace", render.namespace);
  for (const file of render.valuesFiles) args.push("--values", file);
  render.inlineValues.forEach((values, i) => args.push("--values", ctx.tempFile(`values-${i}.json`, JSON.stringify(values))));
  for (const s of render.set) args.push("--set", s);
  for (const s of render.setString) args.push("--set-string", s);
  if (ctx.options.kubeVersion !== undefined) args.push("--kube-version", ctx.options.kubeVersion);
  for (const v of ctx.options.apiVersions) args.push("--api-versions", v);
  if (ctx.options.dependencyUpdate) args.push("--dependency-update");

  const valuesFiles = args.filter((_, i) => args[i - 1] === "--values");
  const result = runRender(ctx, {
    tool: lookup.tool,
    args,
    cwd: ctx.cwd,
    // Helm reads the chart (through its links) and the values files; fetching dependencies reads the network.
    inputs: () => (ctx.options.dependencyUpdate ? undefined : contentsOf(ctx, assembly.dir, valuesFiles)),
    placeholders: [assembly.dir, ...valuesFiles],
  });
  return { assembly, result };
}

/** The real template file behind a `# Source:` path of an assembled chart tree, when it is not the chart's own. */
function assembledTemplate(helmSource: string, assembledDir: string, chartDir: string): string | undefined {
  const inTree = templateFileFor(helmSource, assembledDir);
  if (!inTree) return undefined;
  let real: string;
  try {
    real = realpathSync(inTree);
  } catch {
    return undefined;
  }
  return isInside(real, chartDir) ? undefined : real; // the chart's own templates map through chartDir as usual
}

type LeftOut = ChartAssembly["leftOut"];

/**
 * The dependencies left out of a render that Helm would render: one the chart's `condition` or `tags` disable under
 * the render's values renders nothing in Helm either. Those of subcharts are all kept (their values are not modelled).
 */
function renderedLeftOut(render: ChartRender, assembly: ChartAssembly): LeftOut {
  if (assembly.leftOut.length === 0 || render.valuesIncomplete) return assembly.leftOut;
  // The assembled chart's values.yaml: a HelmRelease's spec.chart.spec.valuesFiles replace the chart's own.
  const disabled = disabledByValues(assembly, path.join(assembly.dir, "values.yaml"), render);
  return assembly.leftOut.filter((d) => d.declaredIn !== render.chartDir || !disabled(d));
}

/** One finding naming the dependencies left out of a render, and how to render them. */
function leftOutProblems(ctx: RenderContext, render: ChartRender, leftOut: LeftOut): InputProblem[] {
  if (leftOut.length === 0) return [];
  return [
    problem(
      render,
      "render-incomplete",
      `${render.what} was rendered without its dependencies ${leftOutNames(ctx, render, leftOut)}: they are not vendored in charts/ and not in this repository at those versions, so their templates were not linted; ` +
        `run ${dependencyBuild(ctx, leftOut)} (or pass --dependency-update with registry access) to lint them too`,
      dependencyLine(render, leftOut.find((d) => d.declaredIn === render.chartDir)?.index),
    ),
  ];
}

/** A chart linted as a directory: the Chart.yaml entry of its first own dependency left out, else `dependencies:`; a HelmRelease's chart: none (the release's chart reference). */
function dependencyLine(render: ChartRender, index: number | undefined): { file: string; line: number; column: number } | undefined {
  if ("object" in render.reportAt) return undefined;
  const chartYaml = path.join(render.chartDir, "Chart.yaml");
  const line = (index !== undefined ? lineOfPath(chartYaml, ["dependencies", index]) : undefined) ?? lineOfPath(chartYaml, ["dependencies"]);
  return line === undefined ? undefined : { ...render.reportAt, line, column: 1 };
}

// What Go templates say when a named template is not defined (`include` / `template`), or when a field is read through an
// absent map, as a left-out subchart's values are.
const DEPENDENCY_SHAPED = /no template "[^"]*" associated with template|template "[^"]*" not defined|nil pointer evaluating/;
// Helm's wrapping of the text of a `required` or `fail` (pkg/engine/engine.go: "execution error at (%s): %s").
const OWN_CHECK = /^execution error at \(/;

/**
 * Whether dependencies left out of a render can explain its failure: a named template nobody defines, a field of an
 * absent map, or an expression over a left-out subchart's values. A `required` or `fail` is the chart's own check
 * (whatever its text mentions), and `helm dependency build` would not help.
 */
function leftOutMayExplain(summary: string, leftOut: LeftOut): boolean {
  if (leftOut.length === 0 || OWN_CHECK.test(summary)) return false;
  if (DEPENDENCY_SHAPED.test(summary)) return true;
  // `.Values.common.x` or `index .Values "common"`: the top-level value keys the failing expression reads.
  const read = new Set([...summary.matchAll(/\.Values(?:\.([\w-]+)|\s+"([^"]+)")/g)].map((m) => m[1] ?? m[2]));
  return leftOut.some((d) => read.has(d.alias ?? d.name));
}

/** A failed render without some dependencies most often failed for want of them (their named templates, their values). */
function leftOutSuffix(ctx: RenderContext, render: ChartRender, leftOut: LeftOut): string {
  if (leftOut.length === 0) return "";
  return `; it was rendered without its dependencies ${leftOutNames(ctx, render, leftOut)} (not vendored in charts/, not in this repository at those versions), which its templates may need: run ${dependencyBuild(ctx, leftOut)} (or pass --dependency-update with registry access) and lint again`;
}

function leftOutNames(ctx: RenderContext, render: ChartRender, leftOut: LeftOut): string {
  return leftOut
    .map((d) => {
      const here = d.versionsHere.length > 0 ? `, this repository has ${d.versionsHere.join(", ")}` : "";
      return `${d.name}${d.version ? ` ${d.version}` : ""}${d.repository || here ? ` (${[d.repository, here.slice(2)].filter(Boolean).join("; ")})` : ""}${d.declaredIn !== render.chartDir ? ` of ${ctx.display(d.declaredIn)}` : ""}`;
    })
    .join(", ");
}

function dependencyBuild(ctx: RenderContext, leftOut: LeftOut): string {
  const dirs = [...new Set(leftOut.map((d) => ctx.display(d.declaredIn)))];
  return `\`helm dependency build ${dirs.join(" && helm dependency build ")}\``;
}

/**
 * Helm drops an object whose `helm.sh/hook` names an unknown event, saying so only in its log: reported as
 * hook-annotation-invalid, at the template line that writes that value when the chart has one.
 */
function unknownHookProblems(ctx: RenderContext, render: ChartRender, stderr: string): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const match of stderr.matchAll(UNKNOWN_HOOKS)) {
    const value = match[1]!.trim();
    const at = render.pulledAs === undefined ? hookLine(render.chartDir, value) : undefined;
    const message =
      `helm.sh/hook "${value}" names an event Helm does not know: Helm skips the whole object (its log says "skipping unknown hooks"), so it is never installed ` +
      `and gitops-lint could not lint it either; use only pre-install, post-install, pre-upgrade, post-upgrade, pre-rollback, post-rollback, pre-delete, post-delete or test`;
    problems.push(at ? { kind: "hook-annotation-invalid", file: ctx.display(at.file), line: at.line, column: at.column, message } : problem(render, "hook-annotation-invalid", message));
  }
  return problems;
}

/** The template line of a chart that writes `helm.sh/hook: <value>` literally. */
function hookLine(chartDir: string, value: string): { file: string; line: number; column: number } | undefined {
  const escaped = escapeRegExp(value);
  const pattern = new RegExp(`(["']?)helm\\.sh/hook\\1\\s*:\\s*["']?${escaped}["']?\\s*(?:#.*)?$`);
  for (const file of templateFiles(chartDir)) {
    const lines = readText(file).split(/\r?\n/);
    const index = lines.findIndex((l) => pattern.test(l));
    if (index !== -1) return { file, line: index + 1, column: lines[index]!.search(/\S/) + 1 };
  }
  return undefined;
}

function templateFiles(chartDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: Dirent[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(path.join(chartDir, "templates"));
  return out.sort();
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/**
 * HelmRelease `spec.postRenderers[].kustomize` as helm-controller applies them: each a kustomization over the
 * previous output, with its patches and images. Run with the kustomize tool gitops-lint builds with.
 */
async function postRender(ctx: RenderContext, stream: string, renderers: JsonObject[]): Promise<{ stream: string } | { error: string }> {
  const lookup = ctx.kustomize();
  if ("missing" in lookup) return { error: lookup.missing };
  let current = stream;
  for (const renderer of renderers) {
    const dir = ctx.tempSubdir("post-render");
    writeFileSync(path.join(dir, "resources.yaml"), current);
    const kustomization: JsonObject = { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: ["resources.yaml"] };
    for (const key of ["patches", "images", "patchesStrategicMerge", "patchesJson6902"]) {
      if (Array.isArray(renderer[key])) kustomization[key] = renderer[key];
    }
    writeFileSync(path.join(dir, "kustomization.yaml"), JSON.stringify(kustomization));
    const result = await kustomizeBuild(ctx, lookup.tool, dir, { restricted: true });
    if (result.code !== 0) return { error: ctx.clean(errorSummary(result.stderr)) };
    current = withSources(current, result.stdout);
  }
  return { stream: current };
}

/**
 * Kustomize drops comments: the `# Source:` lines of the rendered documents are put back on the post-rendered
 * ones (matched by kind, namespace and name), so findings still map to template lines.
 */
function withSources(before: string, after: string): string {
  const sourceOf = new Map<string, string>();
  for (const document of loadFile("", Buffer.from(before)).documents) {
    if (document.source.helmSource && isObject(document.value)) sourceOf.set(identity(document.value), document.source.helmSource);
  }
  return loadFile("", Buffer.from(after))
    .documents.map((d) => {
      const source = isObject(d.value) ? sourceOf.get(identity(d.value)) : undefined;
      return `---\n${source ? `# Source: ${source}\n` : ""}${d.source.text.replace(/^---[ \t]*\n/, "")}`;
    })
    .join("");
}

function identity(value: JsonObject): string {
  const metadata = isObject(value.metadata) ? value.metadata : {};
  return `${String(value.kind)}/${String(metadata.namespace ?? "")}/${String(metadata.name ?? "")}`;
}

/** The chart tree and the values files by content; undefined when one cannot be read. */
function contentsOf(ctx: RenderContext, chartDir: string, valuesFiles: string[]): string[] | undefined {
  const contents = [ctx.fingerprints().tree(chartDir), ...valuesFiles.map((file) => ctx.fingerprints().file(file))];
  return contents.every((c) => c !== undefined) ? contents : undefined;
}

function problem(render: ChartRender, kind: InputProblem["kind"], message: string, at?: { file: string; line: number; column: number }): InputProblem {
  return { kind, ...(at ?? render.reportAt), message } as InputProblem;
}

// Helm names the failing template as <chart>/templates/x.yaml (subcharts: <chart>/charts/<sub>/templates/x.yaml):
// `execution error at (c/templates/x.yaml:9:16)`, `template: c/templates/x.yaml:4:20: executing …`,
// `parse error at (c/templates/x.yaml:3)`, `YAML parse error on c/templates/x.yaml` (no template line),
// Helm 4's `Error: c/templates/x.yaml:4:20` (the include chain follows on the next lines).
const TEMPLATE_IN_ERROR = /(?:at \(|template: |^Error: )([^\s:()]+\/templates\/[^\s:()]+):(\d+)(?::(\d+))?|YAML parse error on ([^\s:()]+\/templates\/[^\s:()]+)/m;

/** The template file and line a Helm error names, when that file is in the chart directory (charts given on the command line). */
function templateErrorPosition(ctx: RenderContext, chartDir: string, stderr: string): { file: string; line: number; column: number } | undefined {
  const match = TEMPLATE_IN_ERROR.exec(stderr);
  if (!match) return undefined;
  const helmPath = match[1] ?? match[4]!;
  const file = path.join(chartDir, ...helmPath.split("/").slice(1));
  if (!isInside(file, chartDir) || !existsSync(file)) return undefined;
  return { file: ctx.display(file), line: match[2] ? Number(match[2]) : 1, column: match[3] ? Number(match[3]) : 1 };
}

/** Where problems about a chart given on the command line are reported: its Chart.yaml. */
export function chartYamlOf(ctx: RenderContext, chartDir: string): { file: string; line: number; column: number } {
  return { file: ctx.display(path.join(chartDir, "Chart.yaml")), line: 1, column: 1 };
}
