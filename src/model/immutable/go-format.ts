import { asArray, isObject } from "../../util/json.js";

/*
 * Values printed the way the API server prints them in field errors (apimachinery
 * pkg/util/validation/field/errors.go: strings with %q, structs with %#v), so that a message quotes the
 * error users will see.
 */

export function goQuote(value: unknown): string {
  if (value === undefined || value === null) return "null";
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function goStrings(values: unknown): string {
  const list = asArray(values).map((v) => JSON.stringify(String(v)));
  return list.length === 0 ? "[]string(nil)" : `[]string{${list.join(", ")}}`;
}

function goStringMap(map: unknown): string {
  if (!isObject(map) || Object.keys(map).length === 0) return "map[string]string(nil)";
  const entries = Object.keys(map)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${JSON.stringify(String(map[key]))}`);
  return `map[string]string{${entries.join(", ")}}`;
}

/** `v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}` */
export function goLabelSelector(selector: unknown): string {
  if (!isObject(selector)) return "null";
  const expressions = asArray(selector.matchExpressions).filter(isObject);
  const requirements =
    expressions.length === 0
      ? "[]v1.LabelSelectorRequirement(nil)"
      : `[]v1.LabelSelectorRequirement{${expressions
          .map((e) => `v1.LabelSelectorRequirement{Key:${goQuote(e.key ?? "")}, Operator:${goQuote(e.operator ?? "")}, Values:${goStrings(e.values)}}`)
          .join(", ")}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(selector.matchLabels)}, MatchExpressions:${requirements}}`;
}

/** `[]string{"None"}` */
export function goStringList(values: unknown): string {
  return goStrings(values);
}
