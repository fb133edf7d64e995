import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { catalogue, findRule, rules } from "../../rules/index.js";
import { NOTICES } from "../engine/notices.js";
import { UsageError } from "../engine/config.js";
import { APPLIER_IDS } from "../model/applier.js";
import { didYouMean } from "../engine/unknown-rule.js";
import { ruleMarkdown } from "../docs/rule-docs.js";
import { FORMATTERS } from "../report/formats.js";
import { githubStepSummary } from "../report/github.js";
import { filesOutsideRoot } from "../report/sarif-location.js";
import { chartDirsOf } from "./charts-of-changed-files.js";
import { paintFor } from "./color.js";
import { helmTemplate } from "./helm-template.js";
import { quietResult } from "./quiet.js";
import type { Io, LintFlags } from "./lint-options.js";
import { lintPaths } from "./pipeline.js";
import { type ReportTarget, ReportTargets } from "./report-targets.js";
import { repositoryRoot } from "./repository-root.js";
import { VERSION } from "./version.js";
import { parseMaxWarnings, tooManyWarnings } from "./warning-limit.js";
import { stream } from "../util/lazy-builtins.js";

export type { Io } from "./lint-options.js";

/** Runs the CLI and returns the exit code: 0 clean, 1 findings at the failing level, 2 usage or fatal error. */
export async function main(argv: string[], io: Io): Promise<number> {
  let exitCode = 0;
  const reports = new ReportTargets(Object.keys(FORMATTERS), "stylish");
  // Linting is the command itself, as in ESLint and actionlint: `gitops-lint --help` shows its options.
  const program = new Command("gitops-lint")
    .description("Lint rendered Kubernetes manifests (helm template output, kustomize YAML) for failures that pass schema checks and break at reconcile time.")
    .usage("[options] [paths...]\n       gitops-lint <command> [arguments]")
    .version(VERSION, "-v, --version")
    .exitOverride()
    .showHelpAfterError("(run gitops-lint --help for usage)")
    // Options of the lint come before a command's name, so `helm-template` passes its own through.
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .argument("[paths...]", "files, directories (recursive *.yaml, *.yml, *.json), globs, or - for stdin")
    .option("-f, --format <format>", `output format: ${Object.keys(FORMATTERS).join(", ")} (default: stylish); repeatable, each to the -o after it or to stdout`, reports.format)
    .option("-o, --output <file>", "write the report of the -f before it to a file (its directory is created)", reports.output)
    .option("-c, --config <file>", "config file (default: .gitops-lint.yaml found upward from the working directory)")
    .option("--rule <id=severity>", "set a rule's severity: off, info, warning, error (repeatable)", collect, [] as string[])
    .option("--max-warnings <n>", "also fail when there are more than n warnings (-1: no limit, the default)")
    .option("-q, --quiet", "report errors only (the summary says how many warnings were hidden; --max-warnings still counts them)")
    .option("--color", "force colour")
    .option("--no-color", "disable colour")
    .option("--stdin-filename <name>", "name for input read from stdin", "<stdin>")
    .option("--release-timeout <duration>", "Helm release timeout when no HelmRelease in the input sets one (default 5m)")
    .addOption(new Option("--applier <name>", "who applies objects no Flux or Argo CD object in the input claims (default: helm4 for rendered Helm output, kubectl otherwise)").choices(APPLIER_IDS))
    .option("--base <rev>", "diff-aware: read, render and build the same inputs as they were at this git revision (auto: the pull request's base in CI, HEAD in pre-commit, else the merge base with the default branch) and report changes that break on apply")
    .option("--base-file <file>", "diff-aware: the previous render of stdin (or of all inputs), instead of or with --base")
    .option("--helm <path>", "helm binary for rendering chart directories (default: helm on PATH)")
    .option("--dependency-update", "let helm fetch chart dependencies (needs registry access) instead of rendering charts without the ones that are not vendored or in the repository")
    .option("--pull-charts", "pull HelmReleases' registry charts that the repository does not hold (helm pull, with your Helm's registry logins; needs registry access) and lint their render")
    .option("--kustomize <path>", "kustomize or kubectl binary for building kustomizations (default: kustomize, else kubectl, on PATH)")
    .option("--values <file>", "values file for charts given on the command line, like helm -f (repeatable)", collect, [] as string[])
    .option("--set <key=value>", "set a value for charts given on the command line, like helm --set (repeatable)", collectKeyValue, [] as string[])
    .option("--set-string <key=value>", "set a string value for charts given on the command line (repeatable)", collectKeyValue, [] as string[])
    .option("--release-name <name>", "release name for charts given on the command line (default: helm's release-name)")
    .option("--namespace <namespace>", "release namespace for charts given on the command line")
    .option("--kube-version <version>", "Kubernetes version charts are rendered for (helm --kube-version)")
    .option("--api-versions <list>", "API versions available to charts' Capabilities (helm --api-versions; repeatable)", collect, [] as string[])
    .option("--cache-dir <dir>", "where renders are cached (default: $XDG_CACHE_HOME/gitops-lint, else ~/.cache/gitops-lint; macOS ~/Library/Caches/gitops-lint)")
    .option("--no-cache", "render every chart and kustomization again instead of reusing the cached output of identical inputs")
    .option("--repo-root <dir>", "root of the Git repository that Flux paths and SARIF URIs are relative to (default: the Git work tree)")
    .option("--chart-dir <dir>", "chart directory the helm template input was rendered from: findings point at the template lines")
    .option("--sarif-category <category>", "SARIF automationDetails.id: keeps separate alert sets per category in GitHub code scanning")
    .option("--charts-from-files", "the paths are files inside Helm charts (as pre-commit passes them): lint each chart that holds one")
    .option("--max-file-size <size>", "skip (and report) input files bigger than this, e.g. 64MB (default 256MiB)")
    .option("--allow-empty", "accept empty stdin (by default it is an error: a renderer that failed upstream of the pipe prints nothing)")
    .option("--report-unused-suppressions", "report suppression comments and annotations that suppressed nothing (as unused-suppression warnings)")
    .option("--max-documents <n>", "report documents past this count per file instead of linting them (default 100000)")
    .action(async (paths: string[], flags: LintFlags) => {
      exitCode = await runLint(paths, flags, reports.targets(), io);
    });

  program
    .command("rules")
    .description("list every rule with its default severity")
    .action(() => {
      const width = Math.max(...catalogue.map((r) => r.meta.id.length));
      for (const rule of rules) io.stdout.write(`${rule.meta.id.padEnd(width)}  ${rule.meta.defaultSeverity.padEnd(7)}  ${rule.meta.description}\n`);
      io.stdout.write("\nReported by the engine itself (see `gitops-lint explain ID`):\n");
      for (const notice of NOTICES) io.stdout.write(`${notice.meta.id.padEnd(width)}  ${notice.meta.defaultSeverity.padEnd(7)}  ${notice.meta.description}\n`);
    });

  program
    .command("explain")
    .description("show a rule's documentation")
    .argument("<rule>", "rule id")
    .action((id: string) => {
      const rule = findRule(id);
      if (!rule) throw new UsageError(`unknown rule "${id}"; ${didYouMean(id, catalogue.map((r) => r.meta.id))}`);
      io.stdout.write(ruleMarkdown(rule, "#"));
    });

  const helmTemplateCommand = program
    .command("helm-template")
    .description("render a chart with `helm template` (the Helm plugin's `helm gitops-lint`) and lint the output; options after -- are gitops-lint's")
    .usage("CHART [helm template flags] [-- gitops-lint options]")
    .argument("[arguments...]", "helm template's arguments, then -- and gitops-lint's options")
    .helpOption(false)
    .allowUnknownOption()
    .passThroughOptions()
    .action(async (args: string[]) => {
      const split = args.indexOf("--");
      if ((split === -1 ? args : args.slice(0, split)).some((a) => a === "-h" || a === "--help")) {
        helmTemplateCommand.outputHelp();
        return;
      }
      const rendered = await helmTemplate(args, io);
      exitCode = typeof rendered === "number" ? rendered : await main(rendered.lintArgs, { ...io, stdin: stream().Readable.from([rendered.rendered]) });
    });

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      const where = error.where ? `${error.where.file}:${error.where.line}:${error.where.column}: ` : "";
      io.stderr.write(`gitops-lint: ${where}${error.message}\n`);
      return 2;
    }
    io.stderr.write(`gitops-lint: internal error: ${(error as Error).message ?? String(error)} (please report this with the input)\n`);
    return 2;
  }
}

async function runLint(paths: string[], flags: LintFlags, targets: ReportTarget[], io: Io): Promise<number> {
  if (flags.chartsFromFiles) {
    paths = chartDirsOf(paths, io.cwd);
    if (paths.length === 0) return 0; // no changed file belongs to a chart
  }
  if (paths.length === 0) throw new UsageError("no input: give files, directories, globs, or - to read stdin (try --help)");
  const maxWarnings = parseMaxWarnings(flags.maxWarnings);
  const result = await lintPaths(paths, flags, io);
  const shown = flags.quiet ? quietResult(result) : result;

  // Code scanning and CI annotations resolve paths against the repository, not the working directory.
  const repoPaths = targets.some((t) => ["sarif", "github", "gitlab"].includes(t.format)) ? repositoryRoot(io.cwd, flags.repoRoot) : undefined;
  for (const target of targets) {
    const text = FORMATTERS[target.format]!(shown, {
      paint: paintFor(target.file !== undefined ? false : flags.color, Boolean(io.stdout.isTTY), io.env),
      rules: catalogue,
      version: VERSION,
      ...(flags.sarifCategory !== undefined ? { sarifCategory: flags.sarifCategory } : {}),
      ...(repoPaths !== undefined ? { repoPaths } : {}),
    });
    const outside = target.format === "sarif" ? filesOutsideRoot(shown.findings.map((f) => f.file), repoPaths) : [];
    if (outside.length > 0) {
      io.stderr.write(`gitops-lint: SARIF leaves out the findings in ${outside.join(", ")}: outside the repository root, GitHub cannot place them (they still count for the exit code)\n`);
    }
    if (target.file !== undefined) writeReport(path.resolve(io.cwd, target.file), target.file, text);
    else io.stdout.write(text);
    if (target.format === "github" && io.env.GITHUB_STEP_SUMMARY) appendFileSync(io.env.GITHUB_STEP_SUMMARY, githubStepSummary(shown, repoPaths));
  }

  for (const failure of result.failures) io.stderr.write(`gitops-lint: ${failure}\n`);
  if (result.failures.length > 0) return 2;
  const tooMany = tooManyWarnings(result.summary.warnings, maxWarnings);
  if (tooMany) io.stderr.write(`gitops-lint: ${tooMany}\n`);
  return result.summary.errors > 0 || tooMany ? 1 : 0;
}

/** `-o dir/report.sarif`: the directory is created, as CI steps expect; a path that cannot be written is a usage error. */
function writeReport(absolute: string, given: string, text: string): void {
  try {
    mkdirSync(path.dirname(absolute), { recursive: true });
    writeFileSync(absolute, text);
  } catch (error) {
    throw new UsageError(`-o ${given}: cannot write the report (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

// Helm's own parser (strvals) rejects a --set without "=" as `key "bad" has no value`; caught here, it is a
// usage error before anything is rendered.
function collectKeyValue(value: string, previous: string[]): string[] {
  if (!/^[^=]+=/.test(value)) throw new InvalidArgumentError("expected key=value, as in helm --set image.tag=1.2.3.");
  return [...previous, value];
}
