import { PositionResolver } from "../load/positions.js";
import type { NodePath } from "../load/types.js";
import { closestName } from "../util/closest-name.js";
import type { ManifestSet } from "../model/manifest-set.js";
import { describe, type K8sObject } from "../model/objects.js";
import type { FindingAnchor, Report } from "../engine/rule.js";
import { IGNORE_ANNOTATION, ignoreAnnotationPlaces, ignoreCommentIn, listedIds, type IgnoreComment } from "./directives.js";
import { didYouMean } from "../engine/unknown-rule.js";

const REMEDIATION = "Correct the rule id in the suppression (`gitops-lint rules` lists them), or remove it.";

/**
 * Suppression comments and annotations that name a rule gitops-lint does not have: a typo there
 * suppresses nothing, silently. Each unknown id is reported where it is written.
 */
export function unknownSuppressionIds(set: ManifestSet, known: readonly string[]): Report[] {
  const isKnown = new Set(known);
  const reports: Report[] = [];
  for (const document of set.documents()) {
    if (!document.text.includes("gitops-lint-ignore")) continue;
    document.text.split("\n").forEach((text, i) => {
      const ids = ignoreCommentIn(text)?.ids ?? [];
      const at = (column: number) => ({ file: document.file, line: document.startLine + i, column, document, remediation: REMEDIATION });
      const reason = reasonWithoutSeparator(ids, isKnown, known);
      if (reason) {
        const message = `gitops-lint-ignore comment: "${reason.map((w) => w.id).join(" ")}" is not a rule id; write a reason after " -- "`;
        reports.push({ ...at(reason[0]!.column), message });
        return;
      }
      for (const { id, column } of ids) {
        if (isKnown.has(id)) continue;
        reports.push({ ...at(column), message: `gitops-lint-ignore comment names unknown rule "${id}", which suppresses nothing; ${didYouMean(id, known)}` });
      }
    });
  }
  const positions = new PositionResolver();
  for (const object of set.objects) {
    for (const { metadataPath, annotations } of ignoreAnnotationPlaces(object)) {
      const path = [...metadataPath, "annotations", IGNORE_ANNOTATION];
      for (const id of listedIds(annotations[IGNORE_ANNOTATION])) {
        if (isKnown.has(id)) continue;
        const message = `${describe(object)}: annotation ${IGNORE_ANNOTATION} names unknown rule "${id}", which suppresses nothing; ${didYouMean(id, known)}`;
        reports.push({ ...annotationAnchor(object, path, id, positions), message, remediation: REMEDIATION });
      }
    }
  }
  return reports;
}

/**
 * `# gitops-lint-ignore some-rule because we accept it`: known ids followed only by words that resemble no
 * rule id (several, or one without a dash) are a reason written without its ` -- ` separator, reported once
 * rather than word by word.
 */
function reasonWithoutSeparator(ids: IgnoreComment["ids"], isKnown: Set<string>, known: readonly string[]): IgnoreComment["ids"] | undefined {
  const firstUnknown = ids.findIndex((i) => !isKnown.has(i.id));
  if (firstUnknown < 1) return undefined;
  const rest = ids.slice(firstUnknown);
  const prose = rest.length > 1 || !rest[0]!.id.includes("-"); // every rule id has a dash: one dashed word is a typo
  return prose && rest.every((i) => closestName(i.id, known) === undefined) ? rest : undefined;
}

/**
 * The id inside the annotation's value. An object kustomize built is reported at the annotation key
 * instead: the engine maps that to the file the object came from.
 */
function annotationAnchor(object: K8sObject, path: NodePath, id: string, positions: PositionResolver): FindingAnchor {
  if (object.source.origin) return { object, path };
  const key = positions.resolve(object.source, path);
  const text = object.source.text.split("\n")[key.line - object.source.startLine] ?? "";
  const valueStart = text.indexOf(":", key.column - 1) + 1;
  const at = valueStart > 0 ? wordIndex(text, id, valueStart) : -1;
  return { file: object.source.file, line: key.line, column: at === -1 ? key.column : at + 1, document: object.source };
}

/** Index of `word` in `text` from `from` on, standing alone (not part of a longer id), or -1. */
function wordIndex(text: string, word: string, from: number): number {
  const isIdChar = (c: string | undefined): boolean => c !== undefined && /[\w-]/.test(c);
  for (let i = text.indexOf(word, from); i !== -1; i = text.indexOf(word, i + 1)) {
    if (!isIdChar(text[i - 1]) && !isIdChar(text[i + word.length])) return i;
  }
  return -1;
}
