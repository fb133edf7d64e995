import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The YAML and JSON files under a directory, at any depth, in a fixed order: what a directory walk lints
 * (no Git work tree: nothing ignored), for the js-yaml baseline to read the same bytes.
 */
export function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(?:ya?ml|json)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** The files as one multi-document stream, as `helm template` of several charts prints it. */
export function asOneStream(files: string[]): string {
  return files.map((file) => `---\n${readFileSync(file, "utf8").replace(/\n?$/, "\n")}`).join("");
}
