import type { Severity, SeverityLevel } from "./severity.js";

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
const BY_RANK: Severity[] = ["info", "warning", "error"];

/**
 * The severity of a finding. A rule reports at its default severity, or at a lower grade for findings of the
 * same meaning that matter less. With no configured severity the reported grade stands; a configured
 * severity replaces the default grade, and a lower grade keeps its distance below it (never below info). So
 * `hook-budget-exceeds-timeout: warning` makes its errors warnings and its warnings infos, and the exit code
 * depends on nothing but the input and the configuration.
 */
export function gradedSeverity(defaultSeverity: Severity, reported: Severity | undefined, configured: Exclude<SeverityLevel, "off"> | undefined): Severity {
  const grade = reported ?? defaultSeverity;
  if (configured === undefined) return grade;
  const below = Math.max(0, RANK[defaultSeverity] - RANK[grade]);
  return BY_RANK[Math.max(0, RANK[configured] - below)]!;
}
