import { Buffer, isUtf8 } from "node:buffer";
import { parseSourceDocument } from "./parse-document.js";
import { splitDocuments } from "./split-documents.js";
import { lineColumnAt } from "./text-position.js";
import type { LoadedFile, LoadProblem } from "./types.js";

/** Bytes of one input → its parsed documents and everything wrong with it. Pure: no I/O. */
export function loadFile(file: string, bytes: Uint8Array): LoadedFile {
  const decoded = decode(file, bytes);
  if ("problem" in decoded) return { file, documents: [], problems: [decoded.problem] };
  const documents = [];
  const problems: LoadProblem[] = [];
  for (const source of splitDocuments(file, decoded.text)) {
    const result = parseSourceDocument(source);
    problems.push(...result.problems);
    if ("value" in result) documents.push({ source, value: result.value });
  }
  return { file, documents, problems };
}

function decode(file: string, bytes: Uint8Array): { text: string } | { problem: LoadProblem } {
  const nul = bytes.subarray(0, 8192).indexOf(0);
  if (nul !== -1) {
    return { problem: { kind: "invalid-input", file, line: 1, column: 1, message: `binary data (a NUL byte at offset ${nul}): not a YAML or JSON manifest` } };
  }
  let text: string;
  // isUtf8 (simdutf) then a plain decode is cheaper than a fatal TextDecoder on megabytes of input.
  if (isUtf8(bytes)) {
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  } else {
    const lossy = new TextDecoder("utf-8").decode(bytes);
    const { line, column } = lineColumnAt(lossy, lossy.indexOf("\uFFFD"));
    return { problem: { kind: "invalid-input", file, line, column, message: "not valid UTF-8 here: Kubernetes reads manifests as UTF-8; re-save the file as UTF-8" } };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text: text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text };
}
