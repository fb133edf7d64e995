import { readFileSync } from "node:fs";
import jsYaml from "js-yaml";
import { yamlFilesUnder } from "./yaml-files.js";

// The baseline: read the same files (every YAML file under the directory, or the stream on stdin for `-`)
// and js-yaml loadAll them (its default schema; `json: true` lets duplicate keys through, as real renders
// need). Prints the parse time alone; the caller times the process.
const target = process.argv[2]!;
const texts = target === "-" ? [readFileSync(0, "utf8")] : yamlFilesUnder(target).map((file) => readFileSync(file, "utf8"));
const started = performance.now();
let documents = 0;
let errors = 0;
for (const text of texts) {
  try {
    jsYaml.loadAll(text, () => documents++, { json: true });
  } catch {
    errors++;
  }
}
console.log(JSON.stringify({ parseMs: performance.now() - started, documents, errors }));
