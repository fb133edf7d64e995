import { applierOf, type ApplierId } from "../model/applier.js";
import type { ManifestSet } from "../model/manifest-set.js";
import { describe } from "../model/objects.js";
import { INVALID_INPUT } from "./notices.js";
import type { RunSettings } from "./rule.js";
import type { RuleReport } from "./run-rules.js";

/** What could not be read into the set, as invalid-input reports: always errors, never suppressed (notices.ts). */
export function inputReports(set: ManifestSet, settings: RunSettings = {}): RuleReport[] {
  const { id, remediation } = INVALID_INPUT.meta;
  const reports: RuleReport[] = [];
  for (const problem of set.problems) {
    if (problem.kind !== "invalid-input") continue;
    const base = { ruleId: id, severity: "error" as const, remediation, fatal: true };
    if ("object" in problem) {
      reports.push({ ...base, object: problem.object, path: problem.path, message: problem.message });
      continue;
    }
    // A document that still parsed (duplicate keys: the last one wins) holds an object the message can name.
    const objects = problem.document ? set.objectsIn(problem.document) : [];
    const subject = objects.length === 1 ? `${describe(objects[0]!)}: ` : "";
    const flux = problem.duplicateKey !== undefined && objects.length > 0 ? fluxRejects(applierOf(objects[0]!, set, settings).id, problem.duplicateKey) : undefined;
    reports.push({ ...base, file: problem.file, line: problem.line, column: problem.column, message: `${subject}${flux ?? problem.message}`, ...(problem.document ? { document: problem.document } : {}) });
  }
  return reports;
}

/**
 * A duplicate key in a document a Flux controller applies: kustomize-controller's `kustomize build` and the
 * kustomize post-renderer helm-controller runs on every HelmRelease (fluxcd/helm-controller
 * `internal/postrender/build.go`) parse each document strictly and fail the whole unit on it.
 */
function fluxRejects(applier: ApplierId, key: string): string | undefined {
  const who =
    applier === "flux-kustomize" ? "Flux kustomize-controller's kustomize build fails the whole Kustomization"
    : applier === "flux-helm" ? "Flux helm-controller's post-renderer, which every HelmRelease runs, fails the release"
    : undefined;
  return who && `duplicate key "${key}": ${who} on it ("mapping key \"${key}\" already defined"); remove one (the last one is linted)`;
}
