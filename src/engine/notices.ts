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
      bad:
        "# Source: api/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n" +
        "    # gitops-lint-ignore strategy-flip -- created as Recreate\n    type: Recreate\n",
      good:
        "# Source: api/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n" +
        "    # gitops-lint-ignore strategy-flip-without-force -- created as Recreate\n    type: Recreate\n",
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
      bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  # gitops-lint-ignore liveness-equals-readiness -- no probes here\n  name: app\n",
      good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
      args: { bad: ["--report-unused-suppressions"], good: ["--report-unused-suppressions"] },
    },
    tags: ["suppression"],
    precision: "very-high",
  },
};

export const RENDER_FAILED: Notice = {
  configurable: "severity",
  meta: {
    id: "render-failed",
    description:
      "A chart, kustomization or Flux unit that fails to render or build: `helm template` or `kustomize build` fails, a Flux Kustomization's " +
      "`spec.path` or a HelmRelease's chart path does not exist, a values file is missing, post-build substitution cannot parse.",
    rationale:
      "What fails to render for gitops-lint fails for Flux, Helm or Argo CD the same way: the release or Kustomization is never applied " +
      "(Flux: `kustomization path not found`, `failed to build the chart`), and nothing in it was linted. The severity can be lowered " +
      "(for a chart that only renders with registry access), never turned off: the summary always counts what was not rendered.",
    remediation: "Fix the path or the template the message names; for charts with dependencies, run `helm dependency build` or pass --dependency-update.",
    defaultSeverity: "error",
    example: {
      bad:
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n" +
        "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  path: ./apps/prodution\n  prune: true\n",
      good:
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n" +
        "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  path: ./apps/production\n  prune: true\n",
      files: { good: { "apps/production/settings.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\ndata:\n  mode: fast\n" } },
    },
    tags: ["input", "helm", "kustomize", "flux"],
    precision: "very-high",
  },
};

export const RENDER_INCOMPLETE: Notice = {
  configurable: "yes",
  meta: {
    id: "render-incomplete",
    description:
      "A chart rendered without some of its dependencies that Helm would render (neither vendored in `charts/` nor charts of this repository), or a HelmRelease rendered without the values of a `valuesFrom` reference the input does not hold.",
    rationale:
      "Rendering nothing because one dependency is missing would leave the chart's own templates unchecked. gitops-lint renders the chart " +
      "without the dependencies it cannot find (a copy whose Chart.yaml leaves them out) and says which were left out: their objects were not linted. " +
      "A dependency of the chart that its `condition` or `tags` turn off under the values of the render (the chart's values.yaml, the values files, `--set`, " +
      "a HelmRelease's values) is not reported: Helm renders nothing of it either. When some of those values cannot be read exactly " +
      "(an unreadable valuesFrom, a `--set` with list indexes or escapes), the dependency is reported, as are the dependencies of its subcharts. " +
      "A HelmRelease's `valuesFrom` ConfigMap or Secret that is not in the input (applied by another unit, or created out of band), or whose value at a " +
      "`targetPath` uses `--set` syntax (commas, backslashes, `{lists}`), leaves its values out of the render: reported at `valuesFrom`, since what they set " +
      "was not linted. A targetPath Helm cannot set in the values (through a string) is a `render-failed`: helm-controller fails the release on it.",
    remediation:
      "Run `helm dependency build <chart>` (or pass --dependency-update with registry access) to lint the dependencies too, or map them to directories with `charts:` in .gitops-lint.yaml.",
    defaultSeverity: "info",
    example: {
      bad: "# A chart whose Chart.yaml declares a dependency from a registry that is not vendored:\n# dependencies: [{name: postgresql, version: 15.x, repository: oci://registry-1.docker.io/bitnamicharts}]\n",
      good: "# The same chart after `helm dependency build`: charts/postgresql-15.5.0.tgz is vendored.\n",
    },
    tags: ["input", "helm"],
    precision: "very-high",
  },
};

export const NOT_RENDERED: Notice = {
  configurable: "yes",
  meta: {
    id: "not-rendered",
    description:
      "A Flux HelmRelease or Kustomization whose content is not in this repository (a chart from a registry the repository does not publish, an " +
      "OCIRepository or Bucket source, another Git repository): it was not rendered, so its objects were not linted.",
    rationale:
      "A linter that skips what it cannot see passes silently over it. Each unit gitops-lint could not render is reported, with the reason, " +
      "and counted in the summary (`notRendered`), so a green run says exactly what it covered.",
    remediation:
      "Map the chart to its directory with `charts:` in .gitops-lint.yaml, pull registry charts with `--pull-charts` (config `pullCharts: true`; needs " +
      "registry access), lint its render separately (`helm template … | gitops-lint - helmrelease.yaml`), or turn this notice off when those units are " +
      "linted elsewhere (the summary still counts them). With `--pull-charts`, a pull that fails is reported here with Helm's reason.",
    defaultSeverity: "info",
    example: {
      bad:
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: podinfo\nspec:\n  interval: 10m\n  chart:\n    spec:\n" +
        "      chart: podinfo\n      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n",
      good:
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: podinfo\nspec:\n  interval: 10m\n  chart:\n    spec:\n" +
        "      chart: ./charts/podinfo\n      sourceRef:\n        kind: GitRepository\n        name: flux-system\n        namespace: flux-system\n",
      files: {
        good: {
          "charts/podinfo/Chart.yaml": "apiVersion: v2\nname: podinfo\nversion: 6.7.0\n",
          "charts/podinfo/templates/settings.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  mode: fast\n",
        },
      },
    },
    tags: ["input", "flux"],
    precision: "very-high",
  },
};

export const BASE_UNAVAILABLE: Notice = {
  configurable: "yes",
  meta: {
    id: "base-unavailable",
    description: "`--base` could not read the previous revision (or part of it): changes against it were not checked.",
    rationale:
      "Findings that need the previous revision (a strategy flip, an immutable field changed) cannot be found without it. Rather than " +
      "failing the run or passing silently, the head is linted as without `--base`, and this says why the comparison is missing.",
    remediation: "Make the revision available (a full clone: actions/checkout with fetch-depth: 0, GitLab GIT_DEPTH: 0), or give the previous render with --base-file.",
    defaultSeverity: "warning",
    example: {
      bad: "# stdin has no git history: --base has no previous revision of it\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
      good: "# the previous render of stdin, given as a file\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
      args: { bad: ["--base", "HEAD"], good: ["--base-file", "previous-render.yaml"] },
      files: { good: { "previous-render.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n" } },
    },
    tags: ["input", "diff"],
    precision: "very-high",
  },
};

export const NOTICES: Notice[] = [RENDER_FAILED, RENDER_INCOMPLETE, NOT_RENDERED, BASE_UNAVAILABLE, INVALID_SUPPRESSION, UNUSED_SUPPRESSION, INVALID_INPUT];

/** Why a configured severity for a notice is refused, or undefined when it is allowed. */
export function noticeConfigError(notice: Notice, severity: SeverityLevel): string | undefined {
  if (notice.configurable === "never") {
    return `${notice.meta.id} cannot be configured: input gitops-lint could not read always fails the run, so that nothing passes unread`;
  }
  if (notice.configurable === "severity" && severity === "off") return `${notice.meta.id} cannot be turned off, only downgraded (info, warning, error)`;
  return undefined;
}
