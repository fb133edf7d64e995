import { applierOf, type ApplierId } from "../model/applier.js";
import type { ManifestSet } from "../model/manifest-set.js";
import { describe } from "../model/objects.js";
import type { ResolvedConfig } from "./config.js";
import { gradedSeverity } from "./graded-severity.js";
import { INVALID_INPUT, NOT_RENDERED, RENDER_FAILED, RENDER_INCOMPLETE, type Notice } from "./notices.js";
import type { RuleReport } from "./run-rules.js";

const BY_KIND: Record<string, Notice> = { "invalid-input": INVALID_INPUT, "render-failed": RENDER_FAILED, "render-incomplete": RENDER_INCOMPLETE, "not-rendered": NOT_RENDERED };

/**
 * What could not be read or rendered into the set, as reports of the engine's notices (notices.ts):
 * invalid-input always an error and never suppressed; the render notices at their configured severity.
 * Problems of a rule's kind (unrendered-template, …) are that rule's to report.
 */
export function inputReports(set: ManifestSet, config: ResolvedConfig): RuleReport[] {
  const settings = config.settings;
  const reports: RuleReport[] = [];
  for (const problem of set.problems) {
    const notice = BY_KIND[problem.kind];
    if (!notice) continue;
    const { id, remediation, defaultSeverity } = notice.meta;
    const configured = config.severities.get(id);
    if (configured === "off") continue;
    const fatal = notice.configurable === "never";
    const base = { ruleId: id, severity: fatal ? ("error" as const) : gradedSeverity(defaultSeverity, undefined, configured), remediation, ...(fatal ? { fatal: true } : {}) };
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
