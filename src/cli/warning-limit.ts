import { UsageError } from "../engine/config.js";

/** `--max-warnings N`: the limit, or undefined for none (the flag absent, or -1 as in ESLint). */
export function parseMaxWarnings(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < -1 || value.trim() === "") {
    throw new UsageError(`--max-warnings expects a whole number, or -1 for no limit, got "${value}"`);
  }
  return n === -1 ? undefined : n;
}

/** The line explaining a failure for too many warnings, or undefined when within the limit. */
export function tooManyWarnings(warnings: number, max: number | undefined): string | undefined {
  if (max === undefined || warnings <= max) return undefined;
  return `${warnings} warning${warnings === 1 ? "" : "s"}, more than --max-warnings ${max} allows; fix or suppress them, or raise the limit`;
}
