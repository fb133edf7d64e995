import { readFileSync } from "node:fs";
import { LineScan } from "./scan-positions.js";
import type { NodePath } from "./types.js";

/** The 1-based line where a YAML file writes the node at `path` (Chart.yaml's `dependencies`, or its item 2); undefined when it does not, or the file cannot be read. */
export function lineOfPath(file: string, path: NodePath): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const scan = new LineScan(text);
  const found = scan.range(path);
  return found !== undefined && found.depth === path.length ? scan.linePos(found.range[0]).line : undefined;
}
