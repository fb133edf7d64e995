import type { Described, RuleMeta } from "./rule.js";
import type { SeverityLevel } from "./severity.js";

/**
 * What the engine itself reports, outside the rules: input it could not read, and suppression directives
 * that do not do what they say. They have ids and documentation like rules (SARIF, `explain`, docs), but no
 * rule runs them, and what the user may do with them is limited (`configurable`).
 */
export interface Notice extends Described {
  meta: RuleMeta;
  /**
   * `never`: cannot be configured or suppressed, always an error (ESLint's `fatal`): input that was not
   * read must never pass. `severity`: the severity can be changed, but not to off. `yes`: like a rule.
   */
  configurable: "never" | "severity" | "yes";
}

export const INVALID_INPUT: Notice = {
  configurable: "never",
  meta: {
    id: "invalid-input",
    description:
      "Input that cannot be read as Kubernetes manifests: YAML syntax errors, duplicate keys, non-UTF-8 or binary bytes, " +
      "a document with `kind` but no `apiVersion`, missing, unreadable or empty paths, inputs over a limit.",
    rationale:
      "A document the linter cannot read is a document nobody checked. The API server and every applier reject the same " +
      "input (strict field validation refuses duplicate keys; a syntax error fails the whole `kubectl apply`, Helm release " +
      "or Flux Kustomization), so it is reported where it is instead of being skipped. It is not a rule: it cannot be " +
      "turned off, downgraded or suppressed, and it always fails the run (exit code 1); the other files are still linted. " +
      "Under Flux a duplicate key fails the whole unit before anything is applied: kustomize-controller's `kustomize build`, " +
      "and the kustomize post-renderer helm-controller runs on every HelmRelease (fluxcd/helm-controller " +
      "`internal/postrender/build.go`), parse each document strictly and stop at `mapping key \"x\" already defined`; the " +
      "message says so.",
    remediation: "Fix the input at the reported position: correct the YAML syntax, remove the duplicate key, re-save the file as UTF-8, add the missing field, or fix the path.",
    defaultSeverity: "error",
    example: {
      bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  name: app-v2\n",
      good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-v2\n",
    },
    tags: ["input"],
    precision: "very-high",
  },
};

export const INVALID_SUPPRESSION: Notice = {
  configurable: "yes",
  meta: {
    id: "invalid-suppression",
    description:
      "A suppression directive that suppresses nothing because it is malformed: an unknown rule id, `gitops-lint-ignore:` " +
      "with a colon, an id that cannot be suppressed, or no reason where the config requires one.",
    rationale:
      "A `# gitops-lint-ignore` comment or `gitops-lint/ignore` annotation that does not parse, or names a rule that does " +
      "not exist (a typo, a renamed rule), looks like it silences a finding and silences nothing; the finding it was " +
      "written for comes back, or worse, the reader believes a check ran. It is reported at the directive, with the " +
      "closest existing rule id.",
    remediation: "Write the directive as `# gitops-lint-ignore <rule-id>[,<rule-id>] -- <reason>` with ids from `gitops-lint rules`, or remove it.",
    defaultSeverity: "warning",
    example: {
      bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    # gitops-lint-ignore strategy-flip -- created as Recreate\n    type: Recreate\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    # gitops-lint-ignore strategy-flip-without-force -- created as Recreate\n    type: Recreate\n",
    },
    tags: ["suppression"],
    precision: "very-high",
  },
};

export const UNUSED_SUPPRESSION: Notice = {
  configurable: "yes",
  meta: {
    id: "unused-suppression",
    description: "A suppression directive that suppressed no finding in this run (reported with `--report-unused-suppressions` or config `reportUnusedSuppressions: true`).",
    rationale:
      "Suppressions outlive the findings they were written for: the manifest is fixed, the rule learns the case, the key " +
      "moves. A stale directive then hides the next real finding on that line. As ESLint's unused-disable-directive report, " +
      "it is off unless asked for, because a run that lints only part of a repository cannot know every use.",
    remediation: "Remove the directive, or the rule id from it, when the finding it was written for is gone.",
    defaultSeverity: "warning",
    example: {
      bad: "# test-args: --report-unused-suppressions\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  # gitops-lint-ignore liveness-equals-readiness -- no probes here\n  name: app\n",
      good: "# test-args: --report-unused-suppressions\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
    },
    tags: ["suppression"],
    precision: "very-high",
  },
};

export const NOTICES: Notice[] = [INVALID_SUPPRESSION, UNUSED_SUPPRESSION, INVALID_INPUT];

/** Why a configured severity for a notice is refused, or undefined when it is allowed. */
export function noticeConfigError(notice: Notice, severity: SeverityLevel): string | undefined {
  if (notice.configurable === "never") {
    return `${notice.meta.id} cannot be configured: input gitops-lint could not read always fails the run, so that nothing passes unread`;
  }
  if (notice.configurable === "severity" && severity === "off") return `${notice.meta.id} cannot be turned off, only downgraded (info, warning, error)`;
  return undefined;
}
