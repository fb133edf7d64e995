import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmTemplate } from "./support/charts.js";
import { REPO, runCli } from "./support/cli.js";
import { assertValidSarif } from "./support/sarif.js";
import { multitoolBinary } from "./support/sarif-multitool.js";

// Microsoft's SARIF multitool (self-contained .NET binary from npm; runs offline) with GitHub's
// ingestion rules on: GH1001–GH1007 are off by default and turned on as errors by the policy file;
// the other GH rules (GH1011–GH1018, GH2012) run with `--rule-kind Gh`. Its exit code does not reflect
// what it finds, so the test reads its output log: any error or warning fails.
const multitool = multitoolBinary();
if ("unsupported" in multitool) console.warn(`SKIPPED test/sarif-multitool.test.ts: ${multitool.unsupported}`);
const POLICY = path.join(REPO, "test", "sarif", "github-ingestion.config.xml");

interface ValidationResult {
  ruleId: string;
  level?: string;
  message: { arguments?: string[]; text?: string };
}

/** Validates the logs in one multitool run (it starts slowly) and returns what it found. */
function validate(dir: string, logs: Record<string, string>): ValidationResult[] {
  const inputs = Object.entries(logs).map(([name, sarif]) => {
    const input = path.join(dir, `${name}.sarif`);
    writeFileSync(input, sarif);
    return input;
  });
  const output = path.join(dir, `validation-${Object.keys(logs).join("-")}.sarif`);
  execFileSync((multitool as { path: string }).path, ["validate", ...inputs, "--rule-kind", "Gh;Sarif", "--config", POLICY, "--output", output, "--log", "ForceOverwrite"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1" },
  });
  const log = JSON.parse(readFileSync(output, "utf8")) as {
    runs: { results?: ValidationResult[]; invocations?: { toolConfigurationNotifications?: unknown[]; toolExecutionNotifications?: { level?: string }[] }[] }[];
  };
  const invocation = log.runs[0]!.invocations?.[0];
  expect(invocation?.toolConfigurationNotifications ?? []).toEqual([]);
  expect((invocation?.toolExecutionNotifications ?? []).filter((n) => n.level === "error")).toEqual([]);
  return log.runs[0]!.results ?? [];
}

const problems = (results: ValidationResult[]): string[] =>
  results.filter((r) => r.level === "error" || r.level === "warning").map((r) => `${r.ruleId} ${r.level}: ${(r.message.arguments ?? []).join(" | ")}`);

describe.skipIf("unsupported" in multitool)("SARIF multitool with GitHub ingestion rules", () => {
  let dir: string;
  const samples: Record<string, string> = {};
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-multitool-"));
    const rendered = helmTemplate(path.join(REPO, "test", "charts", "webapp"));
    samples["helm-mapped"] = (await runCli(["-", "--chart-dir", "test/charts/webapp", "--sarif-category", "helm/webapp", "-f", "sarif"], { stdin: rendered })).stdout;
    samples["stdin-unmapped"] = (await runCli(["-", "-f", "sarif"], { stdin: rendered })).stdout;
    samples.fixtures = (await runCli(["fixtures", "-f", "sarif"])).stdout;
    samples.clean = (await runCli(["-", "-f", "sarif"], { stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n" })).stdout;
    samples.suppressed = (await runCli(["-", "-f", "sarif"], { stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  # gitops-lint-ignore invalid-input -- known\n  name: b\n" })).stdout;
    for (const text of Object.values(samples)) assertValidSarif(text);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts every sample (mapped Helm findings, stdin, all fixtures, clean, suppressed) without errors or warnings", () => {
    expect(Object.keys(samples)).toHaveLength(5);
    expect(problems(validate(dir, samples))).toEqual([]);
  }, 60_000);

  it("has the GitHub rules switched on and reads every input (a log GitHub would reject, given last, fails)", () => {
    const log = JSON.parse(samples["helm-mapped"]!) as { runs: { results: { locations: { physicalLocation: Record<string, unknown> }[]; message: unknown }[] }[] };
    const [first, second] = log.runs[0]!.results;
    delete first!.locations[0]!.physicalLocation.region;
    second!.message = { id: "undefined-message" };
    const found = problems(validate(dir, { ...samples, rejected: JSON.stringify(log) })).map((p) => p.split(" ")[0]);
    expect(found).toContain("GH1003"); // ProvideRequiredRegionProperties
    expect(found).toContain("GH1007"); // ProvideFullyFormattedMessageStrings
  }, 60_000);
});
