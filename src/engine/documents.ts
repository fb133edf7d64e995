import type { SourceDocument } from "../load/types.js";
import type { ManifestSet } from "../model/manifest-set.js";

/** Every document read: those holding objects, and those a loading problem is in. */
export function documentsOf(set: ManifestSet): Set<SourceDocument> {
  const documents = new Set<SourceDocument>();
  for (const object of set.objects) documents.add(object.source);
  for (const problem of set.problems) if (problem.document) documents.add(problem.document);
  return documents;
}
