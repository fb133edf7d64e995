import { defineRule } from "../src/engine/rule.js";
import { rollingUpdateBudgetOf } from "../src/model/deployment-rollout.js";
import { getPath, isObject } from "../src/model/json.js";
import { describe, refOf } from "../src/model/objects.js";
import { claimVolumesOf, findClaim, singleNodeAccessModeOf } from "../src/model/persistent-volume-claims.js";
import { podSpecOf, type PodSpecView } from "../src/model/pod-spec.js";

export default defineRule({
  meta: {
    id: "rwo-volume-rolling-update",
    description: "A RollingUpdate Deployment that surges a new Pod while the old one still holds a ReadWriteOnce or ReadWriteOncePod PVC, with no room to stop the old Pod first.",
    rationale:
      "With `maxSurge` > 0 (the default is 25%, rounded up: at least one extra Pod) and `maxUnavailable` rounding " +
      "down to 0 (the default 25% of 1–3 replicas), the Deployment controller starts the new Pod first and deletes " +
      "the old one only when the new one is Ready. A ReadWriteOnce volume attaches to one node: if the new Pod is " +
      "scheduled elsewhere it waits on `Multi-Attach error for volume … Volume is already used by pod(s)`, never " +
      "becomes Ready, the old Pod is never removed, and the rollout hangs until `progressDeadlineSeconds` marks it " +
      "failed (and a GitOps reconcile with it). On the same node ReadWriteOnce can be shared, so the rollout works " +
      "on single-node clusters and fails on real ones: a warning. ReadWriteOncePod admits one Pod on any node, so " +
      "the new Pod can never start: an error.\n\n" +
      "Only PVCs present in the input are checked (their access modes are known). Not reported: `maxSurge: 0`, " +
      "`strategy: Recreate`, a `maxUnavailable` that lets the controller delete the old Pod at once (the rollout " +
      "then completes, with downtime), ReadWriteMany/ReadOnlyMany claims, `replicas: 0`, ReadWriteOnce claims of a " +
      "Pod pinned to one node (`nodeName`, or a `kubernetes.io/hostname` nodeSelector), and StatefulSets (one " +
      "claim per Pod from `volumeClaimTemplates`).",
    remediation:
      "Keep RollingUpdate and stop the old Pod before starting the new one: `strategy: {type: RollingUpdate, " +
      "rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}`. Switching an existing Deployment to `type: Recreate` " +
      "works too, but under server-side apply (Flux) the live object keeps its defaulted `rollingUpdate` block " +
      "and the apply fails (see `strategy-flip-without-force`). Or use a ReadWriteMany volume, or a StatefulSet.",
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
      const budget = rollingUpdateBudgetOf(deployment);
      if (!budget || budget.replicas === 0 || budget.surgePods === 0 || budget.unavailablePods > 0) continue;
      const pod = podSpecOf(deployment);
      if (!pod) continue;
      const seen = new Set<string>();
      for (const volume of claimVolumesOf(pod)) {
        if (seen.has(volume.claimName)) continue;
        const claim = findClaim(set, volume.claimName, deployment);
        if (!claim) continue;
        const mode = singleNodeAccessModeOf(claim);
        if (!mode || (mode === "ReadWriteOnce" && pinnedToOneNode(pod))) continue;
        seen.add(volume.claimName);
        const strategy = budget.defaultedType ? "the default RollingUpdate strategy" : "RollingUpdate";
        const consequence =
          mode === "ReadWriteOncePod"
            ? "the new Pod cannot start on any node while the old one holds the volume"
            : "a new Pod scheduled on another node fails with a Multi-Attach error while the old one holds the volume";
        report({
          object: deployment,
          path: volume.claimNamePath,
          target: refOf(claim),
          severity: mode === "ReadWriteOncePod" ? "error" : "warning",
          message:
            `${describe(deployment)} mounts ${mode} PVC "${volume.claimName}" and uses ${strategy} with maxSurge ${budget.maxSurge} → ` +
            `${budget.surgePods} extra Pod${budget.surgePods === 1 ? "" : "s"} and maxUnavailable ${budget.maxUnavailable} → ${budget.unavailablePods} of ${budget.replicas} replica${budget.replicas === 1 ? "" : "s"}: ` +
            `${consequence}; the old Pod is deleted only once the new one is Ready, so the rollout hangs. ` +
            `Set strategy.rollingUpdate to maxSurge: 0 and maxUnavailable: 1.`,
        });
      }
    }
  },
});

/** `nodeName`, or a nodeSelector on the node's hostname label: every Pod lands on the same node. */
function pinnedToOneNode(pod: PodSpecView): boolean {
  if (typeof pod.spec.nodeName === "string" && pod.spec.nodeName !== "") return true;
  const selector = pod.spec.nodeSelector;
  return isObject(selector) && typeof getPath(selector, ["kubernetes.io/hostname"]) === "string";
}
