import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { ensureRenderTools } from "../build/render-tools.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { RENDER_CONCURRENCY } from "../render/process-slots.js";
import { writeFluxMonorepo } from "./flux-monorepo.js";

const BIN = path.join(PACKAGE_ROOT, "bin", "gitops-lint.js");
const CHARTS = 40;
const OVERLAYS = 10;

/** One `helm template` or `kubectl kustomize` call, as gitops-lint makes it. */
interface Call {
  command: string;
  args: string[];
}

/**
 * `npm run bench`'s Flux monorepo case (`--only monorepo` runs it alone): gitops-lint on a generated repository
 * of CHARTS charts rendered for HelmReleases and OVERLAYS kustomize overlays applied by Flux Kustomizations, against
 * the same `helm template` and `kubectl kustomize` calls run outside gitops-lint, one after the other and with
 * gitops-lint's parallelism; then a second run on the render cache the first one filled. Each figure is the best of
 * `runs` (at least 5) rounds that alternate all of them, so every one sees the same machine load.
 */
export async function benchMonorepo(runs: number): Promise<void> {
  const tools = ensureRenderTools();
  const env = { ...process.env, ...tools.env };
  const work = mkdtempSync(path.join(tmpdir(), "gitops-lint-bench-monorepo-"));
  try {
    const repo = path.join(work, "repo");
    const layout = writeFluxMonorepo(repo, CHARTS, OVERLAYS);
    spawnSync("git", ["init", "-q", repo]); // a checkout, as in CI: Flux paths are relative to its root
    const calls = sameCalls(repo, path.join(work, "calls"), layout, tools);
    const lint = [BIN, ".", "-f", "json", "--helm", tools.helm, "--kustomize", tools.kubectl];
    const gitopsLint = (extra: string[]): { ms: number; stdout: string; code: number | null } => {
      const started = performance.now();
      const result = spawnSync(process.execPath, [...lint, ...extra], { cwd: repo, env, encoding: "utf8", maxBuffer: 1 << 30 });
      return { ms: performance.now() - started, stdout: result.stdout, code: result.status };
    };

    const rounds = Math.max(runs, 5);
    const loadBefore = loadavg();
    console.log(
      `\nflux monorepo: ${CHARTS} charts rendered for HelmReleases, ${OVERLAYS} kustomize overlays applied by Flux Kustomizations; ` +
        `${calls.length} helm template / kubectl kustomize calls; ${RENDER_CONCURRENCY} at a time; best of ${rounds} alternating rounds`,
    );
    const best = { serial: Infinity, longest: Infinity, parallel: Infinity, cold: Infinity, warm: Infinity, noCache: Infinity };
    let identical = true;
    let summary = "";
    for (let round = 0; round < rounds; round++) {
      const serial = runSerially(calls, env);
      const parallel = await runInParallel(calls, env, RENDER_CONCURRENCY);
      const cacheDir = path.join(work, `cache-${round}`);
      const cold = gitopsLint(["--cache-dir", cacheDir]);
      const warm = gitopsLint(["--cache-dir", cacheDir]);
      const noCache = gitopsLint(["--no-cache"]);
      rmSync(cacheDir, { recursive: true, force: true });
      identical &&= cold.stdout === warm.stdout && cold.stdout === noCache.stdout && cold.code === warm.code;
      summary = JSON.stringify((JSON.parse(cold.stdout) as { summary: unknown }).summary);
      best.serial = Math.min(best.serial, serial.sumMs);
      best.longest = Math.min(best.longest, serial.longestMs);
      best.parallel = Math.min(best.parallel, parallel);
      best.cold = Math.min(best.cold, cold.ms);
      best.warm = Math.min(best.warm, warm.ms);
      best.noCache = Math.min(best.noCache, noCache.ms);
    }
    const floor = Math.max(best.serial / RENDER_CONCURRENCY, best.longest);
    const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    const verdict = (ok: boolean): string => (ok ? "ok" : "OVER TARGET");
    console.log(`same calls, serially:    ${s(best.serial)} (sum; longest single call ${s(best.longest)}); / ${RENDER_CONCURRENCY} cores: ${s(best.serial / RENDER_CONCURRENCY)}`);
    console.log(`same calls, ${RENDER_CONCURRENCY} at a time:  ${s(best.parallel)} wall, outside gitops-lint`);
    console.log(
      `gitops-lint, first run:  ${s(best.cold)} wall (empty cache): ${(best.cold / floor).toFixed(2)}x max(serial / cores, longest) ` +
        `(target <= 1.1: ${verdict(best.cold / floor <= 1.1)}); ${(best.cold / best.parallel).toFixed(2)}x the same calls ${RENDER_CONCURRENCY} at a time`,
    );
    console.log(`gitops-lint, --no-cache: ${s(best.noCache)} wall: ${(best.noCache / floor).toFixed(2)}x max(serial / cores, longest); the cache costs the first run ${((best.cold / best.noCache - 1) * 100).toFixed(0)}%`);
    console.log(`gitops-lint, second run: ${s(best.warm)} wall (nothing changed): ${(best.warm / best.cold).toFixed(2)}x the first (target <= 0.2: ${verdict(best.warm / best.cold <= 0.2)})`);
    console.log(`reports of the three runs identical: ${identical ? "yes" : "NO"}; summary ${summary}`);
    console.log(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The calls gitops-lint makes on the repository: a build of each kustomization directory its walk finds (through a
 * kustomization that adds origin annotations), a build of each Flux Kustomization's path as kustomize-controller
 * composes it, and `helm template` for each HelmRelease with its values.
 */
function sameCalls(repo: string, dir: string, layout: { charts: string[]; overlays: string[] }, tools: { helm: string; kubectl: string }): Call[] {
  const kustomize = (name: string, kustomization: string): Call => {
    const at = path.join(dir, name);
    mkdirSync(at, { recursive: true });
    writeFileSync(path.join(at, "kustomization.yaml"), `${kustomization}buildMetadata: [originAnnotations]\n`);
    return { command: tools.kubectl, args: ["kustomize", at, "--load-restrictor", "LoadRestrictionsNone"] };
  };
  const resources = (...targets: string[]): string => `resources:\n${targets.map((t) => `  - ${JSON.stringify(path.relative(path.join(dir, "x"), path.join(repo, t)))}\n`).join("")}`;
  const calls: Call[] = [];
  for (const unit of ["clusters/prod/flux-system", "apps/releases", ...layout.overlays.map((o) => `overlays/${o}`)]) calls.push(kustomize(`plain-${unit.replace(/\//g, "-")}`, resources(unit)));
  calls.push(kustomize("flux-root", resources("clusters/prod/flux-system", "clusters/prod/overlays.yaml", "clusters/prod/releases.yaml")));
  calls.push(kustomize("flux-releases", resources("apps/releases")));
  for (const overlay of layout.overlays) calls.push(kustomize(`flux-${overlay}`, `${resources(`overlays/${overlay}`)}namespace: ${overlay}\n`));
  for (const chart of layout.charts) {
    const release = readFileSync(path.join(repo, "apps/releases", `${chart}.yaml`), "utf8");
    const values = path.join(dir, `${chart}-values.json`);
    writeFileSync(values, JSON.stringify(valuesOf(release)));
    calls.push({ command: tools.helm, args: ["template", chart, path.join(repo, "charts", chart), "--namespace", "apps", "--values", values] });
  }
  return calls;
}

/** The generated HelmRelease's `spec.values` (flux-monorepo.ts writes them in one shape). */
function valuesOf(release: string): unknown {
  const number = (key: string): number => Number(new RegExp(`${key}: (\\d+)`).exec(release)![1]);
  const quoted = (key: string): string => new RegExp(`${key}: "([^"]*)"`).exec(release)![1]!;
  const feature = /(FEATURE_\d+): "on"/.exec(release)![1]!;
  return { replicaCount: number("replicaCount"), image: { tag: quoted("tag") }, settings: { LOG_LEVEL: "info", [feature]: "on" } };
}

function runSerially(calls: Call[], env: NodeJS.ProcessEnv): { sumMs: number; longestMs: number } {
  let sumMs = 0;
  let longestMs = 0;
  for (const call of calls) {
    const started = performance.now();
    const result = spawnSync(call.command, call.args, { env, encoding: "utf8", maxBuffer: 1 << 30 });
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`${call.command} ${call.args.join(" ")} failed: ${result.stderr}`);
    sumMs += ms;
    longestMs = Math.max(longestMs, ms);
  }
  return { sumMs, longestMs };
}

async function runInParallel(calls: Call[], env: NodeJS.ProcessEnv, concurrency: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < calls.length) {
      const call = calls[next++]!;
      await new Promise<void>((resolve, reject) => {
        // Output read through pipes, as gitops-lint reads it.
        const child = spawn(call.command, call.args, { env, stdio: ["ignore", "pipe", "pipe"] });
        child.stdout.resume();
        child.stderr.resume();
        child.on("error", reject);
        child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${call.command} ${call.args.join(" ")} exited with ${code}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - started;
}
