import { Buffer, isUtf8 } from "node:buffer";
import { DEFAULT_LIMITS, formatBytes, type LoadLimits } from "./limits.js";
import { parseSourceDocument } from "./parse-document.js";
import { splitDocuments } from "./split-documents.js";
import { lineColumnAt } from "./text-position.js";
import type { LoadedFile, LoadProblem, ParsedDocument, SourceDocument } from "./types.js";
import { thousands } from "../util/thousands.js";

/**
 * One input → its parsed documents and everything wrong with it. Pure: no I/O. The input is its bytes,
 * or its text when the reader decoded it already and it was valid UTF-8 (load-many.ts readTextFile).
 */
export function loadFile(file: string, content: Uint8Array | string, limits: LoadLimits = DEFAULT_LIMITS): LoadedFile {
  const { sources, problems } = prepareFile(file, content, limits);
  const documents: ParsedDocument[] = [];
  for (const source of sources) {
    const result = parseSourceDocument(source, limits.maxAliasNodes);
    problems.push(...result.problems);
    if ("value" in result) documents.push({ source, value: result.value });
  }
  return { file, documents, problems };
}

/**
 * The cheap, sequential half of loading: size limit, decoding, splitting into documents, document
 * limit. Parsing each document (the expensive half) is independent, so it can run elsewhere.
 */
export function prepareFile(file: string, content: Uint8Array | string, limits: LoadLimits = DEFAULT_LIMITS): { sources: SourceDocument[]; problems: LoadProblem[] } {
  const size = sizeOf(content, limits.maxFileSize);
  if (size > limits.maxFileSize) {
    return { sources: [], problems: [fileTooBig(file, size, limits.maxFileSize)] };
  }
  const decoded = typeof content === "string" ? checkText(file, content) : decode(file, content);
  if ("problem" in decoded) return { sources: [], problems: [decoded.problem] };
  const sources = splitDocuments(file, decoded.text);
  if (sources.length <= limits.maxDocuments) return { sources, problems: [] };
  const first = sources[limits.maxDocuments]!;
  return {
    sources: sources.slice(0, limits.maxDocuments),
    problems: [
      {
        kind: "invalid-input",
        file,
        line: first.startLine,
        column: 1,
        message:
          `${thousands(sources.length)} documents, more than the limit of ${thousands(limits.maxDocuments)}: ` +
          "this one and the rest were not linted; split the input or raise limits.maxDocuments (--max-documents)",
      },
    ],
  };
}

/** Bytes of the input; of a text, exact only when it could be over `limit` (UTF-8 takes at most 3 bytes per UTF-16 unit). */
function sizeOf(content: Uint8Array | string, limit: number): number {
  if (typeof content !== "string") return content.byteLength;
  return content.length * 3 <= limit ? content.length : Buffer.byteLength(content);
}

export function fileTooBig(file: string, size: number, limit: number): LoadProblem {
  return {
    kind: "invalid-input",
    file,
    line: 1,
    column: 1,
    message: `file is ${formatBytes(size, limit)}, more than the limit of ${formatBytes(limit)}: it was not linted; raise limits.maxFileSize (--max-file-size) if it really is one render`,
  };
}

// A NUL further in is reported per document (parse-document.ts): the other documents are still linted.
const BINARY_PROBE_BYTES = 8192;

function decode(file: string, bytes: Uint8Array): { text: string } | { problem: LoadProblem } {
  const nul = bytes.subarray(0, BINARY_PROBE_BYTES).indexOf(0);
  if (nul !== -1) return { problem: binary(file, nul) };
  // isUtf8 (simdutf) then a plain decode is cheaper than a fatal TextDecoder on megabytes of input.
  if (!isUtf8(bytes)) {
    const lossy = new TextDecoder("utf-8").decode(bytes);
    const { line, column } = lineColumnAt(lossy, lossy.indexOf("\uFFFD"));
    return { problem: { kind: "invalid-input", file, line, column, message: "not valid UTF-8 here: Kubernetes reads manifests as UTF-8; re-save the file as UTF-8" } };
  }
  return normalized(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
}

/** The same checks on text decoded from valid UTF-8. */
function checkText(file: string, text: string): { text: string } | { problem: LoadProblem } {
  const nul = text.indexOf("\0");
  if (nul !== -1) {
    const offset = Buffer.byteLength(text.slice(0, nul));
    if (offset < BINARY_PROBE_BYTES) return { problem: binary(file, offset) };
  }
  return normalized(text);
}

function binary(file: string, offset: number): LoadProblem {
  return { kind: "invalid-input", file, line: 1, column: 1, message: `binary data (a NUL byte at offset ${offset}): not a YAML or JSON manifest` };
}

function normalized(text: string): { text: string } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text: text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text };
}
