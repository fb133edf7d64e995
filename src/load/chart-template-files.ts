import { readdirSync } from "node:fs";
import path from "node:path";
import { isFile } from "./fs-checks.js";
import { chartNameOf, dependenciesOf } from "./chart-yaml.js";

/**
 * The template file in a chart directory that a `# Source:` path names. `helm template` writes
 * `<chart>/templates/<file>` and, for subcharts, `<chart>/charts/<sub>/templates/<file>` (nested as deep
 * as the dependencies go), where `<chart>` and `<sub>` are chart *names*: a subchart's directory under
 * `charts/` may be named differently, and a dependency `alias` renames it. Returns an absolute path, or
 * undefined when the source belongs to another chart or the file is not on disk (a packaged `.tgz`
 * subchart, a chart from a repository).
 */
export function templateFileFor(helmSource: string, chartDir: string): string | undefined {
  const segments = helmSource.split("/");
  if (segments.length < 3 || segments.some((s) => s === ".." || s === "." || s === "")) return undefined;
  const [chart, ...rest] = segments;
  if (chart !== path.basename(chartDir) && chart !== chartNameOf(chartDir)) return undefined;
  let dir = chartDir;
  while (rest[0] === "charts" && rest.length > 2) {
    const sub = subchartDir(dir, rest[1]!);
    if (!sub) return undefined;
    dir = sub;
    rest.splice(0, 2);
  }
  const file = path.join(dir, ...rest);
  return isFile(file) ? file : undefined;
}

/**
 * The packaged subchart (`charts/<name>-<version>.tgz`, relative to the chart) a `# Source:` path points into,
 * when its template is inside an archive rather than on disk.
 */
export function packagedSubchartOf(helmSource: string, chartDir: string): string | undefined {
  const segments = helmSource.split("/");
  let dir = chartDir;
  for (let i = 1; segments[i] === "charts" && i + 2 < segments.length; i += 2) {
    const name = segments[i + 1]!;
    const sub = subchartDir(dir, name);
    if (sub) {
      dir = sub;
      continue;
    }
    let entries: string[] = [];
    try {
      entries = readdirSync(path.join(dir, "charts"));
    } catch {
      return undefined;
    }
    // A dependency's alias renames it in the output; its archive keeps the chart's name.
    const chartName = dependenciesOf(dir).find((d) => d.alias === name)?.name ?? name;
    const archive = entries.sort().find((e) => e.startsWith(`${chartName}-`) && e.endsWith(".tgz"));
    return archive ? path.relative(chartDir, path.join(dir, "charts", archive)).split(path.sep).join("/") : undefined;
  }
  return undefined;
}

function subchartDir(parent: string, name: string): string | undefined {
  const charts = path.join(parent, "charts");
  const direct = path.join(charts, name);
  if (isFile(path.join(direct, "Chart.yaml"))) return direct;
  let entries: string[] = [];
  try {
    entries = readdirSync(charts).sort();
  } catch {
    return undefined;
  }
  const byName = entries.map((e) => path.join(charts, e)).find((dir) => chartNameOf(dir) === name);
  if (byName) return byName;
  const alias = dependenciesOf(parent).find((d) => d.alias === name);
  return alias?.name !== undefined && alias.name !== name ? subchartDir(parent, alias.name) : undefined;
}
