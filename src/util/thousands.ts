/**
 * A whole number with commas between groups of three digits ("25,000"), as messages write counts. Not
 * toLocaleString: its first call loads ICU's locale data, about 15 ms, which a rule's metadata built at start-up
 * would pay on every run.
 */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
