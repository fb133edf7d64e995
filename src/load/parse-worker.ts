import { workerThreads } from "../util/lazy-builtins.js";
import { parseSourceDocument } from "./parse-document.js";
import type { LoadProblem, SourceDocument } from "./types.js";

/** A batch of documents to parse off the main thread. */
export interface ParseRequest {
  id: number;
  documents: SourceDocument[];
  maxAliasNodes: number;
}

/** Per document: its value (absent when it could not be parsed) and its problems, without the document back-reference. */
export interface ParseReply {
  id: number;
  results: Array<{ value?: unknown; problems: Array<Pick<LoadProblem, "kind" | "line" | "column" | "message" | "duplicateKey">> }>;
}

/**
 * Makes this thread a parse worker: it answers the pool's requests. False on the main thread. node:worker_threads
 * is loaded here and not before: a run that starts no worker does not load it (a few milliseconds of start-up).
 */
export function answerParseRequests(): boolean {
  const { parentPort } = workerThreads();
  if (!parentPort) return false;
  // Only the parsed values travel back: the main thread already has the documents' text, and copying
  // plain data is far cheaper than copying it together with the strings it was parsed from.
  parentPort.on("message", (request: ParseRequest) => {
    const results: ParseReply["results"] = request.documents.map((document) => {
      const { value, problems } = parseSourceDocument(document, request.maxAliasNodes);
      const stripped = problems.map(({ kind, line, column, message, duplicateKey }) => ({ kind, line, column, message, ...(duplicateKey !== undefined ? { duplicateKey } : {}) }));
      return value === undefined ? { problems: stripped } : { value, problems: stripped };
    });
    parentPort.postMessage({ id: request.id, results } satisfies ParseReply);
  });
  return true;
}
