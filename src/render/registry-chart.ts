import path from "node:path";
import type { ChartIndex } from "./chart-index.js";
import { pullReference, type ChartPuller } from "./chart-pull.js";
import type { RenderContext } from "./context.js";
import type { ChartReference } from "./flux-helmrelease.js";

type RegistryReference = Extract<ChartReference, { kind: "registry" }>;

/**
 * The directory a HelmRelease's registry chart is rendered from, and the note that says how it was found; or why
 * it is not rendered (the caller's `not-rendered`, completed by `${subject} was not rendered: `).
 */
export type RegistryChart = { dir: string; note: string; pulledAs?: string } | { skip: string };

export interface RegistryLookup {
  ctx: RenderContext;
  repoRoot: string;
  index: ChartIndex;
  puller: ChartPuller;
  /** The HelmRelease's file, for the `helm template … | gitops-lint -` hint. */
  releaseFile: string;
}

/**
 * In order: the directory config `charts:` maps the chart to; the repository's chart of that name whose version
 * is in the constraint; with `--pull-charts`, the chart `helm pull` fetches from the registry.
 */
export async function registryChart(reference: RegistryReference, lookup: RegistryLookup): Promise<RegistryChart> {
  const { ctx, index } = lookup;
  const wanted = `${reference.name}${reference.version ? ` ${reference.version}` : ""}`;
  const configured = configuredChart(reference, ctx, lookup.repoRoot);
  if (configured) return { dir: configured, note: `rendered from ${ctx.display(configured)} (the chart mapped in .gitops-lint.yaml \`charts:\`)` };
  const found = index.find(reference.name, reference.version);
  if (found) {
    return { dir: found.dir, note: `rendered from ${ctx.display(found.dir)} (the repository's chart ${found.name} ${found.version}, matching ${wanted} from ${reference.source})` };
  }

  const orMap = `map it to a directory with \`charts:\` in .gitops-lint.yaml`;
  if (ctx.options.pullCharts && reference.pull) {
    const shown = pullReference(reference.pull);
    const pulled = await lookup.puller.pull(reference.pull);
    if ("error" in pulled) {
      return { skip: `\`helm pull\` of its chart ${shown}${reference.pull.version ? ` ${reference.pull.version}` : ""} (${reference.source}) failed: ${pulled.error}; its chart's objects were not linted (${orMap} to lint it without pulling)` };
    }
    const pulledAs = `${shown} ${pulled.version}`;
    return { dir: pulled.dir, note: `rendered from ${pulledAs} (pulled)`, pulledAs };
  }
  const versions = index.versionsOf(reference.name);
  const why = versions.length > 0 ? `the repository has ${reference.name} ${versions.join(", ")}, none in ${reference.version}` : `no chart named ${reference.name} is in this repository`;
  // Without the source's URL there is nothing to pull from: the input must hold the HelmRepository.
  const unpullable = !reference.pull && ctx.options.pullCharts ? `, and it cannot be pulled: ${reference.source} is not in the input to give its URL` : "";
  const ways = [orMap, ...(reference.pull ? ["pull it from the registry with --pull-charts"] : []), `lint its render (\`helm template … | gitops-lint - ${lookup.releaseFile}\`)`];
  return { skip: `its chart ${wanted} comes from ${reference.source}${reference.url ? ` (${reference.url})` : ""} and ${why}${unpullable}; ${ways.slice(0, -1).join(", ")}, or ${ways.at(-1)}` };
}

/** A chart mapped by config `charts:`, by the chart's URL (`oci://…`, `<HelmRepository URL>/<chart>`) or its name. */
function configuredChart(reference: RegistryReference, ctx: RenderContext, repoRoot: string): string | undefined {
  const charts = ctx.options.charts;
  if (!charts) return undefined;
  const url = reference.url?.replace(/\/+$/, "");
  const keys = [url, url && !url.endsWith(`/${reference.name}`) ? `${url}/${reference.name}` : undefined, reference.name].filter((k): k is string => k !== undefined);
  const dir = keys.map((k) => charts[k]).find((d) => d !== undefined);
  return dir === undefined ? undefined : path.resolve(repoRoot, dir);
}
