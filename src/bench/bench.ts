import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PACKAGE_ROOT } from "../package-root.js";
import { generateCorpus } from "./corpus.js";
import { benchMonorepo } from "./monorepo.js";
import { asOneStream, yamlFilesUnder } from "./yaml-files.js";
import { scriptFlags } from "../util/script-flags.js";
import { rules } from "../../rules/index.js";

// `npm run bench [-- --runs 5 --corpus DIR --no-yamllint --only generated|manyFindings|startUp|realCharts|monorepo]`: figures are printed, never asserted.
// Every comparison is a ratio measured in this run, best of at least 5 alternating pairs.
const args = process.argv.slice(2);
const flag = scriptFlags(args);
const RUNS = Number(flag("--runs", "3"));
/** Pairs of alternating runs for a ratio: both sides see the same machine load; the best of each is kept. */
const PAIRS = Math.max(RUNS, 5);
const BIN = path.join(PACKAGE_ROOT, "bin", "gitops-lint.js");
const RSS = pathToFileURL(path.join(PACKAGE_ROOT, "dist", "src", "bench", "report-rss.js")).href;
const BASELINE = path.join(PACKAGE_ROOT, "dist", "src", "bench", "jsyaml-baseline.js");

interface Run {
  ms: number;
  rssKb: number;
  /** User + system CPU time of the process, workers included: less disturbed by a busy machine than wall time. */
  cpuMs: number;
  stdout: string;
  code: number | null;
}

interface Command {
  command: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
  /** Bytes for its stdin. */
  input?: Buffer;
}

function run({ command, argv, env = {}, input }: Command): Run {
  const started = performance.now();
  const result = spawnSync(command, argv, { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1024 ** 3, ...(input ? { input } : {}) });
  const ms = performance.now() - started;
  const rss = /BENCH_MAX_RSS_KB=(\d+) BENCH_CPU_US=(\d+)/.exec(result.stderr ?? "");
  return { ms, rssKb: rss ? Number(rss[1]) : NaN, cpuMs: rss ? Number(rss[2]) / 1000 : NaN, stdout: result.stdout ?? "", code: result.status };
}

/** The fastest of `runs` runs (the machine may be shared: the minimum is the least disturbed). */
function best(command: Command, runs = RUNS): Run {
  let fastest: Run | undefined;
  for (let i = 0; i < runs; i++) {
    const r = run(command);
    if (!fastest || r.ms < fastest.ms) fastest = r;
  }
  return fastest!;
}

/** The commands run by turns PAIRS times: the best run of each. */
function alternateAll(commands: Command[]): Run[] {
  const fastest: Array<Run | undefined> = commands.map(() => undefined);
  for (let i = 0; i < PAIRS; i++) {
    commands.forEach((command, c) => {
      const r = run(command);
      if (!fastest[c] || r.ms < fastest[c]!.ms) fastest[c] = r;
    });
  }
  return fastest as Run[];
}

/** `a` and `b` run by turns PAIRS times; the best of each, and their ratio. */
function alternate(a: Command, b: Command): { a: Run; b: Run; ratio: number } {
  const [bestA, bestB] = alternateAll([a, b]) as [Run, Run];
  return { a: bestA, b: bestB, ratio: bestA.ms / bestB.ms };
}

const gitopsLint = (target: string, env?: NodeJS.ProcessEnv, input?: Buffer, extra: string[] = []): Command => ({
  command: process.execPath,
  argv: ["--import", RSS, BIN, target, "-f", "json", ...extra],
  ...(env ? { env } : {}),
  ...(input ? { input } : {}),
});
const jsYamlBaseline = (target: string, input?: Buffer): Command => ({ command: process.execPath, argv: ["--import", RSS, BASELINE, target], ...(input ? { input } : {}) });
const summaryOf = (r: Run): { objects: number; errors: number; warnings: number; infos: number } => JSON.parse(r.stdout).summary;
const findingsOf = (r: Run): number => (JSON.parse(r.stdout).findings as unknown[]).length;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ok: boolean): string => (ok ? "ok" : "OVER TARGET");
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(" ");

function writeCorpus(dir: string, options: { minBytes: number; minDocuments: number; faulty?: boolean }): { bytes: number; documents: number; files: number } {
  mkdirSync(dir, { recursive: true });
  const files = generateCorpus(options);
  let bytes = 0;
  let documents = 0;
  for (const file of files) {
    writeFileSync(path.join(dir, file.name), file.text);
    bytes += Buffer.byteLength(file.text);
    documents += file.text.split(/^---$/m).length - 1;
  }
  return { bytes, documents, files: files.length };
}

/** One thing measured; `work` is a scratch directory that is removed afterwards. */
type BenchCase = (work: string) => void;

/** The generated corpus: ratio to js-yaml, memory, threads, a Git work tree, and how time grows with input. */
const generated: BenchCase = (work) => {
  const one = path.join(work, "1x");
  const two = path.join(work, "2x");
  const c1 = writeCorpus(one, { minBytes: 20e6, minDocuments: 5000 });
  const c2 = writeCorpus(two, { minBytes: 2 * c1.bytes, minDocuments: 2 * c1.documents });
  console.log(`corpus: ${c1.files} rendered charts, ${c1.documents} documents, ${mb(c1.bytes)} (workloads, hooks, HelmReleases, CRDs); 2x: ${c2.documents} documents, ${mb(c2.bytes)}`);

  // The ratio is the headline figure and a busy spell slows the longer, memory-heavier gitops-lint run more.
  const { a: g1, b: j1, ratio } = alternate(gitopsLint(one), jsYamlBaseline(one));
  const summary = summaryOf(g1);
  const baseline = JSON.parse(j1.stdout) as { parseMs: number; documents: number };
  console.log(`gitops-lint:         ${s(g1.ms)} wall, peak RSS ${(g1.rssKb / 1024).toFixed(0)} MB (${(g1.rssKb * 1024 / c1.bytes).toFixed(1)}x input; target <= 10x: ${verdict(g1.rssKb * 1024 <= 10 * c1.bytes)}), ${summary.objects} objects`);
  console.log(`js-yaml loadAll:     ${s(j1.ms)} wall for the process (${s(baseline.parseMs)} of it parsing), ${baseline.documents} documents`);
  console.log(`ratio to js-yaml:    ${ratio.toFixed(2)} (process to process, best of ${PAIRS} alternating pairs; target <= 1.5: ${verdict(ratio <= 1.5)}); ${(g1.ms / baseline.parseMs).toFixed(2)} against parsing alone`);
  console.log(`CPU time:            gitops-lint ${s(g1.cpuMs)} (all threads), js-yaml ${s(j1.cpuMs)}: ${(g1.cpuMs / j1.cpuMs).toFixed(2)}x the work`);
  // The default picks threads by input size (PARALLEL_MIN_BYTES); both ways are measured here, whatever it picks.
  const seq = best(gitopsLint(one, { GITOPS_LINT_WORKERS: "0" }));
  const par = best(gitopsLint(one, { GITOPS_LINT_WORKERS: String(Math.max(1, availableParallelism() - 1)) }));
  console.log(
    `single thread:       ${s(seq.ms)} wall, peak RSS ${(seq.rssKb / 1024).toFixed(0)} MB (GITOPS_LINT_WORKERS=0); ` +
      `with workers ${s(par.ms)}, peak RSS ${(par.rssKb / 1024).toFixed(0)} MB: they save ${((1 - par.ms / seq.ms) * 100).toFixed(0)}% here`,
  );

  // The corpus sits outside any Git work tree, where nothing is ignored. Inside one, the walk reads
  // .gitignore files (src/load/walk-directory.ts), as it does in CI and pre-commit: measured too.
  if (spawnSync("git", ["init", "-q", one]).status === 0) {
    const inGit = best(gitopsLint(one));
    rmSync(path.join(one, ".git"), { recursive: true, force: true });
    console.log(`in a Git work tree:  ${s(inGit.ms)} wall (.gitignore files honoured): ${(inGit.ms / j1.ms).toFixed(2)}x js-yaml`);
  } else {
    console.log("in a Git work tree:  skipped (no git)");
  }

  // Single-threaded both times: by default the 2x corpus would be parsed with workers and the 1x not.
  const g2 = best(gitopsLint(two, { GITOPS_LINT_WORKERS: "0" }));
  const linear = g2.ms / seq.ms;
  console.log(`2x input:            ${s(g2.ms)} wall single-threaded, ${linear.toFixed(2)}x the time (target <= 2.2: ${verdict(linear <= 2.2)}), peak RSS ${(g2.rssKb / 1024).toFixed(0)} MB`);

  if (args.includes("--no-yamllint")) {
    console.log("yamllint:            skipped (--no-yamllint)");
  } else if (spawnSync("yamllint", ["--version"]).error) {
    console.log("yamllint:            yamllint not installed (apt-get install yamllint) — comparison skipped");
  } else {
    const y = best({ command: "yamllint", argv: ["-f", "parsable", one] }, 1);
    console.log(`yamllint:            ${s(y.ms)} on the same files (default config, one run): gitops-lint is ${(y.ms / g1.ms).toFixed(1)}x faster`);
  }
};

/**
 * The generated corpus with the mistakes real charts make (corpus.ts FAULTS): hundreds of findings in
 * documents of every size, whose positions are found after the rules ran, as on a real repository.
 */
const manyFindings: BenchCase = (work) => {
  const dir = path.join(work, "faulty");
  const corpus = writeCorpus(dir, { minBytes: 20e6, minDocuments: 5000, faulty: true });
  // The same run with every rule off: what reading, parsing and reporting alone cost, the floor under the rules.
  const noRules = rules.flatMap((rule) => ["--rule", `${rule.meta.id}=off`]);
  const [g, j, bare] = alternateAll([gitopsLint(dir), jsYamlBaseline(dir), gitopsLint(dir, undefined, undefined, noRules)]) as [Run, Run, Run];
  const ratio = g.ms / j.ms;
  const summary = summaryOf(g);
  console.log(
    `many findings:       ${findingsOf(g)} findings (${summary.errors} errors, ${summary.warnings} warnings, ${summary.infos} infos) in ${corpus.documents} documents, ${mb(corpus.bytes)}: ` +
      `gitops-lint ${s(g.ms)}, js-yaml ${s(j.ms)}; ratio ${ratio.toFixed(2)} (best of ${PAIRS} alternating rounds; target <= 1.5: ${verdict(ratio <= 1.5)}); ` +
      `with every rule off ${s(bare.ms)}, ${(bare.ms / j.ms).toFixed(2)}x js-yaml: the rest is the rules'`,
  );
};

/** A one-file lint against a bare Node start. */
const startUp: BenchCase = (work) => {
  const small = path.join(work, "one.yaml");
  writeFileSync(small, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: b\n");
  const { a: start, b: bare, ratio } = alternate({ command: process.execPath, argv: [BIN, small] }, { command: process.execPath, argv: ["-e", "0"] });
  console.log(`start-up, one file:  ${start.ms.toFixed(0)} ms against ${bare.ms.toFixed(0)} ms for \`node -e 0\`: ${ratio.toFixed(2)}x (best of ${PAIRS} alternating pairs; target <= 1.3: ${verdict(ratio <= 1.3)})`);
};

/**
 * Real rendered charts (`--corpus DIR`, any depth), as a directory and as one stream on stdin, as
 * `helm template` of several charts is piped in. Never read unless given: the bench runs on a fresh clone.
 */
const realCharts: BenchCase = (work) => {
  const corpus = flag("--corpus");
  if (corpus === undefined) {
    console.log("real charts:         skipped (give a directory of rendered charts with --corpus DIR)");
    return;
  }
  if (!existsSync(corpus) || !statSync(corpus).isDirectory()) {
    console.log(`real charts:         skipped (--corpus ${corpus} is not a directory)`);
    return;
  }
  const files = yamlFilesUnder(corpus);
  const stream = path.join(work, "stream.yaml");
  writeFileSync(stream, asOneStream(files));
  const input = readFileSync(stream);
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  const asDirectory = alternate(gitopsLint(corpus), jsYamlBaseline(corpus));
  console.log(
    `real charts, directory (${corpus}: ${files.length} files, ${mb(bytes)}): ${findingsOf(asDirectory.a)} findings; gitops-lint ${s(asDirectory.a.ms)}, peak RSS ${(asDirectory.a.rssKb / 1024).toFixed(0)} MB; ` +
      `js-yaml ${s(asDirectory.b.ms)}; ratio ${asDirectory.ratio.toFixed(2)} (best of ${PAIRS} alternating pairs; target <= 1.5: ${verdict(asDirectory.ratio <= 1.5)})`,
  );
  const asStream = alternate(gitopsLint("-", undefined, input), jsYamlBaseline("-", input));
  console.log(
    `real charts, one stream on stdin (${mb(input.byteLength)}): ${findingsOf(asStream.a)} findings; gitops-lint ${s(asStream.a.ms)}, peak RSS ${(asStream.a.rssKb / 1024).toFixed(0)} MB; ` +
      `js-yaml ${s(asStream.b.ms)}; ratio ${asStream.ratio.toFixed(2)} (best of ${PAIRS} alternating pairs; target <= 1.5: ${verdict(asStream.ratio <= 1.5)})`,
  );
};

const CASES: Record<string, BenchCase> = { generated, manyFindings, startUp, realCharts };
const only = flag("--only");
if (only !== undefined && only !== "monorepo" && !(only in CASES)) {
  console.error(`--only: unknown case "${only}" (${[...Object.keys(CASES), "monorepo"].join(", ")})`);
  process.exit(2);
}
const work = mkdtempSync(path.join(tmpdir(), "gitops-lint-bench-"));
try {
  console.log(`gitops-lint bench — Node ${process.version}, ${availableParallelism()} cores, load average ${load()}, best of ${RUNS} runs, ratios best of ${PAIRS} alternating pairs`);
  for (const [name, measure] of Object.entries(CASES)) if (only === undefined || only === name) measure(work);
  if (only === undefined || only === "monorepo") await benchMonorepo(RUNS);
  console.log(`load average at the end: ${load()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
