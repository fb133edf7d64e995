import type { NodePath, SourceDocument } from "../load/types.js";
import type { ApplierChoice } from "../model/applier.js";
import type { SetDiff } from "../diff/set-diff.js";
import type { ManifestSet } from "../model/manifest-set.js";
import type { K8sObject, ObjectRef } from "../model/objects.js";
import type { ShellLimits, ShellScripts } from "../shell/shell-scripts.js";
import type { Severity } from "./severity.js";

/** Everything the docs, `explain`, SARIF rule descriptors and config validation need to know about a rule. */
export interface RuleMeta {
  /** Kebab-case, public API: SARIF ruleId, config key, suppression token. */
  id: string;
  /** One line: what the rule catches. */
  description: string;
  /** Why it breaks a cluster (Markdown). */
  rationale: string;
  /** How to fix it (Markdown). */
  remediation: string;
  defaultSeverity: Severity;
  /** JSON schema of the rule's options in `.gitops-lint.yaml`; absent when it has none. */
  optionsSchema?: Record<string, unknown>;
  /** A manifest that fires and the fixed version, as the docs show them and test/documented-examples.test.ts lints them. */
  example: RuleExample;
  tags: string[];
  /** SARIF precision: how sure a finding is to be a real problem. */
  precision: "very-high" | "high" | "medium" | "low";
}

/**
 * A rule's documented examples: YAML read from stdin (`gitops-lint -`). "Fires on" (`bad`) fires exactly this
 * rule; "Fixed" (`good`) is clean for every rule.
 */
export interface RuleExample {
  bad: string;
  good: string;
  /** The options before `-` each example is linted with, when it needs some (`--base-file`, `--report-unused-suppressions`). */
  args?: { bad: string[]; good: string[] };
  /** Files of the repository each example is linted in (what a Flux path or a chart reference names, a previous render), by path. */
  files?: { bad?: Record<string, string>; good?: Record<string, string> };
}

/** Where a finding points: a key path inside an object, or a raw position in a document. */
export type FindingAnchor =
  | {
      object: K8sObject;
      path: NodePath;
      /**
       * A 1-based line and column (UTF-8 bytes, as shell parsers count) inside the string value at
       * `path`, e.g. a loop inside a script. Used when that value is a literal block scalar (`|`)
       * whose lines map one to one onto the file; otherwise the finding stays at `path`.
       */
      inValue?: { line: number; column: number };
    }
  | { file: string; line: number; column: number; document?: SourceDocument };

export type Report = FindingAnchor & {
  message: string;
  /** The other object a cross-object finding is about (the referenced ConfigMap, the HelmRelease whose timeout applied). */
  target?: ObjectRef;
  /** Finding-specific remediation; the rule's own is used when absent. */
  remediation?: string;
  /**
   * A lower grade than the rule's default, for findings of the same meaning that matter less (see
   * `gradedSeverity`): a configured severity moves every grade by the same amount.
   */
  severity?: Severity;
};

export interface RunSettings {
  /** `--release-timeout` or config `releaseTimeout`, in seconds, and which of them set it (`--release-timeout 10m`). */
  releaseTimeout?: { seconds: number; why: string };
  /** How messages name the base of a diff-aware run: the `--base` revision, or the `--base-file` name. */
  baseName?: string;
  /** `--kube-version`: the Kubernetes version the input is for (rendering, and rules whose API behaviour changed). */
  kubeVersion?: string;
  /** Report suppression directives that suppressed nothing (config `reportUnusedSuppressions`). */
  reportUnusedSuppressions?: boolean;
  /** A suppression directive without ` -- reason` is invalid (config `requireSuppressionReason`). */
  requireSuppressionReason?: boolean;
  /** Config `limits.shellMaxScriptLength` / `shellMaxNodes` / `shellMaxLoopNesting`: the limits of the run's shell pass. */
  shellLimits?: ShellLimits;
  /** `--applier NAME` or config `applier`: who applies objects that no Flux or Argo CD object in the input claims (pass to `applierOf`). */
  applier?: ApplierChoice;
}

export interface RuleContext<Options> {
  set: ManifestSet;
  options: Options;
  settings: RunSettings;
  /**
   * Diff-aware runs only (`--base REV`, `--base-file FILE`): the base and head objects paired by
   * identity (src/diff/), computed once per run. A head object without a base object is new in this
   * change. Absent in an ordinary single-revision run.
   */
  diff?: SetDiff;
  /** The id of every rule the run was given, for checking references to rules (in suppressions). */
  ruleIds: readonly string[];
  /**
   * The run's shell pass: `shell.read(script)` gives a container script's syntax tree, parsed once per run
   * whichever rule asks first, or why it cannot be analysed (the parser's error, or a limit). Rules never
   * parse scripts themselves; `script-not-checked` reports the scripts the checks could not read.
   */
  shell: ShellScripts;
  report(finding: Report): void;
}

/** What docs, `explain`, SARIF rule descriptors and config validation read: a rule, or an engine notice (notices.ts). */
export interface Described {
  meta: RuleMeta;
  defaultOptions?: unknown;
}

export interface Rule<Options = Record<string, never>> {
  meta: RuleMeta;
  /** Defaults merged under the user's options. */
  defaultOptions?: Options;
  check(context: RuleContext<Options>): void;
}

/** Lets a rule module keep its own option type while living in one list with the others. */
export type AnyRule = Rule<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function defineRule<Options = Record<string, never>>(rule: Rule<Options>): Rule<Options> {
  return rule;
}
