import { defineRule, type Report } from "../src/engine/rule.js";
import type { Severity } from "../src/engine/severity.js";
import { applierOf } from "../src/model/applier.js";
import { argoHookOf } from "../src/model/argo-hooks.js";
import type { ShellScripts } from "../src/shell/shell-scripts.js";

import { hookInfo, releaseChartOf } from "../src/model/helm.js";
import { ACTION_OF_EVENT, describeTimeouts, releaseTimeout, type HelmAction, type ReleaseTimeout } from "../src/model/helm-release.js";
import { getPath } from "../src/util/json.js";
import { describe, refOf, type K8sObject } from "../src/model/objects.js";
import { podSpecOf } from "../src/model/pod-spec.js";
import { podWaitBudget } from "../src/model/pod-wait-budget.js";

const DEFAULT_BACKOFF_LIMIT = 6;
/** Job controller: failed Pods are recreated after 10 s, 20 s, 40 s … capped at 6 min (restartPolicy: Never). */
const JOB_BACKOFF_CAP = 360;
/** kubelet: a container restarted in place (restartPolicy: OnFailure) waits 10 s, 20 s … capped at 5 min. */
const KUBELET_BACKOFF_CAP = 300;

const REMEDIATION =
  "Make the hook's worst case finish well inside the timeout: fewer iterations or shorter sleeps and " +
  "command timeouts, or `activeDeadlineSeconds` below the timeout; or raise the HelmRelease's " +
  "`spec.<action>.timeout` above the hook's worst case (each hook gets the full timeout).";

export default defineRule({
  meta: {
    id: "hook-budget-exceeds-timeout",
    description: "A Helm hook Job or Pod whose script is designed to wait longer than the release timeout Helm gives that hook.",
    rationale:
      "Helm runs the hooks of an event one after another and waits for each with the full action timeout " +
      "(`helm upgrade --timeout`; under Flux `spec.install.timeout`, `spec.upgrade.timeout`, … else `spec.timeout`, " +
      "else 5m). A hook whose wait loop can outlast that timeout fails the release exactly when the loop was " +
      "meant to save it: on a slow cluster the hook is still waiting when Helm gives up, helm-controller " +
      "remediates (uninstall or rollback) and the next attempt starts the same race. There is no shared slack " +
      "between hooks: each hook gets the whole timeout, so the check is per hook, per action.\n\n" +
      "The wait is read from what the container runs, behind wrappers (`exec`, `env X=1`, `nice`, `stdbuf`, " +
      "`dumb-init --`, `tini --`, `gosu`, `busybox`; `timeout N` both bounds the command and is its wait): an " +
      "exec-form command (`[\"kubectl\", \"wait\", …, \"--timeout=20m\"]`, `[\"sleep\", \"400\"]`), or a shell script " +
      "(`sh`/`bash`/`ash -c`, also nested `sh -c` inside it) read with a real shell parser. Bounded loops " +
      "(`for i in $(seq 1 \"$N\")`, `{1..N}`, word lists, C-style loops, counters compared with a bound — also " +
      "beside the awaited command, `until pg_isready || [ \"$n\" -ge 60 ]` — bash `$SECONDS` deadlines, " +
      "`seq N | while read`) count their iterations times the worst case of one iteration: every `sleep` plus " +
      "explicit command timeouts, `curl --max-time` (or `--connect-timeout`) per attempt with its `--retry` " +
      "delays (`--retry-delay`, else curl's back-off from 1 s doubling to 10 min, capped by `--retry-max-time`), " +
      "`wget -T` with `--tries`/`--waitretry`, `nc -w`, `kubectl`/`oc wait --timeout` (30 s by default, a week " +
      "when negative, one check when 0), `rollout status --timeout` (0 never ends), and the wait tools " +
      "`dockerize -timeout`, `wait-for-it`/`wait-for -t`, `wait4x --timeout` (their defaults when absent; 0 " +
      "waits forever). Variables come from the script and the container's `env`. Polling loops without a bound " +
      "(`until curl …; do sleep 5; done`) can wait forever unless `activeDeadlineSeconds` stops them. Commands " +
      "without an explicit timeout count 0 s, so the computed wait is a lower bound. A script the shell pass " +
      "could not read (a syntax error, or over a `limits.shell*` limit) counts no wait: `script-not-checked` " +
      "reports it.\n\n" +
      "When one attempt fits but not even one retry does (`2 × wait + 10 s back-off ≥ timeout`, for a Job whose " +
      "`backoffLimit` — 6 by default — allows a retry), the finding is a warning, a lower grade of the same " +
      "finding: Helm gives up before the Job's retries can help. The message shows one failed attempt plus one " +
      "retry; the finding's remediation shows the full retry budget: back-offs of 10 s doubling up to 6 min " +
      "between Pods, or the kubelet's 10 s … 5 min restart back-off for `restartPolicy: OnFailure` (whose " +
      "restarts count against `backoffLimit` too). Counting every retry in the trigger would flag any retried " +
      "Job with a sleep, as the back-offs alone (630 s for backoffLimit 6) exceed 5m.\n\n" +
      "The timeout comes from the HelmRelease that delivers the hook's chart. With several HelmReleases of the " +
      "same chart, the hook's release name (label `app.kubernetes.io/instance` or `release`) picks the one " +
      "whose Helm release has that name (`spec.releaseName`, else `[targetNamespace-]name`), then the hook's " +
      "namespace the one installing there; when it stays ambiguous, the shortest of their timeouts applies " +
      "and the message says so. Without a HelmRelease: `--release-timeout` or the config's `releaseTimeout` (the message says which), else Helm's 5m. Under Argo CD (an Application " +
      "in the input syncs the hook) Helm's timeouts do not apply: Argo CD maps pre-install/pre-upgrade to PreSync and " +
      "post-install/post-upgrade to PostSync, never applies `test` or rollback hooks, lets an `argocd.argoproj.io/hook` " +
      "annotation replace the Helm one (gitops-engine `pkg/sync/hook/hook.go`), and gives hooks no timeout at all " +
      "(`controller.sync.timeout.seconds` is 0 by default): a bounded wait is fine there, but a PreSync, Sync or PostSync " +
      "hook that can wait forever without `activeDeadlineSeconds` never completes, and every later sync waits behind it.",
    remediation: REMEDIATION,
    defaultSeverity: "error",
    example: {
      bad:
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: wait-for-db\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: wait\n          image: curlimages/curl\n          command: [\"sh\", \"-c\"]\n          args:\n            - |\n              for i in $(seq 1 120); do\n                curl -sf --max-time 5 http://db:8080/health && exit 0\n                sleep 5\n              done\n              exit 1\n",
      good:
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: wait-for-db\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: wait\n          image: curlimages/curl\n          command: [\"sh\", \"-c\"]\n          args:\n            - |\n              for i in $(seq 1 12); do\n                curl -sf --max-time 5 http://db:8080/health && exit 0\n                sleep 5\n              done\n              exit 1\n",
    },
    tags: ["helm", "hooks", "flux"],
    precision: "high",
  },
  check({ set, settings, shell, report }) {
    for (const object of set.ofKind("Job", "Pod")) {
      if (applierOf(object, set, settings).id === "argocd") {
        const blocking = argoBlockingHook(object, shell);
        if (blocking) report(blocking);
        continue;
      }
      const hook = hookInfo(object);
      if (!hook || hook.events.length === 0) continue;
      const events = hook.events.map((e) => e.toLowerCase());
      if (!events.every((e) => e in ACTION_OF_EVENT)) continue; // Helm skips the object: hook-annotation-invalid says so
      const what = describe(object);
      const actions = [...new Set(events.map((e) => ACTION_OF_EVENT[e]!))]
        .map((action) => ({ action, timeout: releaseTimeout(set, object, action, settings.releaseTimeout) }))
        .filter((a) => !a.timeout.hooksDisabled);
      if (actions.length === 0) continue; // Helm does not run the hook for any of its actions
      const budget = podWaitBudget(object, shell);
      if (!budget) continue;
      const pod = podSpecOf(object)!;
      const jobDeadline = object.kind === "Job" ? positive(getPath(object.body, ["spec", "activeDeadlineSeconds"])) : undefined;
      const podDeadline = positive(pod.spec.activeDeadlineSeconds);
      const attempt = Math.min(podDeadline ?? Infinity, budget.seconds);
      const single = Math.min(jobDeadline ?? Infinity, attempt);
      const deadline = jobDeadline !== undefined && jobDeadline <= attempt ? { field: "Job activeDeadlineSeconds", value: jobDeadline } : podDeadline !== undefined && podDeadline <= budget.seconds ? { field: "pod activeDeadlineSeconds", value: podDeadline } : undefined;

      const exceeded: Array<{ action: HelmAction; timeout: ReleaseTimeout; severity: Severity; retry?: RetryBudget }> = [];
      for (const { action, timeout } of actions) {
        if (single >= timeout.seconds) {
          exceeded.push({ action, timeout, severity: "error" });
          continue;
        }
        if (object.kind !== "Job" || !Number.isFinite(attempt)) continue;
        const retries = nonNegative(getPath(object.body, ["spec", "backoffLimit"])) ?? DEFAULT_BACKOFF_LIMIT;
        if (retries === 0) continue;
        const onFailure = pod.spec.restartPolicy === "OnFailure";
        // Warn when not even one retry fits: a failed attempt, the first back-off (10 s) and a second
        // attempt reach the timeout. Counting every retry and back-off instead would flag any retried Job
        // with a sleep: the back-offs alone (10 + 20 + … + 320 s = 630 s for the default backoffLimit 6)
        // exceed a 5m timeout.
        // With restartPolicy: OnFailure the retry is a restart inside the same Pod, so the pod's
        // activeDeadlineSeconds bounds all attempts together, not each one.
        const podBound = onFailure ? (podDeadline ?? Infinity) : Infinity;
        const oneRetry = Math.min(jobDeadline ?? Infinity, podBound, 2 * attempt + 10);
        if (oneRetry >= timeout.seconds) {
          const backoffs = backoffSeconds(retries, onFailure ? KUBELET_BACKOFF_CAP : JOB_BACKOFF_CAP);
          exceeded.push({ action, timeout, severity: "warning", retry: { retries, onFailure, total: (retries + 1) * attempt + backoffs } });
        }
      }
      if (exceeded.length === 0) continue;
      const severity: Severity = exceeded.some((e) => e.severity === "error") ? "error" : "warning";
      const shown = exceeded.filter((e) => e.severity === severity);
      const firstTimeout = Math.min(...shown.map((e) => e.timeout.seconds));
      const against = describeTimeouts(shown.map((e) => e.timeout));
      let message: string;
      let fix: string;
      if (severity === "error" && !Number.isFinite(single)) {
        message = `${what}: hook can wait forever (${budget.text}) ≥ ${against}; bound the wait or set activeDeadlineSeconds below ${firstTimeout} s`;
        fix = REMEDIATION;
      } else if (severity === "error") {
        const wait = deadline ? `min(${deadline.field} ${deadline.value} s, ${budget.text}${Number.isFinite(budget.seconds) ? ` = ${budget.seconds} s` : ""}) = ${single} s` : `${budget.text} = ${single} s`;
        message = `${what}: hook can wait ${wait} ≥ ${against}; cut the wait below ${firstTimeout} s or raise the timeout above ${single} s`;
        fix = REMEDIATION;
      } else {
        const { retries, onFailure, total } = shown[0]!.retry!;
        const twice = 2 * attempt + 10;
        const cut = jobDeadline !== undefined && jobDeadline < twice ? `, cut to ${jobDeadline} s by Job activeDeadlineSeconds,` : "";
        message =
          `${what}: hook waits ${budget.text} = ${attempt} s per attempt; with one retry ${attempt} s + 10 s back-off + ${attempt} s = ${twice} s${cut} ≥ ${against}; ` +
          "shorten the wait or set backoffLimit: 0";
        fix =
          `backoffLimit ${retries} allows ${retries + 1} attempts${onFailure ? ", restarted in place by the kubelet (restartPolicy: OnFailure)" : ""}, ` +
          `up to ${total} s with back-offs, but Helm gives up at the timeout, before the retries can help. Shorten the wait so that a failed attempt ` +
          `and one retry fit in the timeout, or set backoffLimit: 0 and let the release retry.`;
      }
      const hr = shown.find((e) => e.timeout.helmRelease)?.timeout.helmRelease;
      report({
        object,
        path: budget.path,
        ...(budget.inScript ? { inValue: budget.inScript } : {}),
        message,
        severity,
        remediation: hr ? fix : `${fix} ${fallbackNote(object, settings.releaseTimeout)}`,
        ...(hr ? { target: refOf(hr) } : {}),
      });
    }
  },
});

/** Why a hook without a matching HelmRelease was held to `--release-timeout` or Helm's 5m, and how to use the real timeout. */
function fallbackNote(object: K8sObject, fallback: { why: string } | undefined): string {
  const chart = releaseChartOf(object);
  const release = `No HelmRelease${chart ? ` of chart "${chart}"` : ""} is in the input`;
  return fallback !== undefined
    ? `${release}, so ${fallback.why} applied: lint the HelmRelease together with the rendered chart to use its own timeouts.`
    : `${release} and no --release-timeout was given, so Helm's default 5m applied: lint the HelmRelease together with the rendered chart, or pass --release-timeout.`;
}

/**
 * Under Argo CD, Helm's timeouts do not apply and no hook has one of its own (only the controller-wide
 * `controller.sync.timeout.seconds`, 0 = none, by default): a bounded wait only delays the sync, but a
 * sync-phase hook whose wait is unbounded, with no activeDeadlineSeconds, never completes and holds
 * every later sync of the Application.
 */
function argoBlockingHook(object: K8sObject, shell: ShellScripts): Report | undefined {
  const hook = argoHookOf(object);
  const phase = hook?.phases.find((p) => p === "PreSync" || p === "Sync" || p === "PostSync");
  if (!hook || !phase) return undefined;
  const budget = podWaitBudget(object, shell);
  if (!budget || Number.isFinite(budget.seconds)) return undefined;
  const deadline = (object.kind === "Job" ? positive(getPath(object.body, ["spec", "activeDeadlineSeconds"])) : undefined) ?? positive(podSpecOf(object)!.spec.activeDeadlineSeconds);
  if (deadline !== undefined) return undefined;
  return {
    object,
    path: budget.path,
    ...(budget.inScript ? { inValue: budget.inScript } : {}),
    message:
      `${describe(object)}: Argo CD runs it as a ${phase} hook (${hook.from}) that can wait forever (${budget.text}) and has no activeDeadlineSeconds; ` +
      "Argo CD gives hooks no timeout, so the sync never finishes and every later sync waits behind it; bound the wait or set activeDeadlineSeconds",
    remediation:
      "Give the hook an end: bound the loop, or set the Job's `activeDeadlineSeconds`. Argo CD has no per-hook or per-Application timeout, only " +
      "the controller-wide `controller.sync.timeout.seconds` (0, none, by default); a stuck hook is left to `argocd app terminate-op`.",
  };
}

/** A Job's retries when only they push the hook past the timeout: how many, how, and the whole budget in seconds. */
interface RetryBudget {
  retries: number;
  onFailure: boolean;
  total: number;
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && value > 0 ? value : undefined;
}

function nonNegative(value: unknown): number | undefined {
  return typeof value === "number" && value >= 0 ? value : undefined;
}

/** Total back-off before `retries` retries: 10 s, 20 s, 40 s, … each capped. */
function backoffSeconds(retries: number, cap: number): number {
  let total = 0;
  for (let k = 0; k < retries; k++) total += Math.min(10 * 2 ** k, cap);
  return total;
}


