import { defineRule } from "../src/engine/rule.js";
import type { NodePath } from "../src/load/types.js";
import { isObject } from "../src/util/json.js";
import { describe, type K8sObject } from "../src/model/objects.js";

/** Strategic-merge-patch directives: meaningful in a patch, unknown fields anywhere else. */
function isDirective(key: string): boolean {
  // Called for every key of every object: the first character rules out nearly all of them.
  if (key.charCodeAt(0) !== 0x24 /* $ */) return false;
  return key === "$patch" || key === "$retainKeys" || key.startsWith("$setElementOrder/") || key.startsWith("$deleteFromPrimitiveList/");
}

/**
 * A key with a `$` is written with one, or with an escape in a double-quoted key (`"\u0024patch"`); an
 * alias or merge key repeats a key written elsewhere in the same document. Most documents have neither
 * character, and walking every field of every object is this rule's whole cost.
 */
function mayHoldDirective(documentText: string): boolean {
  return documentText.includes("$") || documentText.includes("\\");
}

/** Subtrees that hold patches or free-form chart values, not fields of the object itself. */
function isPatchOrValuesKey(key: string): boolean {
  // `patches`, `patchesStrategicMerge`, `Patches`, `jsonPatches`, `strategicMergePatch`; not `dispatch`.
  return /^patch/i.test(key) || /Patch(es)?$/.test(key) || key === "postRenderers" || key === "values" || key === "valuesObject";
}

export default defineRule({
  meta: {
    id: "inline-patch-directive",
    description:
      "A strategic-merge-patch directive (`$patch`, `$retainKeys`, `$setElementOrder/…`, `$deleteFromPrimitiveList/…`) inside a resource instead of a patch.",
    rationale:
      "These keys are instructions to a strategic-merge patcher, not fields. Inside a resource nothing consumes " +
      "them: kustomize passes them through unchanged, server-side apply without strict field validation (Flux " +
      "kustomize-controller) drops them as unknown fields, silently for built-in kinds, and strict field validation " +
      "(`kubectl apply`'s default, `fieldValidation=Strict`) rejects the object with `unknown field \"spec.strategy.$patch\"`. " +
      "In particular `$patch: replace` on `spec.strategy` never removes a live `rollingUpdate` block. Kustomize " +
      "config (Kustomization, Component), documents that are patches themselves (a top-level `$patch`), anything " +
      "under a key named like `patches`, `patchStrategicMerge` or `postRenderers`, chart values (`values`, " +
      "`valuesObject`) and CRD schemas (which declare fields, so a `$patch` there is a field name) are not " +
      "checked; files that a kustomization in their directory or above (or one in the " +
      "input) lists as patches are not linted as manifests at all.",
    remediation:
      "Delete the directive. If a patch was meant, put it in a kustomize `patches:` entry (it is consumed at build " +
      "time). To drop a field that server-side apply will not remove from the live object, see " +
      "`strategy-flip-without-force`: patch the live object once, or use the Flux force annotation for one commit.",
    defaultSeverity: "error",
    example: {
      bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    $patch: replace\n    type: Recreate\n",
      good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    type: Recreate\n",
    },
    tags: ["kustomize", "flux", "validation"],
    precision: "high",
  },
  check({ set, report }) {
    for (const object of set.objects) {
      if (object.apiVersion.startsWith("kustomize.config.k8s.io/") || object.apiVersion.startsWith("config.kubernetes.io/") || object.apiVersion === "builtin") continue;
      if (object.kind === "Kustomization") continue;
      if (object.kind === "CustomResourceDefinition") continue; // its schema declares fields: `$patch` there is a field name
      if (!mayHoldDirective(object.source.text)) continue;
      if (Object.keys(object.body).some(isDirective)) continue; // a delete/replace patch document, not a resource
      visit(object, object.body, [...object.basePath], report);
    }
  },
});

/** Walks every field; `path` is one stack, pushed and popped, copied only for a report (objects include huge CRDs). */
function visit(object: K8sObject, value: unknown, path: Array<string | number>, report: (r: { object: K8sObject; path: NodePath; message: string }) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      path.push(i);
      visit(object, item, path, report);
      path.pop();
    });
    return;
  }
  if (!isObject(value)) return;
  for (const key in value) {
    const child = value[key];
    if (isDirective(key)) {
      // Never at the top level: a document with a top-level directive is a patch and is not visited.
      const field = fieldName(path.slice(object.basePath.length));
      const shown = typeof child === "string" || typeof child === "number" || typeof child === "boolean" ? `${key}: ${String(child)}` : key;
      const fix =
        key === "$patch" && /(^|\.)(strategy|updateStrategy)$/.test(field)
          ? "delete it (to drop a live rollingUpdate block, see strategy-flip-without-force)"
          : "delete it, or move it into a kustomize patches: entry if a patch was meant";
      report({ object, path: [...path, key], message: `${describe(object)}: "${shown}" at ${field} is a strategic-merge directive, not a field; ${fix}` });
      continue;
    }
    if (isPatchOrValuesKey(key)) continue;
    path.push(key);
    visit(object, child, path, report);
    path.pop();
  }
}

/** `spec.containers[0].env`, from a path relative to the object. */
function fieldName(path: NodePath): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${part}` : part), "");
}
