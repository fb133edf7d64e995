import { defineRule } from "../src/engine/rule.js";
import { hookInfo, sameRelease, type HookInfo } from "../src/model/helm.js";
import { ACTION_OF_EVENT } from "../src/model/helm-release.js";
import { canonicalEvent, createdBefore, earlierEvents, persistsFromPreInstall } from "../src/model/hook-order.js";
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
      "default `before-hook-creation` only replaces it on the next run of the hook).\n\n" +
      "Hook Jobs and Pods that need another hook object are checked too. Helm runs the hooks of one event one " +
      "at a time, sorted by weight and then by name (`pkg/action/hooks.go`: `sort.Stable(hookByWeight(…))`, " +
      "Helm 3 and 4; kind decides only between equal weights and names, ConfigMap and Secret first), and " +
      "waits for each Job or Pod to finish before it creates the next hook. A hook Job that needs a " +
      "Secret of the same event with a higher weight, or the same weight and a name that sorts after the " +
      "Job's, waits for it in `CreateContainerConfigError` (a volume: `ContainerCreating`) until the timeout, " +
      "whatever the delete policy; so does one whose object only a later event creates (a `pre-install` Job " +
      "needing a `post-install` Secret). A `hook-succeeded` object is gone in every later event. Only the " +
      "first run of an event is judged certain: an object left behind by an event that ran before (an install " +
      "precedes everything; `post-*` follows `pre-*`) is there, even if it is re-created later in the event.\n\n" +
      "Not reported: references with `optional: true`, objects also rendered as ordinary resources, objects not " +
      "in the input, hooks with an event Helm does not know (`hook-annotation-invalid`), and `post-install` " +
      "objects needed by a CronJob (its Pods start after the install) or by a workload of another chart's release.",
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
        const hooks: Hooked[] = [];
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
        const problems = recognised.map((h) => ({
          ...h,
          problem: consumerHook ? hookConsumerProblem(h, { object: workload, hook: consumerHook }) : problemOf(h.hook, workload.kind, sameRelease(h.object, workload)),
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
  return hook.events.length > 0 && hook.events.every((e) => canonicalEvent(e) in ACTION_OF_EVENT);
}

/** Why a hook object is not there when its consumer starts (a clause after "a post-install hook"), and the fix. */
interface Problem {
  what: string;
  fix: string;
}

const DROP_HOOK_SUCCEEDED = "drop hook-succeeded from its delete policy";

interface Hooked {
  object: K8sObject;
  hook: HookInfo;
}

/**
 * A hook Job/Pod needing another hook object. The object is there when the consumer's Pod starts only if
 * Helm created it earlier in the same event (see createdBefore: weight, then name, whatever the delete
 * policy), or an event that certainly ran before left it behind (not with `hook-succeeded`, which deletes it
 * once the hooks of its event have succeeded). Checked for the first run of each of the consumer's events,
 * when no object from an earlier run can stand in for it: the consumer waits for it until Helm times out.
 */
function hookConsumerProblem(object: Hooked, consumer: Hooked): Problem | undefined {
  const events = object.hook.events.map(canonicalEvent);
  const deleted = object.hook.deletePolicies.some((p) => p.toLowerCase() === "hook-succeeded");
  for (const event of consumer.hook.events.map(canonicalEvent)) {
    const sameRun = events.includes(event);
    if (sameRun && createdBefore(object, consumer)) continue;
    const leftBehind = events.some((e) => earlierEvents(event).includes(e));
    if (leftBehind && !deleted) continue;
    const timesOut = `so the first ${ACTION_OF_EVENT[event]} waits until it times out`;
    const weightFix = `give it a weight below ${consumer.hook.weight}`;
    if (sameRun) return { what: `created after this ${event} hook (${orderOf(object, consumer)}), ${timesOut}`, fix: weightFix };
    if (leftBehind) return { what: `deleted on hook-succeeded before this ${event} hook runs`, fix: DROP_HOOK_SUCCEEDED };
    return { what: `not created before this ${event} hook runs, ${timesOut}`, fix: `make it a ${event} hook too and ${weightFix}` };
  }
  return undefined;
}

/** Why Helm creates `later` after `first` in one event: `weight 5 > 0`, or `both weight 0, "b" sorts after "a"`. */
function orderOf(later: Hooked, first: Hooked): string {
  if (later.hook.weight !== first.hook.weight) return `weight ${later.hook.weight} > ${first.hook.weight}`;
  return `both weight ${later.hook.weight}, "${later.object.name}" sorts after "${first.object.name}"`;
}

/**
 * Helm (with --wait, helm-controller's default) waits for the workloads before it runs post-install hooks.
 * The install-order problems hold only within one release (another chart's workload may be installed long
 * after this release's hooks ran); a hook-succeeded deletion holds for everyone.
 */
function problemOf(hook: HookInfo, workloadKind: string, inRelease: boolean): Problem | undefined {
  const events = hook.events.map(canonicalEvent);
  if (hook.deletePolicies.some((p) => p.toLowerCase() === "hook-succeeded")) return { what: "deleted on hook-succeeded before the Pods start", fix: DROP_HOOK_SUCCEEDED };
  if (persistsFromPreInstall(hook) || !inRelease) return undefined;
  const fix = "make it pre-install,pre-upgrade or an ordinary resource";
  if (events.some((e) => e === "post-install")) {
    // A CronJob's Pods start later, after the post-install hooks ran.
    if (workloadKind === "CronJob") return undefined;
    return { what: "created after the workloads, so the install times out", fix };
  }
  return { what: "that no fresh install creates", fix };
}
