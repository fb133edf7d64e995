import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../engine/config.js";
import { lookupHelm, runTool } from "../render/tools.js";
import type { Io } from "./lint-options.js";

/** What `gitops-lint helm-template` lints: Helm's output as stdin, and the lint options to run it with. */
export interface HelmTemplateRun {
  rendered: Buffer;
  lintArgs: string[];
}

/**
 * `gitops-lint helm-template [helm template arguments] [-- lint options]`, what the Helm plugin runs
 * (`helm gitops-lint …`): `helm template` with the user's own arguments — Helm's flags pass through
 * untouched, so everything `helm template` accepts works — then a lint of its output, mapped to the
 * template lines when the chart is a local directory. Helm hands a plugin its global flags as environment
 * variables (`-n` as HELM_NAMESPACE, pkg/cli EnvSettings.EnvVars), which the child `helm template` reads back.
 * Returns the exit code instead when Helm fails: nothing was linted, so it is 2, as for a usage error.
 */
export async function helmTemplate(args: string[], io: Io): Promise<HelmTemplateRun | number> {
  const split = args.indexOf("--");
  const helmArgs = split === -1 ? args : args.slice(0, split);
  const lintOptions = split === -1 ? [] : args.slice(split + 1);
  if (helmArgs.length === 0) throw new UsageError("helm-template needs a chart: gitops-lint helm-template CHART [helm template flags] [-- gitops-lint options]");

  // --helm after --, else HELM_BIN, which Helm sets for plugins to the binary the user ran (a bare `helm`: from PATH).
  const helmBin = optionValue(lintOptions, "--helm") ?? (io.env.HELM_BIN?.includes(path.sep) ? io.env.HELM_BIN : undefined);
  const lookup = lookupHelm(helmBin, io.cwd, io.env.PATH);
  if ("missing" in lookup) throw new UsageError(`cannot render: ${lookup.missing}`);
  const result = await runTool(lookup.tool, ["template", ...helmArgs], { cwd: io.cwd, env: io.env });
  if (result.code !== 0) {
    io.stderr.write(result.stderr);
    io.stderr.write(`gitops-lint: \`helm template\` failed (exit code ${result.code}); nothing was linted\n`);
    return 2;
  }

  const charts = helmArgs.filter((arg) => isChartDirectory(path.resolve(io.cwd, arg)));
  const chartDir = charts.length === 1 ? charts[0]! : undefined;
  const name = `${chartDir ?? helmArgs.find((arg) => !arg.startsWith("-")) ?? "chart"} (helm template)`;
  return {
    rendered: Buffer.from(result.stdout),
    lintArgs: ["-", "--stdin-filename", name, ...(chartDir !== undefined ? ["--chart-dir", chartDir] : []), ...lintOptions],
  };
}

function isChartDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && existsSync(path.join(dir, "Chart.yaml"));
  } catch {
    return false;
  }
}

/** The value of `--name VALUE` or `--name=VALUE` among command-line arguments (the last one wins). */
function optionValue(args: string[], name: string): string | undefined {
  let value: string | undefined;
  args.forEach((arg, i) => {
    if (arg === name && i + 1 < args.length) value = args[i + 1];
    else if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
  });
  return value;
}
