/** Input limits: each one exceeded becomes an `invalid-input` finding, never a crash or a silent skip. */
export interface LoadLimits {
  /** Bytes per input file (stdin included); a bigger file is not read. */
  maxFileSize: number;
  /** Documents per input file; the documents after the limit are not linted. */
  maxDocuments: number;
  /** Nodes a document may have with its aliases expanded (alias bombs such as "billion laughs"). */
  maxAliasNodes: number;
}

export const DEFAULT_LIMITS: LoadLimits = {
  // Rendered platform repositories reach tens of megabytes (CRDs included); 45.6 MB of real charts is
  // 3,941 documents. The defaults leave room for that and stop a mistaken multi-gigabyte input early.
  maxFileSize: 256 * 1024 * 1024,
  maxDocuments: 100_000,
  // An alias bomb would otherwise explode every walker; the parse workers and tests use this default too.
  maxAliasNodes: 2_000_000,
};

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3 };

/** `1048576`, `500KB`, `64MiB`, `1G` → bytes; undefined when it is not a size. */
export function parseByteSize(input: string | number): number | undefined {
  if (typeof input === "number") return Number.isSafeInteger(input) && input > 0 ? input : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(input);
  if (!match) return undefined;
  const unit = UNITS[match[2]!.toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.round(Number(match[1]) * unit);
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : undefined;
}

/**
 * Bytes for people, in the unit family of `like` (a limit, as the user gave it): decimal when it is a whole
 * number of KB but not of KiB (`--max-file-size 10MB` reads back as "10 MB", not "9.5 MiB"), else binary.
 */
export function formatBytes(bytes: number, like: number = bytes): string {
  const decimal = like % 1000 === 0 && like % 1024 !== 0;
  const units: Array<[number, string]> = decimal
    ? [[1e9, "GB"], [1e6, "MB"], [1e3, "KB"]]
    : [[1024 ** 3, "GiB"], [1024 ** 2, "MiB"], [1024, "KiB"]];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number.isInteger(bytes / size) ? bytes / size : (bytes / size).toFixed(1)} ${unit}`;
  }
  return `${bytes} bytes`;
}
