import { defineRule } from "../src/engine/rule.js";
import { replicasOf, rollingUpdateBudgetOf, type RollingUpdateBudget } from "../src/model/deployment-rollout.js";
import { getPath, isObject } from "../src/util/json.js";
import { autoscalerMinimumOf } from "../src/model/autoscalers.js";
import { describe, refOf, type K8sObject } from "../src/model/objects.js";
import { claimVolumesOf, findClaim, singleNodeAccessModeOf } from "../src/model/persistent-volume-claims.js";
import { podSpecOf, type PodSpecView } from "../src/model/pod-spec.js";

export default defineRule({
  meta: {
    id: "rwo-volume-rolling-update",
    description:
      "A Deployment whose Pods cannot all mount its ReadWriteOnce or ReadWriteOncePod PVC: several replicas share it, " +
      "or a RollingUpdate starts the new Pod while the old one still holds it.",
    rationale:
      "A ReadWriteOnce volume attaches to one node at a time: a Pod on a second node waits on `Multi-Attach error " +
      "for volume … Volume is already used by pod(s)`. A ReadWriteOncePod volume admits one Pod in the whole " +
      "cluster: a second Pod stays Pending. Every Pod of a Deployment mounts the same claim, which goes wrong in " +
      "two ways; each claim gets one finding, for the first that applies.\n\n" +
      "Several replicas (`replicas` > 1, whatever the strategy): the scheduler does not place Pods by where a " +
      "ReadWriteOnce volume is attached, so replicas on other nodes never start; with ReadWriteOncePod only one " +
      "replica can ever run (an error). No rollout setting fixes this: it takes a volume per Pod (a StatefulSet " +
      "with `volumeClaimTemplates`), a ReadWriteMany volume, or one replica.\n\n" +
      "One replica with a rollout that starts the new Pod first: with `maxSurge` > 0 (the default is 25%, rounded " +
      "up: one extra Pod) and `maxUnavailable` rounding down to 0 (the default 25% of 1), the Deployment controller " +
      "deletes the old Pod only when the new one is Ready. If the new Pod is scheduled on another node it never " +
      "becomes Ready, the old Pod is never removed, and the rollout hangs until `progressDeadlineSeconds` marks it " +
      "failed (and a GitOps reconcile with it). On the same node ReadWriteOnce can be shared, so the rollout works " +
      "on single-node clusters and fails on real ones: a warning. With ReadWriteOncePod the new Pod cannot start " +
      "on any node: an error.\n\n" +
      "Only PVCs present in the input are checked: a claim that is not in the input may well be ReadWriteMany. " +
      "`spec.replicas` (default 1) is the count checked, raised to the `minReplicas` of a HorizontalPodAutoscaler " +
      "in the input that targets the Deployment (the HPA keeps at least that many; it stops scaling at `replicas: 0`); " +
      "how far an HPA with `minReplicas: 1` scales up is not known, so that one is checked as one replica. Not " +
      "reported: `maxSurge: 0`, `strategy: Recreate`, or a `maxUnavailable` that lets the controller delete the " +
      "old Pod at once (for one replica; the rollout then completes, with downtime), ReadWriteMany/ReadOnlyMany " +
      "claims (also when listed together with ReadWriteOnce), `replicas: 0` or a count that is not an integer, " +
      "ReadWriteOnce claims of Pods pinned to one node (`nodeName`, or a `kubernetes.io/hostname` nodeSelector: " +
      "they share that node's attachment), and StatefulSets (one claim per Pod from `volumeClaimTemplates`).",
    remediation:
      "One replica: keep RollingUpdate and stop the old Pod before starting the new one: `strategy: {type: " +
      "RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}`. Switching an existing Deployment to " +
      "`type: Recreate` works too, but under server-side apply (Flux) the live object keeps its defaulted " +
      "`rollingUpdate` block and the apply fails (see `strategy-flip-without-force`). Several replicas: a " +
      "StatefulSet with `volumeClaimTemplates` (a volume per Pod), a ReadWriteMany volume, or `replicas: 1` with " +
      "the strategy above.",
    defaultSeverity: "warning",
    example: {
      bad:
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n" +
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n" +
        "          volumeMounts:\n            - name: data\n              mountPath: /data\n      volumes:\n        - name: data\n          persistentVolumeClaim:\n            claimName: data\n",
      good:
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n" +
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 1\n" +
        "  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n" +
        "          volumeMounts:\n            - name: data\n              mountPath: /data\n      volumes:\n        - name: data\n          persistentVolumeClaim:\n            claimName: data\n",
    },
    tags: ["storage", "rollout"],
    precision: "high",
  },
  check({ set, report }) {
    for (const deployment of set.ofKind("Deployment")) {
      const written = replicasOf(deployment);
      const pod = podSpecOf(deployment);
      if (written === undefined || written === 0 || !pod) continue;
      // An HPA keeps the count at its minReplicas or more (it stops scaling a workload at replicas: 0, skipped above).
      const autoscaled = autoscalerMinimumOf(set, deployment);
      const scaledUp = autoscaled !== undefined && autoscaled.minReplicas > written ? autoscaled : undefined;
      const replicas = scaledUp?.minReplicas ?? written;
      const budget = rollingUpdateBudgetOf(deployment);
      const seen = new Set<string>();
      for (const volume of claimVolumesOf(pod)) {
        if (seen.has(volume.claimName)) continue;
        seen.add(volume.claimName);
        const claim = findClaim(set, volume.claimName, deployment);
        const mode = claim && singleNodeAccessModeOf(claim);
        if (!claim || !mode || (mode === "ReadWriteOnce" && pinnedToOneNode(pod))) continue;
        const claimed = `${mode} PVC "${volume.claimName}"`;
        // Several replicas cannot all run whatever the strategy, and the rollout remedy does not help them: that diagnosis wins.
        const problem = replicas > 1 ? sharedByReplicas(replicas, claimed, mode, scaledUp?.autoscaler) : budget && startsNewPodFirst(budget, claimed);
        if (!problem) continue;
        report({
          object: deployment,
          path: volume.claimNamePath,
          target: refOf(claim),
          severity: mode === "ReadWriteOncePod" ? "error" : "warning",
          message: `${describe(deployment)}: ${problem}`,
        });
      }
    }
  },
});

type SingleNodeMode = "ReadWriteOnce" | "ReadWriteOncePod";

function sharedByReplicas(replicas: number, claimed: string, mode: SingleNodeMode, autoscaler: K8sObject | undefined): string {
  const who = mode === "ReadWriteOncePod" ? "only one Pod" : "only Pods on one node";
  if (autoscaler) {
    return (
      `${describe(autoscaler)} keeps at least ${replicas} replicas (minReplicas), which share ${claimed}: ${who} can mount it; ` +
      `use ReadWriteMany or a StatefulSet with volumeClaimTemplates`
    );
  }
  return `${replicas} replicas share ${claimed}: ${who} can mount it; use ReadWriteMany, a StatefulSet with volumeClaimTemplates, or replicas: 1`;
}

/** For one replica: the new Pod must become Ready while the old one still holds the volume. */
function startsNewPodFirst(budget: RollingUpdateBudget, claimed: string): string | undefined {
  if (budget.surgePods === 0 || budget.unavailablePods > 0) return undefined;
  return (
    `mounts ${claimed} with a rollout that starts the new Pod before stopping the old ` +
    `(maxSurge ${budget.maxSurge} → ${budget.surgePods}, maxUnavailable ${budget.maxUnavailable} → 0 of ${budget.replicas}); ` +
    `set strategy.rollingUpdate maxSurge: 0, maxUnavailable: 1 (or type: Recreate)`
  );
}

/** `nodeName`, or a nodeSelector on the node's hostname label: every Pod lands on the same node. */
function pinnedToOneNode(pod: PodSpecView): boolean {
  if (typeof pod.spec.nodeName === "string" && pod.spec.nodeName !== "") return true;
  const selector = pod.spec.nodeSelector;
  return isObject(selector) && typeof getPath(selector, ["kubernetes.io/hostname"]) === "string";
}
