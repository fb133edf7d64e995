import jsYaml from "js-yaml";
import type { K8sObject } from "../model/objects.js";
import { asArray, getPath, isObject } from "../util/json.js";
import { documentTexts, substitutionDisabled } from "./flux-kustomization.js";
import { substitute, VARIABLE_NAME } from "./flux-substitute.js";

/** The variables of a Kustomization's `spec.postBuild`, as far as the input holds them. */
export interface PostBuildVariables {
  vars: Map<string, string>;
  /** `substituteFrom` sources gitops-lint could not read (not in the input, SOPS-encrypted): their variables are unknown. */
  unknownSources: string[];
  /** `substituteStrategy: Always`: substitute even with no variables (defaults then apply). */
  always: boolean;
  /** Variable names Flux rejects (`'x' var name is invalid`). */
  invalidNames: string[];
}

/**
 * The variables kustomize-controller substitutes for a Kustomization (fluxcd/pkg kustomize_varsub.go): the
 * `substituteFrom` ConfigMaps' and Secrets' data in order, then `substitute` over them, newlines removed.
 * Undefined when the Kustomization has no `spec.postBuild`: then nothing is substituted, defaults included.
 */
export function postBuildVariables(kustomization: K8sObject, find: (kind: string, name: string) => K8sObject | undefined): PostBuildVariables | undefined {
  const postBuild = getPath(kustomization.body, ["spec", "postBuild"]);
  if (!isObject(postBuild)) return undefined;
  const vars = new Map<string, string>();
  const unknownSources: string[] = [];
  for (const ref of asArray(postBuild.substituteFrom)) {
    if (!isObject(ref) || typeof ref.kind !== "string" || typeof ref.name !== "string") continue;
    const source = ref.kind === "ConfigMap" || ref.kind === "Secret" ? find(ref.kind, ref.name) : undefined;
    const data = source ? dataOf(source) : undefined;
    if (!data) {
      unknownSources.push(`${ref.kind}/${ref.name}${source && isObject(source.body.sops) ? " (SOPS-encrypted)" : ""}`);
      continue;
    }
    for (const [key, value] of data) vars.set(key, value.replace(/\n/g, ""));
  }
  if (isObject(postBuild.substitute)) {
    for (const [key, value] of Object.entries(postBuild.substitute)) vars.set(key, String(value).replace(/\n/g, ""));
  }
  return {
    vars,
    unknownSources,
    always: postBuild.substituteStrategy === "Always",
    invalidNames: [...vars.keys()].filter((name) => !VARIABLE_NAME.test(name)),
  };
}

/** A ConfigMap's `data`, a Secret's `data` (decoded) and `stringData`; undefined for an encrypted Secret. */
function dataOf(object: K8sObject): Map<string, string> | undefined {
  if (isObject(object.body.sops)) return undefined;
  const out = new Map<string, string>();
  const data = isObject(object.body.data) ? object.body.data : {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === "string") out.set(key, object.kind === "Secret" ? Buffer.from(value, "base64").toString("utf8") : value);
  }
  if (object.kind === "Secret" && isObject(object.body.stringData)) {
    for (const [key, value] of Object.entries(object.body.stringData)) if (typeof value === "string") out.set(key, value);
  }
  return out;
}

export interface PostBuildOutcome {
  stream: string;
  /** Variables without a value or default, per document of the stream (strict mode fails on the first). */
  unset: Array<{ document: number; name: string; path: Array<string | number> }>;
  /** Expressions Flux cannot parse, per document. */
  errors: Array<{ document: number; message: string }>;
}

/** Substitutes into each built document that does not opt out, as kustomize-controller does after the build. */
export function applyPostBuild(stream: string, variables: PostBuildVariables): PostBuildOutcome {
  const outcome: PostBuildOutcome = { stream, unset: [], errors: [] };
  if (variables.vars.size === 0 && !variables.always) return outcome; // Flux: no variables, no substitution
  const unknownIsUnset = variables.unknownSources.length === 0;
  const texts = documentTexts(stream);
  const out: string[] = [];
  texts.forEach((text, document) => {
    if (substitutionDisabled(text)) {
      out.push(text);
      return;
    }
    const result = substitute(text, variables.vars, { unknownIsUnset });
    if ("error" in result) {
      outcome.errors.push({ document, message: `variable substitution failed: ${result.error}` });
      out.push(text);
      return;
    }
    for (const { name } of dedupeNames(result.unset)) outcome.unset.push({ document, name, path: pathOfReference(text, name) });
    out.push(result.output);
  });
  outcome.stream = out.map((t) => `---\n${t.replace(/^---[ \t]*\n/, "")}`).join("");
  return outcome;
}

function dedupeNames(unset: Array<{ name: string }>): Array<{ name: string }> {
  return [...new Map(unset.map((u) => [u.name, u])).values()];
}

/** The key path of the first value (or key) of a document whose text references `${name…}`, for positioning. */
function pathOfReference(text: string, name: string): Array<string | number> {
  let value: unknown;
  try {
    value = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
  } catch {
    return [];
  }
  const needle = new RegExp(`\\$\\{#?${name}(?![_\\p{L}\\p{Nd}])`, "u");
  const visit = (node: unknown, at: Array<string | number>): Array<string | number> | undefined => {
    if (typeof node === "string") return needle.test(node) ? at : undefined;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const found = visit(node[i], [...at, i]);
        if (found) return found;
      }
      return undefined;
    }
    if (isObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        if (needle.test(key)) return [...at, key];
        const found = visit(child, [...at, key]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return visit(value, []) ?? [];
}
