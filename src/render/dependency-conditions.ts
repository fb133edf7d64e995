import { existsSync } from "node:fs";
import { isObject, type JsonObject } from "../util/json.js";
import { mergeMaps, readValues, setAtKeyPath, typedSetValue, type ChartAssembly } from "./chart-tree.js";

/**
 * The values a render gives Helm, in Helm's order: values files (a HelmRelease's values go in as one), then each
 * `--set`, then each `--set-string`.
 */
export interface UserValues {
  valuesFiles: string[];
  inlineValues: JsonObject[];
  set: string[];
  setString: string[];
}

/**
 * Whether Helm disables a left-out dependency of the chart with these values (its `condition`, else its `tags`), as
 * processDependencyEnabled does before rendering (helm/helm pkg/chart/v2/util/dependencies.go). Only a sure answer
 * counts: any value that cannot be read or interpreted exactly as Helm would leaves the dependency enabled. The
 * chart's Chart.yaml is the assembly's reading of it.
 */
export function disabledByValues(assembly: ChartAssembly, chartValuesFile: string, user: UserValues): (dependency: ChartAssembly["leftOut"][number]) => boolean {
  const userValues = readUserValues(user);
  const chartValues = existsSync(chartValuesFile) ? readValues(chartValuesFile) : {};
  if (userValues === undefined || chartValues === undefined) return () => false;
  // Helm coalesces a subchart's own values.yaml under its alias or name, which is not read here.
  const subcharts = new Set([...assembly.vendored, ...assembly.dependencies.map((d) => d.alias ?? d.name)]);
  const layers: Layers = { user: userValues, chart: chartValues, mayBeSubchart: (key) => subcharts.has(key) };
  return (dependency) => enabled(dependency.entry, layers) === false;
}

interface Layers {
  user: JsonObject;
  chart: JsonObject;
  /** Whether a top-level key may be a subchart's: Helm coalesces the subchart's own values.yaml under it, which is not read here. */
  mayBeSubchart: (key: string) => boolean;
}

/** Helm's verdict for one Chart.yaml dependency entry; undefined when it cannot be known exactly. */
function enabled(entry: JsonObject, layers: Layers): boolean | undefined {
  const condition = entry.condition ?? "";
  const tags = entry.tags ?? [];
  if (typeof condition !== "string" || !Array.isArray(tags) || !tags.every((t) => typeof t === "string")) return undefined; // Helm cannot load that Chart.yaml
  // The first path of the comma-separated list that holds a boolean decides; paths are not trimmed one by one.
  for (const part of condition.trim().split(",")) {
    if (part === "") continue;
    // Spaces, parentheses or operators: a later Helm's condition expressions, or a key nobody writes; not interpreted.
    if (!/^[\w.-]+$/.test(part)) return undefined;
    const found = lookup(part.split("."), layers);
    if (found === undefined || typeof found.value === "boolean") return found?.value as boolean | undefined;
  }
  // processDependencyTags: disabled when a listed tag is false and none is true under `tags:`.
  let hasTrue = false;
  let hasFalse = false;
  for (const tag of tags as string[]) {
    const found = lookup(["tags", tag], layers);
    if (found === undefined) return undefined;
    if (found.value === true) hasTrue = true;
    if (found.value === false) hasFalse = true;
  }
  return hasTrue || !hasFalse;
}

// YAML 1.1 booleans that Helm's YAML reader (go-yaml v2) reads as true/false and js-yaml's core schema keeps as strings.
const YAML11_BOOLEAN = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/**
 * The value at a path of the user's values coalesced over the chart's (the user's win, maps merge): `{ value }`
 * with `value` undefined when Helm's PathValue finds none (missing, or a map), undefined when it cannot be known.
 */
function lookup(keys: string[], layers: Layers): { value: unknown } | undefined {
  let user: unknown = layers.user;
  let chart: unknown = layers.chart;
  for (const [i, key] of keys.entries()) {
    // A key Helm reads differently: empty, or a YAML 1.1 boolean (Helm's reader turns an `on:` key into "true"); and a
    // merge key, which Helm applies and js-yaml's core schema keeps as a key.
    if (key === "" || YAML11_BOOLEAN.test(key) || key === "true" || key === "false") return undefined;
    if ([user, chart].some((m) => isObject(m) && Object.hasOwn(m, "<<"))) return undefined;
    const u = isObject(user) && Object.hasOwn(user, key) ? user[key] : undefined;
    const c = isObject(chart) && Object.hasOwn(chart, key) ? chart[key] : undefined;
    // Helm deletes or keeps a null depending on where it is written and on its version.
    if (u === null || c === null) return undefined;
    if (u === undefined && c === undefined) return layers.mayBeSubchart(keys[0]!) ? undefined : { value: undefined };
    user = u;
    chart = u === undefined || isObject(u) ? c : undefined; // a user scalar or list replaces whatever the chart has
    const value = u !== undefined ? u : c;
    if (i === keys.length - 1) {
      if (isObject(value)) return { value: undefined };
      return typeof value === "string" && YAML11_BOOLEAN.test(value) ? undefined : { value };
    }
    if (!isObject(value)) return { value: undefined }; // Helm's Table lookup stops at a scalar
  }
  return { value: undefined };
}

/** The user's values merged as Helm merges them; undefined when a part cannot be read or parsed exactly. */
function readUserValues(user: UserValues): JsonObject | undefined {
  let values: JsonObject = {};
  for (const file of user.valuesFiles) {
    const read = readValues(file);
    if (read === undefined) return undefined;
    values = mergeMaps(values, read);
  }
  for (const inline of user.inlineValues) values = mergeMaps(values, structuredClone(inline)); // --set below writes into it
  for (const expression of user.set) if (!applySet(values, expression, false)) return undefined;
  for (const expression of user.setString) if (!applySet(values, expression, true)) return undefined;
  return values;
}

/**
 * One `--set` / `--set-string` argument applied as Helm's strvals parser does, for the plain form only
 * (`a.b=v,c=w`): escapes, list indexes and `{…}` lists make it false (not interpreted), as does a key path
 * Helm fails on (setAtKeyPath).
 */
function applySet(values: JsonObject, expression: string, asString: boolean): boolean {
  if (/[\\[\]{}]/.test(expression)) return false;
  return expression.split(",").every((pair) => {
    const eq = pair.indexOf("=");
    const text = pair.slice(eq + 1);
    return eq > 0 && setAtKeyPath(values, pair.slice(0, eq), asString ? text : typedSetValue(text));
  });
}
