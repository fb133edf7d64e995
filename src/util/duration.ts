// Go's time.ParseDuration syntax, which Flux uses for every timeout: "5m", "1h30m", "90s", "1.5h". (\u00b5 is
// the micro sign, "µs", written as an escape: the CLI bundle must be ASCII, src/build/bundle-cli.ts.)
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, "\u00b5s": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const DURATION = /^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|ms|s|m|h)(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|ms|s|m|h))*$/;

export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "0") return 0;
  if (!DURATION.test(trimmed)) return undefined;
  let seconds = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|ms|s|m|h)/g)) {
    seconds += Number(match[1]) * UNIT_SECONDS[match[2]!]!;
  }
  return seconds;
}

/** 900 → "15m", 1344 → "22m24s", 90.5 → "1m30.5s". */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round((seconds % 60) * 1000) / 1000;
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}`;
}
