import { readFileSync } from "node:fs";

/** The 1-based line where a YAML file writes `key:` at its top level (block style, as Chart.yaml and kustomization.yaml are written); undefined when it does not, or the file cannot be read. */
export function topLevelKeyLine(file: string, key: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const index = text.split("\n").findIndex((line) => line.startsWith(`${key}:`));
  return index === -1 ? undefined : index + 1;
}
