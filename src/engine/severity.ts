export const SEVERITIES = ["off", "info", "warning", "error"] as const;
export type SeverityLevel = (typeof SEVERITIES)[number];
export type Severity = Exclude<SeverityLevel, "off">;

export function isSeverityLevel(value: unknown): value is SeverityLevel {
  return typeof value === "string" && (SEVERITIES as readonly string[]).includes(value);
}
