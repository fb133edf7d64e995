import { readFileSync } from "node:fs";
import { LineScan } from "./scan-positions.js";

/** The 1-based line where a YAML file writes `key` at its top level (Chart.yaml's `dependencies`); undefined when it does not, or the file cannot be read. */
export function topLevelKeyLine(file: string, key: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const scan = new LineScan(text);
  const found = scan.range([key]);
  return found !== undefined && found.depth === 1 ? scan.linePos(found.range[0]).line : undefined;
}
