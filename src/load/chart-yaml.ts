import path from "node:path";
import { isObject } from "../util/json.js";
import { readYamlFile } from "./read-yaml-file.js";

/** A chart directory's Chart.yaml as plain data, when it reads. */
export function chartYaml(dir: string): Record<string, unknown> | undefined {
  const value = readYamlFile(path.join(dir, "Chart.yaml"));
  return isObject(value) ? value : undefined;
}

/** The chart's `name` from its Chart.yaml. */
export function chartNameOf(dir: string): string | undefined {
  const name = chartYaml(dir)?.name;
  return typeof name === "string" ? name : undefined;
}

/** The `dependencies` a Chart.yaml declares, with the fields gitops-lint reads. */
export function dependenciesOf(dir: string): { name?: string; alias?: string }[] {
  const deps = chartYaml(dir)?.dependencies;
  return Array.isArray(deps)
    ? deps.filter(isObject).map((d) => ({
        ...(typeof d.name === "string" ? { name: d.name } : {}),
        ...(typeof d.alias === "string" ? { alias: d.alias } : {}),
      }))
    : [];
}
