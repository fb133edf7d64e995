import { createRequire } from "node:module";
import path from "node:path";
import { chartYaml } from "../load/chart-yaml.js";
import { walkDirectory } from "../load/walk-directory.js";

/** A chart directory of the repository, by the name and version its Chart.yaml gives. */
export interface RepositoryChart {
  dir: string;
  name: string;
  version: string;
}

/**
 * Every chart of a repository (Chart.yaml files, walking as the linter walks: .gitignore honoured), so that a
 * chart a HelmRelease or a chart dependency pulls from a registry can be rendered from the directory it is
 * published from. Built on first use.
 */
export class ChartIndex {
  private charts: RepositoryChart[] | undefined;

  constructor(private readonly root: string) {}

  /**
   * The repository's chart of this name whose version satisfies the constraint (a Helm/Flux semver constraint:
   * `1.2.3`, `1.x`, `>=1.0.0 <2`, `^1.2`, `~1.2`, commas as AND, `||`; empty or `*` for any), the highest if several.
   */
  find(name: string, constraint: string | undefined): RepositoryChart | undefined {
    const matching = this.all().filter((c) => c.name === name && satisfies(c.version, constraint));
    return matching.sort((a, b) => compareVersions(b.version, a.version))[0];
  }

  /** The versions of this name the repository has (but the chart in `except`), for saying why none matched. */
  versionsOf(name: string, except?: string): string[] {
    return this.all().filter((c) => c.name === name && c.dir !== except).map((c) => c.version);
  }

  private all(): RepositoryChart[] {
    if (!this.charts) {
      this.charts = [];
      for (const file of walkDirectory(this.root, (n) => n === "Chart.yaml")) {
        const dir = path.dirname(file);
        const chart = chartYaml(dir);
        if (typeof chart?.name === "string") this.charts.push({ dir, name: chart.name, version: typeof chart.version === "string" ? chart.version : String(chart.version ?? "") });
      }
    }
    return this.charts;
  }
}

type Semver = typeof import("semver");
let semverLib: Semver | undefined;

/** semver, loaded on first use: it builds its regular expressions as it loads (start-up time), and only charts need it. */
function semver(): Semver {
  semverLib ??= createRequire(import.meta.url)("semver") as Semver;
  return semverLib;
}

/** Whether a chart version satisfies a Helm/Flux (Masterminds) semver constraint; non-semver versions only match exactly or `*`. */
export function satisfies(version: string, constraint: string | undefined): boolean {
  const wanted = (constraint ?? "").trim();
  if (wanted === "" || wanted === "*") return true;
  if (wanted === version) return true;
  const coerced = semver().valid(version, { loose: true });
  if (!coerced) return false;
  const range = wanted
    .split("||")
    .map((part) => part.split(",").map((p) => p.trim()).join(" "))
    .join(" || ");
  try {
    return semver().satisfies(coerced, range, { loose: true, includePrerelease: /-/.test(wanted) });
  } catch {
    return false;
  }
}

function compareVersions(a: string, b: string): number {
  const va = semver().valid(a, { loose: true });
  const vb = semver().valid(b, { loose: true });
  if (va && vb) return semver().compare(va, vb, { loose: true });
  return va ? 1 : vb ? -1 : a.localeCompare(b);
}
