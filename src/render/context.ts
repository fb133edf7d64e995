import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { realPathOrSelf } from "../load/fs-checks.js";
import { Fingerprints } from "./fingerprint.js";
import { RENDER_CONCURRENCY } from "./process-slots.js";
import { RenderCache } from "./render-cache.js";
import { lookupHelm, lookupKustomize, type ToolLookup } from "./tools.js";

/** What the command line says about rendering. */
export interface RenderOptions {
  /** `--helm PATH` */
  helm?: string;
  /** `--kustomize PATH` (kustomize or kubectl) */
  kustomize?: string;
  /** `-f/--values FILE`, for charts given on the command line */
  values: string[];
  /** `--set key=value` */
  set: string[];
  /** `--set-string key=value` */
  setString: string[];
  releaseName?: string;
  namespace?: string;
  kubeVersion?: string;
  apiVersions: string[];
  /** `--repo-root DIR`: what Flux `spec.path` and HelmRelease chart paths are relative to. */
  repoRoot?: string;
  /** `--dependency-update`: Helm fetches chart dependencies (registry access) instead of gitops-lint leaving out those it cannot find. */
  dependencyUpdate?: boolean;
  /** Config `charts`: a chart reference (`oci://…/chart`, `<HelmRepository URL>/<chart>`, or a chart name) → a directory of the repository. */
  charts?: Record<string, string>;
  /** `--pull-charts` (config `pullCharts`): a HelmRelease's registry chart that the repository does not hold is pulled with `helm pull`. */
  pullCharts?: boolean;
  /** The render cache's directory (src/cli/cache-dir.ts picks it); absent: nothing is cached. */
  cacheDir?: string;
}

/** Told when a render starts and when it ends (a cached one too), for a progress line. */
export interface RenderProgress {
  started(): void;
  finished(): void;
}

export function defaultRenderOptions(): RenderOptions {
  return { values: [], set: [], setString: [], apiVersions: [] };
}

/** Per-run state of rendering: tools (looked up once), a private temp directory, path display, the render cache. */
export class RenderContext {
  private helmLookup?: ToolLookup;
  private kustomizeLookup?: ToolLookup;
  private tempDir?: string;
  private tempDirReal?: string;
  private tempCount = 0;
  private filesDir?: string;
  private fingerprintsOfRun?: Fingerprints;

  readonly cwd: string;
  /** Units rendered at once; the processes they start are bounded by the cores across runs too (process-slots.ts). */
  readonly concurrency = RENDER_CONCURRENCY;
  readonly cache?: RenderCache;

  readonly progress?: RenderProgress;
  /**
   * Temporary directories of the run outside the render's own, made by mkdtemp: the base revision's extracted tree
   * (src/cli/read-base.ts). Their random names are fixed in cache keys and placeholders in cached output.
   */
  readonly scratch: string[];

  constructor(
    cwd: string,
    readonly env: NodeJS.ProcessEnv,
    readonly options: RenderOptions,
    extras: { progress?: RenderProgress; scratch?: string[] } = {},
  ) {
    this.cwd = path.resolve(cwd);
    if (options.cacheDir !== undefined) this.cache = new RenderCache(options.cacheDir);
    if (extras.progress) this.progress = extras.progress;
    this.scratch = (extras.scratch ?? []).flatMap((dir) => [...new Set([dir, realPathOrSelf(dir)])]);
  }

  /** Content hashes of this run's inputs, each file read once; a file this run wrote, with random names fixed. */
  fingerprints(): Fingerprints {
    return (this.fingerprintsOfRun ??= new Fingerprints(
      (p) => this.stablePath(p),
      (realPath, bytes) => ([this.tempDir, this.tempDirReal].some((t) => t !== undefined && realPath.startsWith(t + path.sep)) ? this.stableText(bytes.toString("utf8")) : bytes),
    ));
  }

  /**
   * A path as the render cache's keys show it: inside this run's temp directory, the random parts of the
   * directory names (`gitops-lint-XXXXXX/chart-XXXXXX`) are fixed, and so is a scratch directory's, so the next
   * run's same render has the same key; the depth stays, so paths relative to it stay right.
   */
  stablePath(absolutePath: string): string {
    const inside = (dir: string | undefined): dir is string => dir !== undefined && (absolutePath === dir || absolutePath.startsWith(dir + path.sep));
    for (const temp of [this.tempDir, this.tempDirReal]) {
      if (!inside(temp)) continue;
      const [first, ...rest] = path.relative(temp, absolutePath).split(path.sep);
      return path.join(path.dirname(temp), fixedName(path.basename(temp)), ...(first ? [fixedName(first), ...rest] : []));
    }
    const scratch = this.scratch.find(inside);
    return scratch === undefined ? absolutePath : path.join(path.dirname(scratch), fixedName(path.basename(scratch)), path.relative(scratch, absolutePath));
  }

  /** Text of a file this run wrote (a kustomization naming a path of the base's tree), scratch directories' names fixed. */
  stableText(text: string): string {
    return this.scratchNames().reduce((out, name) => out.split(name).join(fixedName(name)), text);
  }

  /** The random names of the scratch directories, as output names them (in paths relative to a temp directory too). */
  scratchNames(): string[] {
    return [...new Set(this.scratch.map((dir) => path.basename(dir)))];
  }

  /** This run's temp directory, once there is one. */
  tempRoot(): string | undefined {
    return this.tempDir;
  }

  helm(): ToolLookup {
    return (this.helmLookup ??= lookupHelm(this.options.helm, this.cwd, this.envPath()));
  }

  kustomize(): ToolLookup {
    return (this.kustomizeLookup ??= lookupKustomize(this.options.kustomize, this.cwd, this.envPath()));
  }

  /** Environment for child processes: the user's, so tools find their own config. */
  childEnv(): NodeJS.ProcessEnv {
    return this.env;
  }

  /** A fresh directory inside this run's temp directory (removed by `dispose`). */
  tempSubdir(prefix: string): string {
    if (this.tempDir === undefined) {
      this.tempDir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-"));
      this.tempDirReal = realpathSync(this.tempDir);
    }
    return mkdtempSync(path.join(this.tempDir, `${prefix}-`));
  }

  /** Writes a temp file and returns its absolute path. */
  tempFile(name: string, content: string): string {
    this.filesDir ??= this.tempSubdir("f");
    const file = path.join(this.filesDir, `${this.tempCount++}-${name}`);
    writeFileSync(file, content);
    return file;
  }

  /** Whether a path lies in this run's temp directory. */
  isTemp(absolutePath: string): boolean {
    return this.tempDir !== undefined && (absolutePath === this.tempDir || absolutePath.startsWith(this.tempDir + path.sep));
  }

  /** Relative to the working directory, forward slashes: how the user names the path. */
  display(absolutePath: string): string {
    return (path.relative(this.cwd, absolutePath) || ".").split(path.sep).join("/");
  }

  /** Tool output made safe to print: temp paths removed, the working directory made relative. */
  clean(text: string): string {
    let out = text;
    if (this.tempDir) out = out.split(this.tempDir + path.sep).join("").split(this.tempDir).join("<temp>");
    out = out.split(this.cwd + path.sep).join("");
    return out;
  }

  /** The run's renders are over: the cache's entries written, the temp directory removed. */
  async dispose(): Promise<void> {
    await this.cache?.flush();
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
    this.tempDir = undefined;
    this.filesDir = undefined;
    this.cache?.prune();
  }

  private envPath(): string | undefined {
    return this.env.PATH ?? process.env.PATH;
  }
}

/** A mkdtemp name with its random part (the last six characters) fixed. */
function fixedName(name: string): string {
  return name.replace(/.{6}$/, "XXXXXX");
}

/**
 * What a tool's error output says, without `Error:` prefixes: from the first `Error:` line on (Helm 4 spreads
 * one error over several lines: each template of an include chain, then the cause), else the first lines.
 * Log lines (Helm's slog `level=…`, such as one INFO line per symlinked file of a chart) are left out.
 */
/** klog quotes the error it logs (`err="accumulating …"`, Go's quoting); the text inside is the error. */
function unquoted(line: string): string {
  if (!/^".*"$/.test(line)) return line;
  try {
    return JSON.parse(line) as string;
  } catch {
    return line;
  }
}

export function errorSummary(stderr: string): string {
  const lines = stderr
    .split("\n")
    // kubectl logs through klog: `E1201 13:38:04.904479  3346 run.go:72] "command failed" err="…"`
    .map((l) => unquoted(l.trim().replace(/^[EWIF]\d{4} [\d:.]+\s+\d+ \S+\] (?:"command failed" err=)?/, "")))
    .filter((l) => l !== "" && !/^(usage|use ".* --help"|use --debug flag)/i.test(l) && !/^level=[A-Z]+ /.test(l));
  const error = lines.findIndex((l) => /^error:/i.test(l));
  const summary = error === -1 ? lines.slice(0, 3).join("; ") : lines.slice(error, error + 8).map((l) => l.replace(/^error:\s*/i, "")).join(" ");
  return summary || "no error message";
}
