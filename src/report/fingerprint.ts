import type { Finding } from "../engine/finding.js";
import { crypto } from "../util/lazy-builtins.js";

// node:crypto is loaded when a report first hashes, not on import: only SARIF and GitLab reports do, and
// loading it was ~6 ms of every one-file lint's start-up (issue 6).
const sha256 = (text: string): string => crypto().createHash("sha256").update(text).digest("hex");

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
    return sha256(`${base}\0${repeat}`).slice(0, 32);
  });
}

function lineText(finding: Finding): string {
  const document = finding.document;
  const line = finding.rendered?.line ?? finding.line;
  if (!document) return `${line}:${finding.column}`;
  return document.text.split("\n")[line - document.startLine]?.trim() ?? `${line}:${finding.column}`;
}
