import { defineRule } from "../src/engine/rule.js";
import { hookInfo, releaseChartOf, type HookInfo } from "../src/model/helm.js";
import { ACTION_OF_EVENT } from "../src/model/helm-release.js";
import { describe, refOf, type K8sObject } from "../src/model/objects.js";
import { configRefsOf } from "../src/model/config-refs.js";
import { podSpecOf } from "../src/model/pod-spec.js";

export default defineRule({
  meta: {
    id: "hook-resource-consumed-at-start",
    description:
      "A release workload (or a hook Job/Pod) needs a ConfigMap or Secret (a reference without `optional: true`) that exists only as a Helm hook which is not there when it starts: a post-install/post-upgrade hook, a hook deleted by `hook-succeeded`, or a hook that does not run on install.",
    rationale:
      "Helm applies a release in phases: pre-install hooks (each awaited), then the ordinary resources, then " +
      "post-install hooks. Hook objects are not part of the release manifest. A Secret that is only a " +
      "`post-install` hook is created after the Deployments that need it, and Helm (with `--wait`, which " +
      "helm-controller uses by default) first waits for those Deployments to become ready: their Pods cannot " +
      "start (`CreateContainerConfigError` for env references, a pending volume mount for volumes), and the " +
      "release times out (the incident's Fix #124). A hook with `helm.sh/hook-delete-policy: hook-succeeded` is " +
      "deleted as soon as the hooks of its event succeed, so a `pre-install` Secret with that policy is gone " +
      "before the workloads start. A hook that only runs on `pre-upgrade` (or `test`, `pre-delete`, …) does not " +
      "exist on a fresh install. A `pre-install` hook without `hook-succeeded` persists and is fine (Helm's " +
      "default `before-hook-creation` only replaces it on the next run of the hook). Hook Jobs and Pods that " +
      "need a `hook-succeeded` hook object are checked too: it is gone in any later phase, and in its own phase " +
      "it exists for the consumer only when created first (a lower or equal weight).",
    remediation:
      "Make the object an ordinary release resource, or a `pre-install` (plus `pre-upgrade` if it must be " +
      "refreshed) hook without `hook-succeeded` in its delete policy (the incident's fix: " +
      "`helm.sh/hook: pre-install,pre-upgrade`, `helm.sh/hook-delete-policy: before-hook-creation`). If the " +
      "workload can run without it, mark the reference `optional: true` and restart the workload when it appears.",
    defaultSeverity: "error",
    example: {
      bad:
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-token\n  annotations:\n    helm.sh/hook: post-install\ntype: Opaque\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: example/api:1.0\n          env:\n            - name: TOKEN\n              valueFrom:\n                secretKeyRef: {name: api-token, key: token}\n",
      good:
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-token\n  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-delete-policy: before-hook-creation\ntype: Opaque\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: example/api:1.0\n          env:\n            - name: TOKEN\n              valueFrom:\n                secretKeyRef: {name: api-token, key: token}\n",
    },
    tags: ["helm", "hooks"],
    precision: "high",
  },
  check({ set, report }) {
    for (const workload of set.objects) {
      const consumerHook = hookInfo(workload);
      if (consumerHook && !(["Job", "Pod"].includes(workload.kind) && recognisedEvents(consumerHook))) continue;
      const pod = podSpecOf(workload);
      if (!pod) continue;
      const reported = new Set<string>();
      for (const ref of configRefsOf(pod)) {
        if (ref.optional) continue;
        const key = `${ref.kind}/${ref.name}`;
        if (reported.has(key)) continue;
        const candidates = set.named(ref.kind, ref.name, workload.namespace);
        if (candidates.length === 0) continue; // created elsewhere: nothing to say
        const hooks: Array<{ object: K8sObject; hook: HookInfo }> = [];
        let ordinary = false;
        for (const candidate of candidates) {
          const hook = hookInfo(candidate);
          if (hook) hooks.push({ object: candidate, hook });
          else ordinary = true;
        }
        if (ordinary) continue;
        // A hook with an unknown event is skipped by Helm altogether: hook-annotation-invalid reports that.
        const recognised = hooks.filter((h) => recognisedEvents(h.hook));
        if (recognised.length !== hooks.length || recognised.length === 0) continue;
        // The install-order problems only hold within one release; another chart's workload may be installed
        // long after this release's post-install hooks ran. A hook-succeeded deletion holds for everyone.
        const sameRelease = (o: K8sObject) => {
          const a = releaseChartOf(o);
          const b = releaseChartOf(workload);
          return a === undefined || b === undefined || a === b;
        };
        const problems = recognised.map((h) => ({
          ...h,
          problem: consumerHook ? hookConsumerProblem(h.hook, consumerHook) : problemOf(h.hook, workload.kind, sameRelease(h.object)),
        }));
        if (problems.some((p) => p.problem === undefined)) continue; // one of them is there when the workload starts
        const first = problems[0]!;
        reported.add(key);
        const who = `${describe(workload)}${ref.container !== undefined ? ` container "${ref.container}"` : ""}`;
        const { what, fix } = first.problem!;
        report({
          object: workload,
          path: ref.namePath,
          target: refOf(first.object),
          message: `${who}: ${ref.usage} needs ${first.object.kind} "${first.object.name}", a ${first.hook.events.join(",")} hook ${what}; ${fix}`,
        });
      }
    }
  },
});

function recognisedEvents(hook: HookInfo): boolean {
  return hook.events.length > 0 && hook.events.every((e) => e.toLowerCase() in ACTION_OF_EVENT);
}

/** Helm reads a weight with strconv.Atoi; anything else is 0. */
function weightOf(hook: HookInfo): number {
  return hook.weight !== undefined && /^[+-]?\d+$/.test(hook.weight) ? Number(hook.weight) : 0;
}

/** Why a hook object is not there when its consumer starts (a clause after "a post-install hook"), and the fix. */
interface Problem {
  what: string;
  fix: string;
}

const DROP_HOOK_SUCCEEDED = "drop hook-succeeded from its delete policy";

/**
 * A hook Job/Pod needing a hook object that `hook-succeeded` deletes: the object is gone after its own
 * phase, so a consumer running in another phase never sees it, and one of the same phase sees it only
 * when the object is created first (a lower weight; at equal weight Helm creates ConfigMaps and Secrets
 * before Jobs and Pods). Without hook-succeeded the object may persist from an earlier phase or run:
 * nothing certain to say.
 */
function hookConsumerProblem(object: HookInfo, consumer: HookInfo): Problem | undefined {
  if (!object.deletePolicies.map((p) => p.toLowerCase()).includes("hook-succeeded")) return undefined;
  const events = object.events.map((e) => e.toLowerCase());
  for (const event of consumer.events.map((e) => e.toLowerCase())) {
    if (!events.includes(event)) return { what: `deleted on hook-succeeded before this ${event} hook runs`, fix: DROP_HOOK_SUCCEEDED };
    if (weightOf(object) > weightOf(consumer)) {
      return { what: `with weight ${weightOf(object)}, created after this hook (weight ${weightOf(consumer)})`, fix: `give it a weight below ${weightOf(consumer)}` };
    }
  }
  return undefined;
}

/** Helm (with --wait, helm-controller's default) waits for the workloads before it runs post-install hooks. */
function problemOf(hook: HookInfo, workloadKind: string, sameRelease: boolean): Problem | undefined {
  const events = hook.events.map((e) => e.toLowerCase());
  const policies = hook.deletePolicies.map((p) => p.toLowerCase());
  if (policies.includes("hook-succeeded")) return { what: "deleted on hook-succeeded before the Pods start", fix: DROP_HOOK_SUCCEEDED };
  if (events.includes("pre-install") || !sameRelease) return undefined;
  const fix = "make it pre-install,pre-upgrade or an ordinary resource";
  if (events.some((e) => e === "post-install")) {
    // A CronJob's Pods start later, after the post-install hooks ran.
    if (workloadKind === "CronJob") return undefined;
    return { what: "created after the workloads, so the install times out", fix };
  }
  return { what: "that no fresh install creates", fix };
}
