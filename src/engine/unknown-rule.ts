import { closestName } from "../util/closest-name.js";

/** What to do about a rule id that does not exist: the closest existing id (a typo, a shortened id), or where the ids are listed. */
export function didYouMean(id: string, known: readonly string[]): string {
  const suggestion = closestName(id, known);
  return suggestion !== undefined ? `did you mean "${suggestion}"?` : "see `gitops-lint rules` for the rule ids";
}
