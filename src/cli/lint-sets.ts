import type { ResolvedConfig } from "../engine/config.js";
import { compareFindings, summarize, type Finding, type LintResult } from "../engine/finding.js";
import { inputReports } from "../engine/input-notices.js";
import { BASE_UNAVAILABLE, INVALID_INPUT, NOT_RENDERED, NOTICES, RENDER_FAILED } from "../engine/notices.js";
import type { AnyRule } from "../engine/rule.js";
import { runRules } from "../engine/run-rules.js";
import { gradedSeverity } from "../engine/graded-severity.js";
import type { SourceDocument } from "../load/types.js";
import { Locator } from "../locate/locate.js";
import type { TemplateMapOptions } from "../locate/template-map.js";
import { ManifestSet } from "../model/manifest-set.js";
import { ShellScripts } from "../shell/shell-scripts.js";
import { checkedScriptTexts } from "../model/checked-scripts.js";
import { parentSetKey } from "../render/cluster-directories.js";
import type { BaseUnavailable } from "./read-base.js";
import { directiveSources } from "../suppress/directive-sources.js";
import { applySuppressions } from "../suppress/suppress.js";

export interface LintSetsOptions {
  /** Diff-aware runs: the same inputs as they were at the base, by set key (ManifestSet.key). */
  bases?: Map<string, ManifestSet>;
  /** Diff-aware runs: a base for every set (`--base-file`), with the set's own base from `bases`. */
  baseEverywhere?: ManifestSet;
  /** Why (part of) the base could not be read: one base-unavailable finding each, at the input it is about or the first. */
  baseUnavailable?: BaseUnavailable[];
  /** Notes for the summary (how rendering found what it rendered). */
  notes?: string[];
  /** Where rendered Helm output maps to chart templates (and suppression comments there count). */
  templates?: TemplateMapOptions;
  /** Report suppression directives that suppressed nothing. */
  reportUnusedSuppressions?: boolean;
  /** The run's shell pass, when the caller started it while reading (scripts sent ahead); else one is made here. */
  shell?: ShellScripts;
}

/**
 * The stages after reading, in one direction: rules (and the engine's input notices) → locate → suppress →
 * dedupe and sort → summary. Nothing here reads input except the files findings are located in.
 */
export function lintSets(sets: ManifestSet[], rules: AnyRule[], config: ResolvedConfig, options: LintSetsOptions = {}): LintResult {
  const documents = (): Iterable<SourceDocument> => sets.flatMap((set) => [...set.documents()]);
  const locator = new Locator(documents, options.templates ?? { cwd: process.cwd() });
  const failures: string[] = [];
  let findings: Finding[] = [];
  // One shell pass for every set and rule: each script is parsed once, under deterministic limits.
  const shell = options.shell ?? new ShellScripts(config.settings.shellLimits);
  shell.readAhead(() => checkedScriptTexts(sets.flatMap((set) => set.objects)));
  for (const set of sets) {
    const run = runRules(set, rules, config, baseOf(set.key, options), shell);
    failures.push(...run.failures);
    for (const report of [...inputReports(set, config), ...run.reports]) findings.push(locator.locate(report));
  }
  const unavailable = config.severities.get(BASE_UNAVAILABLE.meta.id);
  const firstFile = sets.flatMap((s) => s.files)[0] ?? "<input>";
  if (unavailable !== "off") {
    for (const reason of options.baseUnavailable ?? []) {
      const { id, defaultSeverity, remediation } = BASE_UNAVAILABLE.meta;
      const file = reason.file ?? firstFile;
      findings.push(locator.locate({ ruleId: id, severity: gradedSeverity(defaultSeverity, undefined, unavailable), remediation, file, line: 1, column: 1, message: `the base revision is not compared: ${reason.message}` }));
    }
  }

  const objects = sets.flatMap((set) => set.objects);
  const directiveProblems = applySuppressions(
    findings,
    directiveSources(documents(), objects, options.templates ?? { cwd: process.cwd() }),
    objects,
    {
      known: [...rules.map((r) => r.meta.id), ...NOTICES.map((n) => n.meta.id)],
      unsuppressible: [INVALID_INPUT.meta.id],
      reportUnused: options.reportUnusedSuppressions ?? config.settings.reportUnusedSuppressions ?? false,
      requireReason: config.settings.requireSuppressionReason ?? false,
    },
    (report) => locator.locate(report),
  );
  for (const problem of directiveProblems) {
    const configured = config.severities.get(problem.ruleId);
    if (configured === "off") continue;
    problem.severity = gradedSeverity(problem.severity, undefined, configured);
    findings.push(problem);
  }

  findings = dedupe(findings).sort(compareFindings);
  const counts = {
    files: new Set(sets.flatMap((set) => set.files)).size,
    objects: objects.length,
    kustomizePatches: sets.reduce((n, set) => n + set.kustomizePatches.length, 0),
    notRendered: countNotRendered(sets, config, locator),
  };
  return { findings, failures, summary: summarize(findings, counts), notes: options.notes ?? [] };
}

/** The base of one set: its own at the base revision, and the `--base-file` objects; undefined without a base. */
function baseOf(key: string, options: LintSetsOptions): ManifestSet | undefined {
  if (!options.bases && !options.baseEverywhere) return undefined;
  const own = options.bases ? ownBase(key, options.bases) : undefined;
  if (!options.baseEverywhere) return own ?? new ManifestSet(key);
  if (!own) return options.baseEverywhere;
  const both = new ManifestSet(key);
  for (const read of [...own.reads, ...options.baseEverywhere.reads]) both.add(read);
  return both;
}

/**
 * The base revision's set for a head set: the one of the same key; when the change splits a cluster directory off
 * the set or joins it back (src/render/cluster-directories.ts), the base sets it was or will be part of.
 */
function ownBase(key: string, bases: Map<string, ManifestSet>): ManifestSet | undefined {
  const parent = parentSetKey(key);
  if (key !== parent) return bases.get(key) ?? bases.get(parent);
  const parts = [...bases.values()].filter((set) => parentSetKey(set.key) === key);
  if (parts.length <= 1) return bases.get(key);
  const joined = new ManifestSet(key);
  for (const read of parts.flatMap((set) => set.reads)) joined.add(read);
  return joined;
}

/** One finding per rule, object and position: the same object reached through two inputs gives its findings once. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = findingKey(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function findingKey(f: Finding): string {
  // A finding without an object (a syntax error) is told apart by its document: two documents rendered from one template line are two.
  const object = f.object ? `${f.object.apiVersion ?? ""}/${f.object.kind}/${f.object.namespace ?? ""}/${f.object.name}` : f.document ? `${f.document.file}#${f.document.index}` : "";
  return `${f.ruleId}\0${object}\0${f.file}\0${f.line}\0${f.column}`;
}

/**
 * Units not rendered, whatever their findings' severity (a run never hides what it did not see), counted as their
 * findings are: a unit two sets reach (a base both clusters build) is one finding, and one in the count.
 */
function countNotRendered(sets: ManifestSet[], config: ResolvedConfig, locator: Locator): number {
  const every = { ...config, severities: new Map() };
  const keys = new Set<string>();
  const counted = new Set([NOT_RENDERED.meta.id, RENDER_FAILED.meta.id]);
  for (const set of sets) {
    // Most sets have none: their notices are not built a second time.
    if (!set.problems.some((p) => counted.has(p.kind))) continue;
    for (const report of inputReports(set, every)) {
      if (counted.has(report.ruleId)) keys.add(findingKey(locator.locate(report)));
    }
  }
  return keys.size;
}
