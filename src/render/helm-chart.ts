import { existsSync } from "node:fs";
import path from "node:path";
import { loadFile } from "../load/load-file.js";
import type { NodePath } from "../load/types.js";
import type { InputProblem, ReadFile } from "../model/manifest-set.js";
import type { K8sObject } from "../model/objects.js";
import { errorSummary, type RenderContext } from "./context.js";
import { isInside } from "../load/discover.js";
import { runTool, type RunResult, type Tool } from "./tools.js";

export interface ChartRender {
  /** Absolute chart directory (holds Chart.yaml). */
  chartDir: string;
  releaseName?: string;
  namespace?: string;
  /** Absolute values files, in order (later ones win). */
  valuesFiles: string[];
  /** Values given inline (a HelmRelease's `spec.values`), merged after the files. */
  inlineValues: unknown[];
  set: string[];
  setString: string[];
  /** Set on every rendered document. */
  unit?: string;
  helmRelease?: { namespace?: string; name: string };
  /** Where a problem about this render is reported (the chart's Chart.yaml, or the HelmRelease). */
  reportAt: { file: string; line: number; column: number } | { object: K8sObject; path: NodePath };
  /** How messages name the render, e.g. `the Helm chart charts/platform`. */
  what: string;
}

const MISSING_DEPENDENCIES = /missing in charts\/ directory:\s*(.+)$/m;

/**
 * `helm template` of a chart directory, run without a shell. The output keeps Helm's `# Source:`
 * comments; every document is marked with the chart directory so findings can be mapped to templates.
 */
export async function renderChart(ctx: RenderContext, render: ChartRender): Promise<ReadFile> {
  const chartDisplay = ctx.display(render.chartDir);
  const name = `${chartDisplay} (helm template${render.helmRelease ? ` for HelmRelease ${render.helmRelease.namespace ? `${render.helmRelease.namespace}/` : ""}${render.helmRelease.name}` : ""})`;
  const fail = (message: string): ReadFile => ({ file: name, documents: [], problems: [problem(render, message)] });

  const lookup = ctx.helm();
  if ("missing" in lookup) return fail(`cannot render ${render.what}: ${lookup.missing}; its templates were not linted`);

  const args = ["template"];
  if (render.releaseName !== undefined) args.push(render.releaseName);
  args.push(render.chartDir);
  if (render.namespace !== undefined) args.push("--namespace", render.namespace);
  for (const file of render.valuesFiles) args.push("--values", file);
  render.inlineValues.forEach((values, i) => args.push("--values", ctx.tempFile(`values-${i}.json`, JSON.stringify(values))));
  for (const s of render.set) args.push("--set", s);
  for (const s of render.setString) args.push("--set-string", s);
  if (ctx.options.kubeVersion !== undefined) args.push("--kube-version", ctx.options.kubeVersion);
  for (const v of ctx.options.apiVersions) args.push("--api-versions", v);

  const result = await runHelm(ctx, lookup.tool, args);
  if (result.code !== 0) {
    const missing = MISSING_DEPENDENCIES.exec(result.stderr);
    if (missing) {
      return fail(
        `cannot render ${render.what}: its dependencies ${missing[1]!.trim()} are declared in Chart.yaml but missing from ${chartDisplay}/charts/; ` +
          `run \`helm dependency build ${chartDisplay}\` and lint again`,
      );
    }
    const message = `\`helm template\` failed for ${render.what}: ${ctx.clean(errorSummary(result.stderr))}`;
    const at = render.helmRelease ? undefined : templateErrorPosition(ctx, render.chartDir, result.stderr);
    return { file: name, documents: [], problems: [{ ...problem(render, message), ...(at ?? {}) }] };
  }

  const loaded = loadFile(name, Buffer.from(result.stdout));
  const chartDir = chartDisplay;
  for (const document of loaded.documents) {
    document.source.chartDir = chartDir;
    if (render.unit !== undefined) document.source.unit = render.unit;
    if (render.helmRelease) document.source.helmRelease = render.helmRelease;
  }
  return loaded;
}

// Helm needs no network for a local chart whose dependencies are vendored.
function runHelm(ctx: RenderContext, tool: Tool, args: string[]): Promise<RunResult> {
  return runTool(tool, args, { cwd: ctx.cwd, env: ctx.childEnv() });
}

function problem(render: ChartRender, message: string): InputProblem {
  return { kind: "invalid-input", ...render.reportAt, message };
}

// Helm names the failing template as <chart>/templates/x.yaml (subcharts: <chart>/charts/<sub>/templates/x.yaml):
// `execution error at (c/templates/x.yaml:9:16)`, `template: c/templates/x.yaml:4:20: executing …`,
// `parse error at (c/templates/x.yaml:3)`, `YAML parse error on c/templates/x.yaml` (no template line).
const TEMPLATE_IN_ERROR = /(?:at \(|template: )([^\s:()]+\/templates\/[^\s:()]+):(\d+)(?::(\d+))?|YAML parse error on ([^\s:()]+\/templates\/[^\s:()]+)/;

/**
 * The template file and line a Helm error names, when that file is in the chart directory. Only for
 * charts given on the command line: a HelmRelease's render failure is reported at the HelmRelease,
 * whose values caused it.
 */
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
