import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogue } from "../rules/index.js";
import { escapeData, escapeProperty } from "../src/report/github.js";
import { runCli } from "./support/cli.js";
import { assertValidSarif, lintSarif, type SarifLog } from "./support/sarif.js";

const CLEAN = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\ndata:\n  a: b\n";
const DUPLICATE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\ndata:\n  mode: fast\n  mode: safe\n";
const SUPPRESSED =
  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\ndata:\n  mode: fast\n  # gitops-lint-ignore inline-patch-directive -- kept for the migration\n  $patch: merge\n";

describe("sarif", () => {
  it("lists every rule with full descriptors and an empty results array when clean", async () => {
    const log = await lintSarif(["-", "--stdin-filename", "clean.yaml"], { stdin: CLEAN });
    const run = log.runs[0]!;
    expect(run.results).toEqual([]);
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(catalogue.map((r) => r.meta.id));
    expect(run.automationDetails).toBeUndefined();
    expect(log.cli.code).toBe(0);
  });

  it("puts the finding on the key with a full region, and exits 1", async () => {
    const log = await lintSarif(["-", "--stdin-filename", "manifests/app config.yaml"], { stdin: DUPLICATE });
    const [result] = log.runs[0]!.results;
    expect(log.cli.code).toBe(1);
    expect(result!.ruleId).toBe("invalid-input");
    expect(result!.level).toBe("error");
    expect(result!.suppressions).toBeUndefined();
    const { artifactLocation, region } = result!.locations[0]!.physicalLocation;
    expect(artifactLocation.uri).toBe("manifests/app%20config.yaml");
    expect(region).toMatchObject({ startLine: 7, startColumn: 3, endLine: 7 });
  });

  it("encodes the stdin name into a valid relative URI", async () => {
    const log = await lintSarif(["-"], { stdin: DUPLICATE });
    expect(log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe("%3Cstdin%3E");
  });

  it("reports suppressed findings with a suppression and its justification, without failing", async () => {
    const log = await lintSarif(["-", "--stdin-filename", "a.yaml"], { stdin: SUPPRESSED });
    const [result] = log.runs[0]!.results;
    expect(result!.suppressions).toEqual([{ kind: "inSource", justification: "kept for the migration" }]);
    expect(log.cli.code).toBe(0);
  });

  it("maps --sarif-category to automationDetails.id the way GitHub reads categories", async () => {
    expect((await lintSarif(["-", "--sarif-category", "manifests"], { stdin: CLEAN })).runs[0]!.automationDetails).toEqual({ id: "manifests/" });
    expect((await lintSarif(["-", "--sarif-category", "a/b/"], { stdin: CLEAN })).runs[0]!.automationDetails).toEqual({ id: "a/b/" });
  });

  it("gives findings fingerprints that survive lines moving", async () => {
    const before = await lintSarif(["-", "--stdin-filename", "a.yaml"], { stdin: DUPLICATE });
    const after = await lintSarif(["-", "--stdin-filename", "a.yaml"], { stdin: `# a comment\n${DUPLICATE}` });
    const fp = (log: typeof before): unknown => log.runs[0]!.results[0]!.partialFingerprints;
    expect(after.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine).toBe(8);
    expect(fp(after)).toEqual(fp(before));
  });

  it("rejects a log the schema forbids (the validator is live)", async () => {
    const { assertValidSarif } = await import("./support/sarif.js");
    const good = (await runCli(["-", "-f", "sarif"], { stdin: DUPLICATE })).stdout;
    const broken = JSON.parse(good) as { runs: { results: { level: string }[] }[] };
    broken.runs[0]!.results[0]!.level = "fatal";
    expect(() => assertValidSarif(JSON.stringify(broken))).toThrow(/schema/);
  });
});

describe("sarif URIs", () => {
  // A git repository with the manifests two directories down, and a file outside it.
  let repo: string;
  let outside: string;
  let cwd: string;
  beforeAll(() => {
    repo = realpathSync(mkdtempSync(path.join(os.tmpdir(), "gitops-lint-sarif-repo-")));
    execFileSync("git", ["init", "-q"], { cwd: repo });
    cwd = path.join(repo, "clusters", "prod");
    mkdirSync(path.join(cwd, "apps"), { recursive: true });
    writeFileSync(path.join(cwd, "apps", "dup.yaml"), DUPLICATE);
    const elsewhere = realpathSync(mkdtempSync(path.join(os.tmpdir(), "gitops-lint-sarif-outside-")));
    outside = path.join(elsewhere, "outside.yaml");
    writeFileSync(outside, DUPLICATE);
  });
  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(path.dirname(outside), { recursive: true, force: true });
  });
  const uris = (log: SarifLog): string[] => log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);

  it("are relative to the git top level when run from a subdirectory", async () => {
    expect(uris(await lintSarif(["apps/dup.yaml"], { cwd }))).toEqual(["clusters/prod/apps/dup.yaml"]);
    expect(uris(await lintSarif(["-", "--stdin-filename", "apps/piped.yaml"], { cwd, stdin: DUPLICATE }))).toEqual(["clusters/prod/apps/piped.yaml"]);
  });

  it("leave stdin without --stdin-filename as <stdin>, not a path in the working directory", async () => {
    expect(uris(await lintSarif(["-"], { cwd, stdin: DUPLICATE }))).toEqual(["%3Cstdin%3E"]);
  });

  it("are relative to --repo-root when it is given", async () => {
    expect(uris(await lintSarif(["apps/dup.yaml", "--repo-root", ".."], { cwd }))).toEqual(["prod/apps/dup.yaml"]);
  });

  it("leave out a file outside the repository, saying so on stderr, never with ../ or an absolute path", async () => {
    const relative = path.relative(cwd, outside);
    expect(relative.startsWith("..")).toBe(true);
    const run = await runCli(["apps/dup.yaml", relative, "-f", "sarif"], { cwd });
    expect(uris(assertValidSarif(run.stdout))).toEqual(["clusters/prod/apps/dup.yaml"]);
    expect(run.stderr).toContain(`SARIF leaves out the findings in ${relative}`);
    expect(run.code).toBe(1); // both duplicate keys still count
  });

  it("name the same repository-relative file in GitHub annotations, the step summary and GitLab reports", async () => {
    const summaryFile = path.join(repo, "step-summary.md");
    const github = await runCli(["apps/dup.yaml", "-f", "github"], { cwd, env: { GITHUB_STEP_SUMMARY: summaryFile } });
    expect(github.stdout).toMatch(/^::error file=clusters\/prod\/apps\/dup\.yaml,line=7,/m);
    expect(readFileSync(summaryFile, "utf8")).toContain("`clusters/prod/apps/dup.yaml:7`");
    const gitlab = JSON.parse((await runCli(["apps/dup.yaml", "-f", "gitlab"], { cwd })).stdout) as Array<{ location: { path: string } }>;
    expect(gitlab.map((issue) => issue.location.path)).toEqual(["clusters/prod/apps/dup.yaml"]);
  });

  it("are relative to the working directory outside any git repository", async () => {
    expect(uris(await lintSarif(["outside.yaml"], { cwd: path.dirname(outside) }))).toEqual(["outside.yaml"]);
  });
});

describe("github", () => {
  it("escapes data and properties the way the runner parses them", () => {
    expect(escapeData("100% done\r\nnext")).toBe("100%25 done%0D%0Anext");
    expect(escapeProperty("a:b,c%\n")).toBe("a%3Ab%2Cc%25%0A");
  });

  it("writes one workflow command per finding with the position and an escaped message", async () => {
    const result = await runCli(["-", "--stdin-filename", "dir/a,b:c.yaml", "-f", "github"], { stdin: DUPLICATE });
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^::error file=dir\/a%2Cb%3Ac\.yaml,line=7,col=3,(?:endLine=7,endColumn=\d+,)?title=gitops-lint invalid-input::ConfigMap "dup": duplicate key "mode"/);
    expect(lines[0]).toContain("%0A%0AHow to fix: ");
  });

  it("leaves suppressed findings out and writes a Markdown summary when GITHUB_STEP_SUMMARY is set", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-summary-"));
    try {
      const summary = path.join(dir, "summary.md");
      const suppressed = await runCli(["-", "-f", "github"], { stdin: SUPPRESSED, env: { GITHUB_STEP_SUMMARY: summary } });
      expect(suppressed.stdout).toBe("");
      expect(readFileSync(summary, "utf8")).toMatch(/No problems \(1 suppressed\)/);
      await runCli(["-", "--stdin-filename", "a.yaml", "-f", "github"], { stdin: DUPLICATE, env: { GITHUB_STEP_SUMMARY: summary } });
      expect(readFileSync(summary, "utf8")).toMatch(/\| error \| `a\.yaml:7` \| `invalid-input` \| ConfigMap "dup": duplicate key "mode"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("counts in the summary what --quiet shows, and says what it hid", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-summary-"));
    try {
      const summary = path.join(dir, "summary.md");
      const typo = `# gitops-lint-ignore invalid-inptu\n${DUPLICATE}`; // a warning (the unknown id) and an error
      const quiet = await runCli(["-", "-f", "github", "--quiet"], { stdin: typo, env: { GITHUB_STEP_SUMMARY: summary } });
      expect(quiet.stdout.trimEnd().split("\n").map((l) => l.slice(0, l.indexOf(" ")))).toEqual(["::error"]);
      expect(readFileSync(summary, "utf8")).toMatch(/1 error \(1 warning hidden by --quiet\) in 1 object/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("junit", () => {
  it("has a failing test case per finding, escaped, and a passing case when clean", async () => {
    const failing = await runCli(["-", "--stdin-filename", "a&b.yaml", "-f", "junit"], { stdin: DUPLICATE });
    expect(failing.stdout).toMatch(/<testsuite name="a&amp;b\.yaml" tests="1" failures="1"/);
    expect(failing.stdout).toMatch(/<failure message="ConfigMap &quot;dup&quot;: duplicate key &quot;mode&quot;[^"]*" type="error">/);
    const clean = await runCli(["-", "-f", "junit"], { stdin: CLEAN });
    expect(clean.stdout).toMatch(/<testsuites name="gitops-lint" tests="1" failures="0"/);
    const suppressed = await runCli(["-", "-f", "junit"], { stdin: SUPPRESSED });
    expect(suppressed.stdout).toMatch(/<skipped message="suppressed: kept for the migration"\/>/);
  });

  it("fails only on errors, as the exit code does: a warning or an info is a passing case that shows the finding", async () => {
    const probes =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n" +
      "          livenessProbe: {httpGet: {path: /readyz, port: 8080}}\n          readinessProbe: {httpGet: {path: /readyz, port: 8080}}\n";
    for (const severity of ["warning", "info"]) {
      const run = await runCli(["-", "--stdin-filename", "a.yaml", "-f", "junit", "--rule", `liveness-equals-readiness=${severity}`], { stdin: probes });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/<testsuites name="gitops-lint" tests="1" failures="0" errors="0">/);
      expect(run.stdout).toMatch(/<testsuite name="a\.yaml" tests="1" failures="0" errors="0" skipped="0">/);
      expect(run.stdout).not.toContain("<failure");
      expect(run.stdout).toMatch(new RegExp(`<testcase name="liveness-equals-readiness a\\.yaml:11:11" [^>]*><system-out>${severity}: Deployment "web" container "web": liveness and readiness probes run the same check`));
    }
    const error = await runCli(["-", "--stdin-filename", "a.yaml", "-f", "junit", "--rule", "liveness-equals-readiness=error"], { stdin: probes });
    expect(error.code).toBe(1);
    expect(error.stdout).toMatch(/<testsuite name="a\.yaml" tests="1" failures="1" errors="0" skipped="0">/);
  });
});

describe("gitlab", () => {
  it("writes Code Quality issues with stable, unique fingerprints", async () => {
    const parse = (s: string): { check_name: string; fingerprint: string; severity: string; location: { path: string; lines: { begin: number } } }[] =>
      JSON.parse(s) as never;
    const twice = DUPLICATE.replace("  mode: safe\n", "  mode: safe\n  mode: slow\n");
    const first = parse((await runCli(["-", "--stdin-filename", "a.yaml", "-f", "gitlab"], { stdin: twice })).stdout);
    expect(first).toHaveLength(2);
    expect(first[0]).toMatchObject({ check_name: "invalid-input", severity: "major", location: { path: "a.yaml", lines: { begin: 7 } } });
    expect(new Set(first.map((i) => i.fingerprint)).size).toBe(2);
    const moved = parse((await runCli(["-", "--stdin-filename", "a.yaml", "-f", "gitlab"], { stdin: `# moved\n${twice}` })).stdout);
    expect(moved[0]!.location.lines.begin).toBe(8);
    expect(moved.map((i) => i.fingerprint)).toEqual(first.map((i) => i.fingerprint));
    expect(parse((await runCli(["-", "-f", "gitlab"], { stdin: SUPPRESSED })).stdout)).toEqual([]);
  });
});
