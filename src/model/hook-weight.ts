/** Go's `int` on the 64-bit builds Helm ships for servers and CI (strconv.IntSize = 64). */
const INT_MIN = -(2n ** 63n);
const INT_MAX = 2n ** 63n - 1n;

export interface HookWeight {
  /** The weight Helm sorts by. */
  value: bigint;
  /** Why Helm read the annotation as 0 instead of what it says. */
  problem?: "not-an-integer" | "out-of-range";
}

/**
 * `helm.sh/hook-weight` as Helm reads it (`pkg/release/v1/util/manifest_sorter.go` calculateHookWeight, Helm 3
 * and 4): `strconv.Atoi`, and 0 whenever Atoi fails. Atoi takes an optional sign and ASCII decimal digits
 * (leading zeros allowed; no spaces, underscores, decimals or exponents) within the range of `int`; a value
 * out of range is an error too, so it becomes 0, not the nearest bound. A missing or empty annotation is 0
 * with nothing to say: that is the weight Helm gives every hook by default.
 */
export function parseHookWeight(text: string | undefined): HookWeight {
  if (text === undefined || text === "") return { value: 0n };
  if (!/^[+-]?[0-9]+$/.test(text)) return { value: 0n, problem: "not-an-integer" };
  const value = BigInt(text);
  return value < INT_MIN || value > INT_MAX ? { value: 0n, problem: "out-of-range" } : { value };
}
