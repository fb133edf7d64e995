/*
 * Checks the API server makes that no schema encodes, written after the upstream functions they
 * name (kubernetes/apimachinery `pkg/util/validation/validation.go`, `pkg/api/validation/objectmeta.go`,
 * `pkg/apis/meta/v1` label selectors). Each returns the error messages the API server would give.
 */
import jsYaml from "js-yaml";
import { asArray, getPath, isObject } from "../util/json.js";
import type { K8sObject } from "./objects.js";

/** `IsValidPortName` (IANA_SVC_NAME): at most 15 characters of `[-a-z0-9]`, a letter, no `--`, no hyphen at either end. */
export function portNameErrors(port: string): string[] {
  const errors: string[] = [];
  if (port.length > 15) errors.push("must be no more than 15 characters");
  if (!/^[-a-z0-9]+$/.test(port)) errors.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(port)) errors.push("must contain at least one letter (a-z)");
  if (port.includes("--")) errors.push("must not contain consecutive hyphens");
  if (port.startsWith("-") || port.endsWith("-")) errors.push("must not begin or end with a hyphen");
  return errors;
}

/** `IsDNS1035Label`: what a Service name must be (`ValidateServiceName`). */
export function dns1035LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push("must be no more than 63 characters");
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    errors.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character " +
        "(e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errors;
}

export type SelectorVerdict = { matches: true } | { matches: false; reason: string } | { empty: true } | { unreadable: true };

/**
 * Whether a `LabelSelector` (`matchLabels` and `matchExpressions` with In, NotIn, Exists, DoesNotExist)
 * selects `labels`, as `metav1.LabelSelectorAsSelector(...).Matches` does; the first requirement that
 * fails, in words. A selector it cannot read is left to schema validation.
 */
export function selectorMatches(selector: unknown, labels: Record<string, string>): SelectorVerdict {
  if (!isObject(selector)) return { unreadable: true };
  const matchLabels = selector.matchLabels ?? {};
  const expressions = selector.matchExpressions ?? [];
  if (!isObject(matchLabels) || !Array.isArray(expressions)) return { unreadable: true };
  if (Object.keys(matchLabels).length + expressions.length === 0) return { empty: true };
  for (const [key, value] of Object.entries(matchLabels)) {
    if (typeof value !== "string") return { unreadable: true };
    if (labels[key] !== value) return { matches: false, reason: labels[key] === undefined ? `${key}=${value} (the template has no ${key} label)` : `${key}=${value} (the template says ${key}=${labels[key]})` };
  }
  for (const expression of expressions) {
    if (!isObject(expression) || typeof expression.key !== "string" || typeof expression.operator !== "string") return { unreadable: true };
    const values = asArray(expression.values).filter((v): v is string => typeof v === "string");
    const has = expression.key in labels;
    const value = labels[expression.key];
    const text = `${expression.key} ${expression.operator}${values.length ? ` (${values.join(", ")})` : ""}`;
    switch (expression.operator) {
      case "In":
        if (!has || !values.includes(value!)) return { matches: false, reason: text };
        break;
      case "NotIn":
        if (has && values.includes(value!)) return { matches: false, reason: text };
        break;
      case "Exists":
        if (!has) return { matches: false, reason: text };
        break;
      case "DoesNotExist":
        if (has) return { matches: false, reason: text };
        break;
      default:
        return { unreadable: true };
    }
  }
  return { matches: true };
}

/** `TotalAnnotationSizeLimitB`: the annotations of an object, keys and values, may not exceed 256 KiB. */
export const ANNOTATIONS_LIMIT = 256 * 1024;
export const LAST_APPLIED_KEY = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * Bytes of the `kubectl.kubernetes.io/last-applied-configuration` annotation client-side apply writes:
 * the object as given, without that annotation, as compact JSON the way Go's encoder writes it
 * (`<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c` and so on, a final newline), kubectl
 * `apply` GetModifiedConfiguration.
 */
export function lastAppliedBytes(object: K8sObject): number {
  const body = wholeBody(object);
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const annotations = isObject(metadata.annotations) ? { ...metadata.annotations } : undefined;
  if (annotations) delete annotations[LAST_APPLIED_KEY];
  const json = JSON.stringify({ ...body, metadata: { ...metadata, ...(annotations ? { annotations } : {}) } });
  // \u003c is 6 bytes for the 1 of `<`; \u2028 is 6 bytes for its 3
  const html = json.match(/[<>&]/g)?.length ?? 0;
  const separators = json.match(/[\u2028\u2029]/g)?.length ?? 0;
  return Buffer.byteLength(json) + 5 * html + 3 * separators + 1;
}

/** Bytes the annotations take against the limit: every key and value (`ValidateAnnotationsSize`). */
export function annotationBytes(annotations: Record<string, string>, without?: string): number {
  let total = 0;
  for (const [key, value] of Object.entries(annotations)) if (key !== without) total += Buffer.byteLength(key) + Buffer.byteLength(value);
  return total;
}

/**
 * The object as written. The loader keeps only a summary of a CRD's spec (load/crd-schema.ts), so a
 * CRD is read again from its document's text, which only this size check needs.
 */
function wholeBody(object: K8sObject): Record<string, unknown> {
  if (object.kind !== "CustomResourceDefinition") return object.body;
  try {
    const whole = getPath(jsYaml.load(object.source.text, { schema: jsYaml.CORE_SCHEMA }), object.basePath);
    return isObject(whole) ? whole : object.body;
  } catch {
    return object.body;
  }
}
