import type { ManifestSet } from "../model/manifest-set.js";
import { describe } from "../model/objects.js";
import { INVALID_INPUT } from "./notices.js";
import type { RuleReport } from "./run-rules.js";

/** What could not be read into the set, as invalid-input reports: always errors, never suppressed (notices.ts). */
export function inputReports(set: ManifestSet): RuleReport[] {
  const { id, remediation } = INVALID_INPUT.meta;
  const reports: RuleReport[] = [];
  for (const problem of set.problems) {
    if (problem.kind !== "invalid-input") continue;
    const base = { ruleId: id, severity: "error" as const, remediation, fatal: true };
    if ("object" in problem) {
      reports.push({ ...base, object: problem.object, path: problem.path, message: problem.message });
      continue;
    }
    // A document that still parsed (duplicate keys: the last one wins) holds an object the message can name.
    const objects = problem.document ? set.objectsIn(problem.document) : [];
    const subject = objects.length === 1 ? `${describe(objects[0]!)}: ` : "";
    reports.push({ ...base, file: problem.file, line: problem.line, column: problem.column, message: `${subject}${problem.message}`, ...(problem.document ? { document: problem.document } : {}) });
  }
  return reports;
}
