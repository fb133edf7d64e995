/** `1.31`, `v1.31.4`, `1.31.4-gke.100` → [1, 31]; undefined when it does not read. */
function minorVersionOf(version: string | undefined): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(version?.trim() ?? "");
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** True when `version` is known and not newer than `major.minor`. */
export function atMost(version: string | undefined, major: number, minor: number): boolean {
  const v = minorVersionOf(version);
  return v !== undefined && (v[0] < major || (v[0] === major && v[1] <= minor));
}
