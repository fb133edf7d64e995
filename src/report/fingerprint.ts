import { createHash } from "node:crypto";
import type { Finding } from "../engine/finding.js";

/**
 * Identities for findings that survive unrelated edits (lines added above): rule, file, object, message
 * and the text of the reported line, never the line number. Findings identical in all of those are told
 * apart by their order. One hex digest per finding, in the order given.
 */
export function fingerprints(findings: Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const object = finding.object ? `${finding.object.kind}/${finding.object.namespace ?? ""}/${finding.object.name}` : "";
    const base = [finding.ruleId, finding.file, object, finding.message, lineText(finding)].join("\0");
    const repeat = seen.get(base) ?? 0;
    seen.set(base, repeat + 1);
    return createHash("sha256").update(`${base}\0${repeat}`).digest("hex").slice(0, 32);
  });
}

function lineText(finding: Finding): string {
  const document = finding.document;
  const line = finding.rendered?.line ?? finding.line;
  if (!document) return `${line}:${finding.column}`;
  return document.text.split("\n")[line - document.startLine]?.trim() ?? `${line}:${finding.column}`;
}
