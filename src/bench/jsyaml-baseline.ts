import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import jsYaml from "js-yaml";

// The baseline: read the same files and js-yaml loadAll them (its default schema; `json: true` lets
// duplicate keys through, as real renders need). Prints the parse time alone; the caller times the process.
const dir = process.argv[2]!;
const texts = readdirSync(dir).sort().map((f) => readFileSync(path.join(dir, f), "utf8"));
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
