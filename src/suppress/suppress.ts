import type { Finding, FindingPlace } from "../engine/finding.js";
import type { Report } from "../engine/rule.js";
import type { RuleReport } from "../engine/run-rules.js";
import { INVALID_SUPPRESSION, UNUSED_SUPPRESSION } from "../engine/notices.js";
import type { K8sObject } from "../model/objects.js";
import { describe } from "../model/objects.js";
import { closestName } from "../util/closest-name.js";
import { didYouMean } from "../engine/unknown-rule.js";
import { directiveIn, IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION, ignoreAnnotationPlaces, listedIds, type Directive } from "./directives.js";
import type { DirectiveSource } from "./directive-sources.js";

export interface SuppressOptions {
  /** Every id gitops-lint knows (rules and notices), for telling a typo from a real id. */
  known: readonly string[];
  /** Ids that can never be suppressed (invalid-input). */
  unsuppressible: readonly string[];
  /** Report directives that suppressed nothing (`--report-unused-suppressions`). */
  reportUnused: boolean;
  /** Config `requireSuppressionReason`: a directive without ` -- reason` is invalid. */
  requireReason: boolean;
}

/**
 * The one place findings are suppressed, after they are located: by a `gitops-lint/ignore` annotation on
 * the reported object (or its pod template), or by a directive comment covering the finding at any place
 * it was located at (what was read, the kustomize source, the chart template). Returns what is wrong with
 * the directives themselves (invalid ones, and unused ones when asked), as reports of the engine's notices.
 */
export function applySuppressions(
  findings: Finding[],
  sources: DirectiveSource[],
  objects: Iterable<K8sObject>,
  options: SuppressOptions,
  locate: (report: RuleReport) => Finding,
): Finding[] {
  const known = new Set(options.known);
  const unsuppressible = new Set(options.unsuppressible);
  const used = new Set<string>();
  const valid = (directive: Directive): boolean => !directive.colon && !(options.requireReason && directive.reason === undefined);

  for (const finding of findings) {
    if (finding.fatal || unsuppressible.has(finding.ruleId)) continue;
    const byAnnotation = finding.subject ? annotationSuppression(finding.subject, finding.ruleId) : undefined;
    if (byAnnotation && !(options.requireReason && byAnnotation.reason === undefined)) {
      suppress(finding, byAnnotation.reason ?? `annotation ${IGNORE_ANNOTATION}`);
      used.add(byAnnotation.key);
    }
    for (const place of finding.places ?? []) {
      for (const covering of coveringDirectives(place)) {
        if (!valid(covering.directive) || !covering.directive.ids.some((i) => i.id === finding.ruleId)) continue;
        used.add(`${place.file}\0${covering.line}\0${finding.ruleId}`);
        if (!finding.suppressed) suppress(finding, covering.directive.reason ?? "comment gitops-lint-ignore");
      }
    }
  }

  const reports: Finding[] = [];
  const problem = (notice: typeof INVALID_SUPPRESSION, at: Report, annotationId?: string): void => {
    const finding = locate({ ...at, ruleId: notice.meta.id, severity: notice.meta.defaultSeverity, remediation: notice.meta.remediation } as RuleReport);
    if (annotationId !== undefined) pointAtId(finding, annotationId);
    reports.push(finding);
  };
  for (const source of sources) {
    source.lines.forEach((text, i) => {
      const directive = directiveIn(text);
      if (!directive) return;
      const line = source.firstLine + i;
      const at = (column: number, message: string) => ({ file: source.file, line, column, message, ...(source.document ? { document: source.document } : {}) });
      for (const message of directiveProblems(directive, known, unsuppressible, options)) problem(INVALID_SUPPRESSION, at(message.column, message.text));
      if (!options.reportUnused || !valid(directive)) return;
      for (const { id, column } of directive.ids) {
        if (known.has(id) && !unsuppressible.has(id) && !used.has(`${source.file}\0${line}\0${id}`)) {
          problem(UNUSED_SUPPRESSION, at(column, `gitops-lint-ignore ${id} suppressed nothing in this run; remove it if the finding it was written for is gone`));
        }
      }
    });
  }
  for (const object of objects) {
    for (const { metadataPath, annotations } of ignoreAnnotationPlaces(object)) {
      const path = [...metadataPath, "annotations", IGNORE_ANNOTATION];
      const ids = listedIds(annotations[IGNORE_ANNOTATION]);
      if (options.requireReason && ids.length > 0 && annotations[IGNORE_REASON_ANNOTATION] === undefined) {
        problem(INVALID_SUPPRESSION, {
          object,
          path,
          message: `${describe(object)}: annotation ${IGNORE_ANNOTATION} without a ${IGNORE_REASON_ANNOTATION} annotation suppresses nothing here: the config requires a reason (add ${IGNORE_REASON_ANNOTATION}: "<why>" next to it)`,
        });
        continue;
      }
      for (const id of ids) {
        if (!known.has(id)) {
          problem(INVALID_SUPPRESSION, { object, path, message: `${describe(object)}: annotation ${IGNORE_ANNOTATION} names unknown rule "${id}", which suppresses nothing; ${didYouMean(id, options.known)}` }, id);
        } else if (unsuppressible.has(id)) {
          problem(INVALID_SUPPRESSION, { object, path, message: `${describe(object)}: annotation ${IGNORE_ANNOTATION} names ${id}, which cannot be suppressed: fix the input instead` }, id);
        } else if (options.reportUnused && !used.has(annotationKey(object, metadataPath, id))) {
          problem(UNUSED_SUPPRESSION, { object, path, message: `${describe(object)}: annotation ${IGNORE_ANNOTATION} lists ${id}, which suppressed nothing in this run; remove it if the finding it was written for is gone` }, id);
        }
      }
    }
  }
  return reports;
}

/**
 * A finding at an annotation key, moved to the id inside the annotation's value on the same line, when the
 * line read is the line shown (not for objects kustomize built: their key is in the source file).
 */
function pointAtId(finding: Finding, id: string): void {
  const place = finding.places?.[0];
  if (finding.rendered || !place) return;
  const text = place.lines[place.index] ?? "";
  const valueStart = text.indexOf(":", finding.column - 1) + 1;
  const at = valueStart > 0 ? wordIndex(text, id, valueStart) : -1;
  if (at !== -1) Object.assign(finding, { column: at + 1, endLine: finding.line, endColumn: at + 1 + id.length });
}

/** Index of `word` in `text` from `from` on, standing alone (not part of a longer id), or -1. */
function wordIndex(text: string, word: string, from: number): number {
  const isIdChar = (c: string | undefined): boolean => c !== undefined && /[\w-]/.test(c);
  for (let i = text.indexOf(word, from); i !== -1; i = text.indexOf(word, i + 1)) {
    if (!isIdChar(text[i - 1]) && !isIdChar(text[i + word.length])) return i;
  }
  return -1;
}

function suppress(finding: Finding, reason: string): void {
  finding.suppressed = true;
  finding.suppressionReason = reason;
}

/** The annotation on the object (or its pod template) that suppresses this rule, with its key for the unused report. */
function annotationSuppression(object: K8sObject, ruleId: string): { reason: string | undefined; key: string } | undefined {
  for (const { metadataPath, annotations } of ignoreAnnotationPlaces(object)) {
    if (listedIds(annotations[IGNORE_ANNOTATION]).includes(ruleId)) {
      return { reason: annotations[IGNORE_REASON_ANNOTATION], key: annotationKey(object, metadataPath, ruleId) };
    }
  }
  return undefined;
}

function annotationKey(object: K8sObject, metadataPath: readonly (string | number)[], id: string): string {
  return `${object.source.file}\0${object.source.index}\0${metadataPath.join("/")}\0${id}`;
}

/** The directives that cover the reported line of a place: alone on the line above, or at the end of the line itself. */
function coveringDirectives(place: FindingPlace): Array<{ directive: Directive; line: number }> {
  const out: Array<{ directive: Directive; line: number }> = [];
  const above = place.index > 0 ? directiveIn(place.lines[place.index - 1] ?? "") : undefined;
  if (above && !above.trailing) out.push({ directive: above, line: place.firstLine + place.index - 1 });
  const same = place.index >= 0 ? directiveIn(place.lines[place.index] ?? "") : undefined;
  if (same?.trailing) out.push({ directive: same, line: place.firstLine + place.index });
  return out;
}

/** What is wrong with a directive, each at its column. */
function directiveProblems(directive: Directive, known: Set<string>, unsuppressible: Set<string>, options: SuppressOptions): Array<{ column: number; text: string }> {
  if (directive.colon) return [{ column: directive.column, text: `"gitops-lint-ignore:" is not read as a directive; write "gitops-lint-ignore <rule-id> -- <reason>" without the colon` }];
  if (directive.ids.length === 0) return [{ column: directive.column, text: "gitops-lint-ignore names no rule, so it suppresses nothing; list the rule ids it is for" }];
  const prose = reasonWithoutSeparator(directive.ids, known, options.known);
  if (prose) return [{ column: prose[0]!.column, text: `gitops-lint-ignore comment: "${prose.map((w) => w.id).join(" ")}" is not a rule id; write a reason after " -- "` }];
  const problems: Array<{ column: number; text: string }> = [];
  for (const { id, column } of directive.ids) {
    if (!known.has(id)) problems.push({ column, text: `gitops-lint-ignore comment names unknown rule "${id}", which suppresses nothing; ${didYouMean(id, options.known)}` });
    else if (unsuppressible.has(id)) problems.push({ column, text: `${id} cannot be suppressed: input that was not read must be fixed, not ignored` });
  }
  if (options.requireReason && directive.reason === undefined) {
    problems.push({ column: directive.column, text: 'gitops-lint-ignore without a reason suppresses nothing here: the config requires one (write " -- <reason>" after the rule ids)' });
  }
  return problems;
}

/**
 * `# gitops-lint-ignore some-rule because we accept it`: known ids followed only by words that resemble no
 * rule id (several, or one without a dash) are a reason written without its ` -- ` separator, reported once
 * rather than word by word.
 */
function reasonWithoutSeparator(ids: Directive["ids"], isKnown: Set<string>, known: readonly string[]): Directive["ids"] | undefined {
  const firstUnknown = ids.findIndex((i) => !isKnown.has(i.id));
  if (firstUnknown < 1) return undefined;
  const rest = ids.slice(firstUnknown);
  const prose = rest.length > 1 || !rest[0]!.id.includes("-"); // every rule id has a dash: one dashed word is a typo
  return prose && rest.every((i) => closestName(i.id, known) === undefined) ? rest : undefined;
}
