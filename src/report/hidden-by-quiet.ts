import type { Summary } from "../engine/finding.js";

/** `3 warnings and 1 info hidden by --quiet`, or undefined when --quiet hid nothing. */
export function hiddenByQuiet(summary: Summary): string | undefined {
  const { warnings = 0, infos = 0 } = summary.hidden ?? {};
  const parts = [warnings ? `${warnings} warning${warnings === 1 ? "" : "s"}` : "", infos ? `${infos} info` : ""].filter((p) => p !== "");
  return parts.length > 0 ? `${parts.join(" and ")} hidden by --quiet` : undefined;
}
