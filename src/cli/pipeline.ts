import { existsSync } from "node:fs";
import path from "node:path";
import { catalogue, rules } from "../../rules/index.js";
import { applyRuleFlags, findConfigFile, loadConfig, UsageError, type ResolvedConfig } from "../engine/config.js";
import type { LintResult } from "../engine/finding.js";
import { lintSets } from "./lint-sets.js";
import { ManifestSet } from "../model/manifest-set.js";
import { DEFAULT_LIMITS, parseByteSize, type LoadLimits } from "../load/limits.js";
import type { RenderOptions } from "../render/context.js";
import { parseDuration } from "../util/duration.js";
import { chartNameOf } from "../load/chart-yaml.js";
import type { Io, LintFlags } from "./lint-options.js";
import { readBase } from "./read-base.js";
import { readAll, readInputs } from "./read-inputs.js";
import { renderCacheDir } from "./cache-dir.js";
import { ProgressLine } from "./progress-line.js";
import { parseInWorker, SHELL_WORKER_MIN_BYTES, startShellWorker, stopShellWorker } from "../shell/shell-worker.js";
import { ShellScripts } from "../shell/shell-scripts.js";
import { checkedScriptTexts } from "../model/checked-scripts.js";
import { objectsOf } from "../model/objects.js";
import { tellLoaderInputSize } from "../util/loader-input-size.js";
import type { LoadedFile } from "../load/types.js";

/**
 * The lint run behind the command line: config → read and render the inputs (and the base, in a
 * diff-aware run) → rules → located, suppressed findings. Output and exit code are the caller's.
 */
export async function lintPaths(paths: string[], flags: LintFlags, io: Io): Promise<LintResult> {
  try {
    return await lint(paths, flags, io);
  } finally {
    await stopShellWorker();
  }
}

async function lint(paths: string[], flags: LintFlags, io: Io): Promise<LintResult> {
  const config = await resolveConfig(flags, io.cwd);
  const limits = limitsFrom(config, flags);
  const stdin = paths.includes("-") ? await readStdin(io, limits.maxFileSize, flags.allowEmpty === true) : undefined;
  const render: RenderOptions = {
    ...renderOptionsOf(flags, io.cwd),
    cacheDir: renderCacheDir(flags, io.cwd, io.env),
    ...(config.charts ? { charts: config.charts } : {}),
    ...(config.pullCharts ? { pullCharts: true } : {}),
  };
  const progress = new ProgressLine(io.stderr);
  // A large input with scripts the shell checks read has them parsed in a worker thread when a core is free for it,
  // sent each file's scripts as soon as the file is parsed (src/shell/shell-worker.ts).
  const shell = new ShellScripts(config.settings.shellLimits);
  let large = false;
  const onInputSize = (bytes: number): void => {
    tellLoaderInputSize(bytes);
    large = bytes >= SHELL_WORKER_MIN_BYTES && parseInWorker(io.env);
  };
  const onFileLoaded = (file: LoadedFile): void => {
    if (!large) return;
    const scripts = checkedScriptTexts(file.documents.flatMap(objectsOf));
    if (scripts.length === 0) return;
    startShellWorker();
    shell.readAhead(() => scripts);
  };
  const read = { stdinName: flags.stdinFilename, limits, env: io.env, render, progress };
  // The base is read (rendered) alongside the head: their renders share the cores (src/render/process-slots.ts).
  // Only the head's files are sent ahead: the rules read the base's scripts rarely.
  const reads = await Promise.allSettled([
    readInputs(paths, { ...read, onInputSize, onFileLoaded, cwd: io.cwd, readStdin: async () => stdin ?? Buffer.alloc(0) }),
    flags.base !== undefined || flags.baseFile !== undefined
      ? readBase({
          cwd: io.cwd,
          env: io.env,
          paths,
          read,
          ...(flags.base !== undefined ? { revision: flags.base } : {}),
          ...(flags.baseFile !== undefined ? { baseFile: flags.baseFile } : {}),
          ...(paths.includes("-") ? { stdinName: flags.stdinFilename } : {}),
        })
      : undefined,
  ]).finally(() => progress.end());
  // Errors in the order they had when the base was read after the head.
  const head = settled(reads[0]);
  if (flags.chartDir !== undefined) checkChartDir(flags.chartDir, io.cwd, head.sets);
  const diff = settled(reads[1]);
  if (diff) config.settings.baseName = diff.name;
  // Stdin has no history: without --base-file its base is itself, so it is linted exactly as without a base.
  if (diff?.sets && !diff.everywhere && paths.includes("-")) {
    for (const set of head.sets) {
      const stdin = set.reads.filter((r) => r.file === flags.stdinFilename);
      if (stdin.length === 0) continue;
      const base = diff.sets.get(set.key) ?? new ManifestSet(set.key);
      for (const read of stdin) base.add(read);
      diff.sets.set(set.key, base);
    }
  }
  return lintSets(head.sets, rules, config, {
    ...(diff ? { baseUnavailable: diff.unavailable, ...(diff.sets ? { bases: diff.sets } : {}), ...(diff.everywhere ? { baseEverywhere: diff.everywhere } : {}) } : {}),
    notes: head.notes,
    templates: { cwd: io.cwd, ...(flags.chartDir !== undefined ? { chartDir: flags.chartDir } : {}) },
    ...(flags.reportUnusedSuppressions ? { reportUnusedSuppressions: true } : {}),
    shell,
  });
}

function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === "rejected") throw result.reason;
  return result.value;
}

/**
 * Stdin, read before anything else. Empty stdin is almost always a renderer that failed upstream
 * (`helm template … | gitops-lint -` without pipefail): a usage error unless `--allow-empty` says nothing is expected.
 */
async function readStdin(io: Io, maxBytes: number, allowEmpty: boolean): Promise<Buffer> {
  const bytes = await readAll(io.stdin, maxBytes);
  const blank = bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d); // stops at the first other byte
  if (!allowEmpty && blank) {
    throw new UsageError("stdin was empty — did the renderer fail? (give --allow-empty when no manifests are expected)");
  }
  return bytes;
}

/**
 * `--chart-dir` must be the chart the piped render came from: a directory with Chart.yaml whose chart name (or
 * directory name) heads the `# Source:` paths of the rendered documents. Anything else would map nothing, silently.
 */
function checkChartDir(chartDir: string, cwd: string, sets: ManifestSet[]): void {
  const dir = path.resolve(cwd, chartDir);
  if (!existsSync(path.join(dir, "Chart.yaml"))) throw new UsageError(`--chart-dir ${chartDir}: ${existsSync(dir) ? "no Chart.yaml there, so it is no chart" : "no such directory"}`);
  const rendered = new Set(sets.flatMap((s) => s.objects).filter((o) => o.source.chartDir === undefined && o.source.helmSource).map((o) => o.source.helmSource!.split("/")[0]!));
  const names = [path.basename(dir), chartNameOf(dir)].filter((n): n is string => n !== undefined);
  if (rendered.size > 0 && !names.some((n) => rendered.has(n))) {
    throw new UsageError(`--chart-dir ${chartDir} is the chart ${names.at(-1)}, but the input was rendered from ${[...rendered].sort().join(", ")} (its # Source: lines); give the directory of that chart`);
  }
}

/** The flags as render options (LintFlags extends RenderOptions), once the paths they name are checked. */
function renderOptionsOf(flags: LintFlags, cwd: string): RenderOptions {
  for (const file of flags.values) {
    if (!existsSync(path.resolve(cwd, file))) throw new UsageError(`--values ${file}: no such file`);
  }
  if (flags.repoRoot !== undefined && !existsSync(path.resolve(cwd, flags.repoRoot))) throw new UsageError(`--repo-root ${flags.repoRoot}: no such directory`);
  return flags;
}

function limitsFrom(config: ResolvedConfig, flags: LintFlags): LoadLimits {
  const limits: LoadLimits = { ...(config.limits ?? DEFAULT_LIMITS) };
  if (flags.maxFileSize !== undefined) {
    const bytes = parseByteSize(flags.maxFileSize);
    if (bytes === undefined) throw new UsageError(`--max-file-size expects a size such as 64MB or 536870912, got "${flags.maxFileSize}"`);
    limits.maxFileSize = bytes;
  }
  if (flags.maxDocuments !== undefined) {
    const n = Number(flags.maxDocuments);
    if (!(Number.isInteger(n) && n >= 1)) throw new UsageError(`--max-documents expects a whole number of at least 1, got "${flags.maxDocuments}"`);
    limits.maxDocuments = n;
  }
  return limits;
}

async function resolveConfig(flags: LintFlags, cwd: string): Promise<ResolvedConfig> {
  const file = flags.config !== undefined ? path.resolve(cwd, flags.config) : findConfigFile(cwd);
  const config: ResolvedConfig = file
    ? await loadConfig(file, path.relative(cwd, file).split(path.sep).join("/") || ".", catalogue)
    : { severities: new Map(), options: new Map(), settings: {} };
  applyRuleFlags(config, flags.rule, catalogue);
  if (flags.releaseTimeout !== undefined) {
    const seconds = parseDuration(flags.releaseTimeout);
    if (seconds === undefined) throw new UsageError(`--release-timeout expects a duration such as 10m or 1h30m, got "${flags.releaseTimeout}"`);
    config.settings.releaseTimeout = { seconds, why: `--release-timeout ${flags.releaseTimeout}` };
  }
  if (flags.applier !== undefined) config.settings.applier = { id: flags.applier, why: `--applier ${flags.applier}` };
  if (flags.kubeVersion !== undefined) config.settings.kubeVersion = flags.kubeVersion;
  return config;
}
