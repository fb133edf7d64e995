import { readdirSync } from "node:fs";
import path from "node:path";
import { chartYaml } from "../load/chart-yaml.js";
import { errorSummary, type RenderContext } from "./context.js";
import type { ChartPull } from "./flux-helmrelease.js";
import { runTool } from "./tools.js";

/** A chart `helm pull --untar` unpacked (its directory, and the name and version its Chart.yaml gives), or Helm's reason why not. */
export type PulledChart = { dir: string; name: string; version: string } | { error: string };

/** How messages and notes name a pulled chart: `oci://…/<chart>[@digest]`, or `<HelmRepository URL>/<chart>` (the keys `charts:` maps too). */
export function pullReference(pull: ChartPull): string {
  return pull.repo !== undefined ? `${pull.repo}/${pull.chart}` : pull.chart;
}

/**
 * `--pull-charts`: each registry chart pulled once per run, however many HelmReleases install it (a home-lab
 * repository installs one app chart fifty times); concurrent requests for the same chart wait for the same pull.
 */
export class ChartPuller {
  private readonly pulls = new Map<string, Promise<PulledChart>>();

  constructor(private readonly ctx: RenderContext) {}

  pull(pull: ChartPull): Promise<PulledChart> {
    const key = JSON.stringify([pull.chart, pull.repo ?? "", pull.version ?? "", pull.plainHttp === true]);
    let pending = this.pulls.get(key);
    if (!pending) this.pulls.set(key, (pending = pullChart(this.ctx, pull)));
    return pending;
  }
}

/**
 * `helm pull --untar` with the user's helm into a fresh directory of this run's temp directory. Credentials are
 * whatever the user's Helm configuration gives (registry logins, repositories); Flux's secretRef is not read.
 */
export async function pullChart(ctx: RenderContext, pull: ChartPull): Promise<PulledChart> {
  const lookup = ctx.helm();
  if ("missing" in lookup) return { error: lookup.missing };
  const destination = ctx.tempSubdir("pull");
  const args = ["pull", pull.chart, "--untar", "--destination", destination];
  if (pull.repo !== undefined) args.push("--repo", pull.repo);
  if (pull.version !== undefined) args.push("--version", pull.version);
  if (pull.plainHttp) args.push("--plain-http");
  const result = await runTool(lookup.tool, args, { cwd: destination, env: ctx.childEnv() });
  if (result.code !== 0) return { error: ctx.clean(errorSummary(result.stderr)) };
  // Helm unpacks into <destination>/<chart name>; for a digest reference it also leaves an empty `<chart>@sha256:…`.
  for (const entry of readdirSync(destination).sort()) {
    const dir = path.join(destination, entry);
    const chart = chartYaml(dir);
    if (typeof chart?.name === "string") return { dir, name: chart.name, version: String(chart.version ?? "") };
  }
  return { error: "helm pull unpacked no chart (no Chart.yaml)" };
}
