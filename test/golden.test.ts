import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { catalogue, findRule } from "../rules/index.js";
import { lintJson, REPO, type JsonFinding, type JsonReport } from "./support/cli.js";
import { fixtureCases, type FixtureCase } from "./support/fixture-expectations.js";
import { assertNoMachinePaths, assertValidSarif } from "./support/sarif.js";

// What users read, pinned for every fixture: each finding's position and span, severity (and whether it is
// fatal), rule, object, full message, its own remediation (when it is not the rule's), where it was rendered
// and whether it was suppressed, then the summary and the exit code. The expected text is
// test/golden/<rule-id>/<case>.txt, written by `npm run golden` and reviewed in the diff; the fixtures'
// `# expect:` markers say which findings must be there, the golden files what they say. The same run's SARIF
// is checked against the 2.1.0 schema.

const GOLDEN = path.join(REPO, "test", "golden");
const sarifDir = mkdtempSync(path.join(tmpdir(), "gitops-lint-golden-"));
afterAll(() => rmSync(sarifDir, { recursive: true, force: true }));

const cases: Array<{ ruleId: string; fixture: FixtureCase }> = catalogue
  .map((entry) => entry.meta.id)
  .filter((id) => existsSync(path.join(REPO, "fixtures", id)))
  .flatMap((ruleId) => fixtureCases(REPO, ruleId).map((fixture) => ({ ruleId, fixture })));

/** test/golden/<rule-id>/<case>.txt for fixtures/<rule-id>/<case>[.yaml]. */
const goldenPath = (fixture: FixtureCase): string => path.join(GOLDEN, `${fixture.name.replace(/^fixtures\//, "").replace(/\.(ya?ml|json)$/, "")}.txt`);

function findingText(f: JsonFinding): string {
  const object = f.object ? `  ${f.object.kind}/${f.object.namespace ? `${f.object.namespace}/` : ""}${f.object.name}` : "";
  const fatal = f.fatal ? " (fatal)" : "";
  const lines = [`${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn}  ${f.severity}${fatal}  ${f.ruleId}${object}`, `  ${f.message}`];
  if (f.remediation !== findRule(f.ruleId)?.meta.remediation) lines.push(`  fix: ${f.remediation}`);
  if (f.rendered) lines.push(`  rendered at ${f.rendered.file}:${f.rendered.line}:${f.rendered.column}`);
  if (f.suppressed) lines.push(`  suppressed${f.suppressionReason ? `: ${f.suppressionReason}` : ""}`);
  return lines.join("\n");
}

function goldenText(fixture: FixtureCase, report: JsonReport & { code: number }): string {
  const s = report.summary;
  return [
    `# gitops-lint ${[...fixture.files, ...fixture.args].join(" ")}`,
    ...report.findings.map(findingText),
    `summary: ${s.errors} errors, ${s.warnings} warnings, ${s.infos} infos, ${s.suppressed} suppressed; ${s.files} files, ${s.objects} objects, ` +
      `${s.kustomizePatches} kustomize patches, ${s.notRendered} not rendered; exit code ${report.code}`,
    "",
  ].join("\n");
}

describe.each([...new Set(cases.map((c) => c.ruleId))])("%s fixtures", (ruleId) => {
  it.each(cases.filter((c) => c.ruleId === ruleId).map(({ fixture }) => [fixture.name, fixture] as const))("%s", async (_name, fixture) => {
    const sarif = path.join(sarifDir, `${fixture.name.replace(/\W+/g, "-")}.sarif`);
    const report = await lintJson([...fixture.files, ...fixture.args, "-f", "sarif", "-o", sarif]);
    const text = goldenText(fixture, report);
    assertNoMachinePaths(text);
    await expect(text).toMatchFileSnapshot(goldenPath(fixture));
    assertValidSarif(readFileSync(sarif, "utf8"));
  });
});

// A fixture without its golden file fails above (with CI set, vitest writes no new file snapshot); a golden
// file without its fixture fails here. `npm run golden` starts from an empty test/golden.
it("has no golden file for a fixture that is gone", () => {
  const expected = new Set(cases.map(({ fixture }) => path.relative(GOLDEN, goldenPath(fixture)).split(path.sep).join("/")));
  expect(expected.size).toBe(cases.length);
  const present = existsSync(GOLDEN) ? readdirSync(GOLDEN, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".txt")).map((f) => f.split(path.sep).join("/")) : [];
  expect(present.filter((f) => !expected.has(f))).toEqual([]);
});
