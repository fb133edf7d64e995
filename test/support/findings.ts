import type { JsonFinding } from "./cli.js";

/** The findings of one rule. */
export function ofRule(findings: JsonFinding[], ruleId: string): JsonFinding[] {
  return findings.filter((f) => f.ruleId === ruleId);
}

/** `Kind/name file:line:column severity`: what a finding is about and where, in one comparable string. */
export function placeOf(f: JsonFinding): string {
  return `${f.object?.kind}/${f.object?.name} ${f.file}:${f.line}:${f.column} ${f.severity}`;
}
