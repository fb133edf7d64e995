import type { SourceDocument } from "../load/types.js";
import type { K8sObject, ObjectRef } from "../model/objects.js";
import type { Severity } from "./severity.js";

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Best source position: the file the user edits. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Position in what was actually read, when it differs from file/line (mapped Helm templates). */
  rendered?: { file: string; line: number; column: number };
  object?: ObjectRef;
  target?: ObjectRef;
  remediation: string;
  suppressed: boolean;
  suppressionReason?: string;
  /** Input that was not read (invalid-input): always an error, never suppressed. */
  fatal?: boolean;
  /** The object reported on, for annotation suppressions; never serialized. */
  subject?: K8sObject;
  /** The document the finding is in, for snippets and fingerprints; never serialized. */
  document?: SourceDocument;
  /** Every place the finding was located at (what was read, the kustomize source, the chart template), where a suppression comment counts; never serialized. */
  places?: FindingPlace[];
}

/** The text around one position of a finding: where a `# gitops-lint-ignore` comment covering it may be written. */
export interface FindingPlace {
  /** The file, as findings name files. */
  file: string;
  /** The lines of that file (or of the document read), and the file line of the first. */
  lines: readonly string[];
  firstLine: number;
  /** 0-based index in `lines` of the line the finding is reported at there. */
  index: number;
}

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
  suppressed: number;
  files: number;
  objects: number;
  /** Files skipped because a kustomization lists them as patches (see ManifestSet.kustomizePatches). */
  kustomizePatches: number;
  /** Charts, HelmReleases and Kustomizations that were not rendered (failed, or their content is not in the repository). */
  notRendered: number;
  /** Active warnings and infos `--quiet` left out of the output (absent without --quiet). */
  hidden?: { warnings: number; infos: number };
}

export interface LintResult {
  findings: Finding[];
  summary: Summary;
  /** How rendering found what it rendered (HelmReleases rendered from the repository's charts): shown with the summary. */
  notes: string[];
  /** Internal failures (a rule that threw): reported on stderr, and the exit code becomes 2. */
  failures: string[];
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

/** What was read, for the summary line: files, objects, and kustomize patch files skipped. */
export type InputCounts = Pick<Summary, "files" | "objects" | "kustomizePatches" | "notRendered">;

/** Counts of the findings as given: active ones by severity, and the suppressed. */
export function summarize(findings: Finding[], counts: InputCounts): Summary {
  const active = findings.filter((f) => !f.suppressed);
  return {
    errors: active.filter((f) => f.severity === "error").length,
    warnings: active.filter((f) => f.severity === "warning").length,
    infos: active.filter((f) => f.severity === "info").length,
    suppressed: findings.length - active.length,
    files: counts.files,
    objects: counts.objects,
    kustomizePatches: counts.kustomizePatches,
    notRendered: counts.notRendered,
  };
}
