import { readFileSync } from "node:fs";
import jsYaml from "js-yaml";

/** A small config file (kustomization.yaml, Chart.yaml) as plain data; undefined when it cannot be read or parsed. */
export function readYamlFile(file: string): unknown {
  try {
    return jsYaml.load(readFileSync(file, "utf8"), { schema: jsYaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
}
