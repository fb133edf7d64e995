import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lintJson } from "./support/cli.js";

// Every suppression form README.md's "Suppressing a finding" documents, one test each, on manifests with one
// finding to suppress: an inline patch directive (`$patch: merge`, an error) in a ConfigMap's data, or equal
// liveness and readiness probes (a warning) in a Deployment's pod template. Chart templates:
// template-suppression.test.ts; kustomize sources: render.test.ts ("points at the base or overlay file").

const configMap = (data: string, annotations = ""): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n${annotations ? `  annotations:\n${annotations}` : ""}data:\n  mode: fast\n${data}`;
const PATCH = "  $patch: merge\n";
const probe = "            httpGet: {path: /healthz, port: 8080}\n";
const deployment = (templateAnnotations: string): string =>
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n" +
  (templateAnnotations ? `      annotations:\n${templateAnnotations}` : "") +
  `    spec:\n      containers:\n        - name: api\n          image: api:1\n          livenessProbe:\n${probe}          readinessProbe:\n${probe}`;

/** The 1-based line of the first line of `yaml` that contains `text`. */
const lineOf = (yaml: string, text: string): number => yaml.split("\n").findIndex((l) => l.includes(text)) + 1;

const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-suppressions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lints `yaml` as app.yaml, with `config` as .gitops-lint.yaml when given. */
async function lint(yaml: string, config?: string, args: string[] = []) {
  writeFileSync(path.join(dir, "app.yaml"), yaml);
  writeFileSync(path.join(dir, ".gitops-lint.yaml"), config ?? "{}\n");
  const report = await lintJson(["app.yaml", ...args], { cwd: dir });
  return { ...report, brief: report.findings.map((f) => ({ ruleId: f.ruleId, line: f.line, suppressed: f.suppressed, reason: f.suppressionReason })) };
}

describe("each documented form suppresses its finding: kept in JSON as suppressed, counted, and the run passes", () => {
  it.each([
    [
      "an annotation on the object, with gitops-lint/ignore-reason",
      configMap(PATCH, '    gitops-lint/ignore: "liveness-equals-readiness,inline-patch-directive"\n    gitops-lint/ignore-reason: "merged by the migration tool"\n'),
      { ruleId: "inline-patch-directive", at: "$patch", suppressed: true, reason: "merged by the migration tool" },
    ],
    [
      "an annotation on the pod template",
      deployment("        gitops-lint/ignore: liveness-equals-readiness\n"),
      { ruleId: "liveness-equals-readiness", at: "livenessProbe", suppressed: true, reason: "annotation gitops-lint/ignore" },
    ],
    [
      "a comment on the line above the reported line, with a reason",
      configMap(`  # gitops-lint-ignore inline-patch-directive -- merged by the migration tool\n${PATCH}`),
      { ruleId: "inline-patch-directive", at: "$patch", suppressed: true, reason: "merged by the migration tool" },
    ],
    [
      "a comment at the end of the reported line",
      configMap("  $patch: merge # gitops-lint-ignore inline-patch-directive -- merged by the migration tool\n"),
      { ruleId: "inline-patch-directive", at: "$patch", suppressed: true, reason: "merged by the migration tool" },
    ],
    [
      "a comment naming several rules",
      configMap(`  # gitops-lint-ignore unrendered-template, inline-patch-directive -- generated\n${PATCH}`),
      { ruleId: "inline-patch-directive", at: "$patch", suppressed: true, reason: "generated" },
    ],
    [
      "a comment without a reason (allowed unless the config requires one)",
      configMap(`  # gitops-lint-ignore inline-patch-directive\n${PATCH}`),
      { ruleId: "inline-patch-directive", at: "$patch", suppressed: true, reason: "comment gitops-lint-ignore" },
    ],
  ] as const)("%s", async (_form, yaml, { at, ...finding }) => {
    const report = await lint(yaml);
    // Without a reason, the JSON says which form suppressed it.
    expect(report.brief).toEqual([{ ...finding, line: lineOf(yaml, at) }]);
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0, suppressed: 1 });
    expect(report.code).toBe(0);
  });
});

describe("what suppresses nothing", () => {
  it.each([
    ["a comment two lines above the reported line", configMap(`  # gitops-lint-ignore inline-patch-directive -- too far\n  level: info\n${PATCH}`)],
    ["a comment naming another rule", configMap(`  # gitops-lint-ignore unrendered-template -- another rule\n${PATCH}`)],
    ["an annotation naming another rule", configMap(PATCH, "    gitops-lint/ignore: liveness-equals-readiness\n")],
  ] as const)("%s", async (_form, yaml) => {
    const report = await lint(yaml);
    expect(report.brief).toEqual([{ ruleId: "inline-patch-directive", line: lineOf(yaml, "$patch"), suppressed: false, reason: undefined }]);
    expect(report.code).toBe(1);
  });
});

describe("the config's suppression settings", () => {
  it("requireSuppressionReason: a directive without a reason suppresses nothing and is reported; one with a reason still works", async () => {
    const config = "requireSuppressionReason: true\n";
    const bare = configMap(`  # gitops-lint-ignore inline-patch-directive\n${PATCH}`);
    const without = await lint(bare, config);
    expect(without.brief).toEqual([
      { ruleId: "invalid-suppression", line: lineOf(bare, "gitops-lint-ignore"), suppressed: false, reason: undefined },
      { ruleId: "inline-patch-directive", line: lineOf(bare, "$patch"), suppressed: false, reason: undefined },
    ]);
    expect(without.findings[0]!.message).toMatch(/reason/);
    expect(without.code).toBe(1);

    const reasoned = configMap(`  # gitops-lint-ignore inline-patch-directive -- merged by the migration tool\n${PATCH}`);
    expect((await lint(reasoned, config)).brief).toEqual([{ ruleId: "inline-patch-directive", line: lineOf(reasoned, "$patch"), suppressed: true, reason: "merged by the migration tool" }]);
  });

  it("requireSuppressionReason: an annotation takes its reason from gitops-lint/ignore-reason", async () => {
    const config = "requireSuppressionReason: true\n";
    const annotated = configMap(PATCH, '    gitops-lint/ignore: inline-patch-directive\n    gitops-lint/ignore-reason: "merged by the migration tool"\n');
    expect((await lint(annotated, config)).brief).toEqual([{ ruleId: "inline-patch-directive", line: lineOf(annotated, "$patch"), suppressed: true, reason: "merged by the migration tool" }]);
  });

  it("requireSuppressionReason: an annotation without gitops-lint/ignore-reason suppresses nothing and is reported at the annotation", async () => {
    const config = "requireSuppressionReason: true\n";
    const bare = configMap(PATCH, "    gitops-lint/ignore: inline-patch-directive\n");
    const without = await lint(bare, config);
    expect(without.brief).toEqual([
      { ruleId: "invalid-suppression", line: lineOf(bare, "gitops-lint/ignore"), suppressed: false, reason: undefined },
      { ruleId: "inline-patch-directive", line: lineOf(bare, "$patch"), suppressed: false, reason: undefined },
    ]);
    expect(without.findings[0]!.message).toContain("without a gitops-lint/ignore-reason annotation suppresses nothing here");
    expect(without.code).toBe(1);
    // Without the setting the same annotation suppresses, as documented.
    expect((await lint(bare)).brief).toEqual([{ ruleId: "inline-patch-directive", line: lineOf(bare, "$patch"), suppressed: true, reason: "annotation gitops-lint/ignore" }]);
  });

  it("reportUnusedSuppressions: true reports what --report-unused-suppressions reports", async () => {
    const stale = configMap("  # gitops-lint-ignore inline-patch-directive -- the $patch key was removed\n  level: info\n");
    const byFlag = await lint(stale, undefined, ["--report-unused-suppressions"]);
    const byConfig = await lint(stale, "reportUnusedSuppressions: true\n");
    expect(byConfig.brief).toEqual([{ ruleId: "unused-suppression", line: lineOf(stale, "gitops-lint-ignore"), suppressed: false, reason: undefined }]);
    expect(byConfig.findings).toEqual(byFlag.findings);
    expect((await lint(stale)).findings).toEqual([]);
  });
});
