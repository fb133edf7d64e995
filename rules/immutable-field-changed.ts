import { defineRule, type Report } from "../src/engine/rule.js";
import { applierOf, type Applier } from "../src/model/applier.js";
import { FLUX_FORCE_KEY, fluxNeverUpdates, isForceEnabled } from "../src/model/flux-force.js";
import { hookInfo } from "../src/model/helm.js";
import { apiErrorOf, fieldChangesOf, type FieldChange } from "../src/model/immutable/index.js";
import { describe, type K8sObject } from "../src/model/objects.js";
import type { NodePath } from "../src/load/types.js";
import { getPath } from "../src/util/json.js";

/** The base of the example: matchLabels {app: api}. */
const PREVIOUS_RENDER = {
  "previous-render.yaml":
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n" +
    "  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.1.0\n",
};

export default defineRule({
  meta: {
    id: "immutable-field-changed",
    description:
      "Diff-aware (`--base`/`--base-file`) only: a change to a field the API server does not let an existing object change (a workload selector, a StatefulSet's volumeClaimTemplates, a Job's template, a Service's cluster IP, a bound claim's spec, an immutable ConfigMap's data, a binding's roleRef, …).",
    rationale:
      "These updates pass every schema check and `helm template`, and fail at apply under every applier, " +
      "server-side or client-side, Helm, Flux or Argo CD: only deleting and recreating the object gets past them. " +
      "Each kind follows its API validation code:\n\n" +
      "- Deployment, DaemonSet, ReplicaSet: `spec.selector` (pkg/registry/apps/{deployment,daemonset,replicaset}/strategy.go `ValidateUpdate`).\n" +
      "- StatefulSet: anything in `spec` but replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and " +
      "minReadySeconds (pkg/apis/apps/validation `ValidateStatefulSetUpdate`), after the API server's defaults (podManagementPolicy " +
      "OrderedReady, revisionHistoryLimit 10, serviceName \"\", claim volumeMode Filesystem). Kubernetes 1.31 rejects a " +
      "`revisionHistoryLimit` change too (kubernetes#130263) while newer API servers list it among the updatable fields; the release " +
      "that changed it is not pinned here, so on its own that change is an error only with `--kube-version` 1.31 or older, a warning " +
      "otherwise.\n" +
      "- Job: selector, template, completions (except an Indexed Job scaling completions with parallelism), completionMode, " +
      "podFailurePolicy, backoffLimitPerIndex, managedBy, successPolicy (pkg/apis/batch/validation `ValidateJobSpecUpdate`); a " +
      "template is compared with the common pod defaults filled in, and a Job suspended at both revisions may change its scheduling " +
      "directives. A Job whose `ttlSecondsAfterFinished` may have deleted it already is a warning.\n" +
      "- Service: a primary cluster IP that changes once set, `None` included; `ipFamilies[0]`; a LoadBalancer's `loadBalancerClass` " +
      "(pkg/apis/core/validation `ValidateServiceUpdate`). An address left out is carried over (pkg/registry/core/service/storage " +
      "`patchAllocatedValues`), so headless → ClusterIP is accepted and ignored: a warning that the change does not take effect. " +
      "Type changes are accepted (strategy.go `dropTypeDependentFields`).\n" +
      "- PersistentVolumeClaim: anything but the storage request and volumeAttributesClassName (`ValidatePersistentVolumeClaimUpdate`); " +
      "a smaller storage request has its own message; a larger one needs `allowVolumeExpansion: true` on a StorageClass in the input " +
      "(admission plugin PersistentVolumeClaimResize). Setting `storageClassName` where the base left it out is a warning: the claim " +
      "already holds the class the cluster defaulted at creation, which may be that one. Claims are taken to be bound.\n" +
      "- ConfigMap, Secret with `immutable: true`: data and `immutable`; a Secret's `type` always (`ValidateConfigMapUpdate`, `ValidateSecretUpdate`).\n" +
      "- RoleBinding, ClusterRoleBinding: `roleRef` (pkg/apis/rbac/validation `ValidateRoleBindingUpdate`); StorageClass: parameters, " +
      "provisioner, reclaimPolicy, volumeBindingMode (pkg/apis/storage/validation `ValidateStorageClassUpdate`); IngressClass " +
      "`spec.controller` (pkg/apis/networking/validation `validateIngressClassSpecUpdate`); PriorityClass `value` and " +
      "`preemptionPolicy` (pkg/apis/scheduling/validation `ValidatePriorityClassUpdate`).\n" +
      "- CustomResourceDefinition: group, names.plural, scope, names.kind, and removing a version that may still be stored " +
      "(apiextensions-apiserver validation `validateCustomResourceDefinitionSpecUpdate`, `ValidateCustomResourceDefinitionStoredVersions`): " +
      "the base's storage version is an error, another removed version a warning.\n\n" +
      "The message quotes the API server's error, which Helm (`cannot patch … with kind …`), Flux (`dry-run failed (Invalid)`) and " +
      "kubectl (`The … is invalid`) print inside their own words; long values such as a pod template are shortened to `{…}`.\n\n" +
      "Who applies each object comes from the applier model (a Flux Kustomization or HelmRelease in the input, an Argo CD " +
      "Application, `--applier`, else Helm 4 for rendered Helm output and `kubectl apply` for plain manifests); the message names it. " +
      "An applier that deletes and recreates the object gets past the error, at a price: Flux kustomize-controller with " +
      "`kustomize.toolkit.fluxcd.io/force: enabled` on the object or `spec.force: true` on its Kustomization (inert under " +
      "helm-controller, whose `upgrade.force` is a PUT), Argo CD with `Force=true,Replace=true` (and `Force=true` alone under " +
      "client-side apply). Then the finding is a **warning** about that price where there is one: every Pod of a workload stops at " +
      "once, a Service gets new addresses, a recreated claim loses its volume, a recreated CRD all its custom resources, a StatefulSet " +
      "is deleted with its Pods. Recreated Jobs, ConfigMaps, Secrets, bindings and classes are not reported. Helm and Argo CD hooks are " +
      "not reported either: they are created anew (Helm's default delete policy `before-hook-creation`), never updated; nor are objects " +
      "Flux never updates in place (`kustomize.toolkit.fluxcd.io/ssa: IfNotPresent`/`Ignore`, `reconcile: disabled`). Objects new in " +
      "this change have no live object to conflict with. Without `--base` or `--base-file` this rule reports nothing; " +
      "`release-label-in-immutable-field` catches the commonest cause one release early.",
    remediation:
      "Undo the change to the fixed field, or replace the object on purpose: delete it and apply again (for a StatefulSet, " +
      "`kubectl delete statefulset NAME --cascade=orphan` keeps its Pods and claims running and lets the new object adopt them), " +
      "or give the new object a new name. The finding's own remediation says what applies to its kind.",
    defaultSeverity: "error",
    example: {
      bad:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api, tier: web}\n" +
        "  template:\n    metadata:\n      labels: {app: api, tier: web}\n    spec:\n      containers:\n        - name: api\n          image: api:1.2.0\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n" +
        "  template:\n    metadata:\n      labels: {app: api, tier: web}\n    spec:\n      containers:\n        - name: api\n          image: api:1.2.0\n",
      args: { bad: ["--base-file", "previous-render.yaml"], good: ["--base-file", "previous-render.yaml"] },
      files: { bad: PREVIOUS_RENDER, good: PREVIOUS_RENDER },
    },
    tags: ["diff", "upgrade", "immutable"],
    precision: "high",
  },
  check({ set, diff, settings, report }) {
    if (!diff) return;
    for (const { base, head } of diff.pairs) {
      if (hookInfo(head) !== undefined || head.annotations["argocd.argoproj.io/hook"] !== undefined || fluxNeverUpdates(head)) continue;
      const changes = fieldChangesOf(base, head, { head: set, ...(settings.kubeVersion !== undefined ? { kubeVersion: settings.kubeVersion } : {}) });
      if (changes.length === 0) continue;
      const since = `changed since ${diff.baseName}`;

      const ignored = changes.filter((c) => c.effect === "ignored");
      for (const change of ignored) {
        report({
          object: head,
          path: reportPath(head, change.path),
          severity: "warning",
          message: `${describe(head)} ${since}: ${change.change}, but the API server keeps the live "None": the Service stays headless; delete and recreate it to give it a cluster IP`,
          remediation: "Keep `clusterIP: None` in the manifest while the Service is headless; to give it a cluster IP, delete it and let the applier create it again.",
        });
      }
      const rejected = changes.filter((c) => c.effect === "rejected");
      if (rejected.length === 0) continue;
      const finding = findingFor(head, base, rejected, since, applierOf(head, set, settings));
      if (finding) report(finding);
    }
  },
});

/** The finding for rejected changes; undefined when the applier recreates the object and that costs nothing. */
function findingFor(head: K8sObject, base: K8sObject, changes: FieldChange[], since: string, applier: Applier): Report | undefined {
  const what = changes.map((c) => c.change).join("; ");
  const error = apiErrorOf(head, changes);
  const first = changes[0]!;
  const recreatedBy = recreator(applier);
  if (recreatedBy !== undefined) {
    const cost = recreationCost(head);
    if (cost === undefined) return undefined;
    return {
      object: head,
      path: reportPath(head, first.path),
      severity: "warning",
      message: `${describe(head)} ${since}: ${what}; ${recreatedBy} deletes and recreates it instead of failing: ${cost}`,
      remediation: `${remedyFor(head)} The update is rejected with: ${error}`,
    };
  }
  const uncertain = changes.every((c) => c.unless !== undefined) ? changes.map((c) => c.unless).join("; and ") : undefined;
  const ttl = head.kind === "Job" && getPath(base.body, ["spec", "ttlSecondsAfterFinished"]) !== undefined;
  const condition = uncertain ?? (ttl ? "the finished Job was already deleted by its ttlSecondsAfterFinished" : undefined);
  return {
    object: head,
    path: reportPath(head, first.path),
    ...(condition !== undefined ? { severity: "warning" as const } : {}),
    message:
      `${describe(head)} ${since}: ${what}; ${first.fix ?? shortFix(head)}${isForceEnabled(head) ? ` (${FLUX_FORCE_KEY} does nothing under ${applier.label})` : ""}. ` +
      `${applier.label} fails${condition !== undefined ? ` unless ${condition}` : ""}, with the API server's error: ${error}`,
    remediation: remedyFor(head),
  };
}

/**
 * Who deletes and recreates the object instead of failing, in words; undefined when the update just
 * fails (the applier model reads the object's own force switch: fluxcd/pkg ssa AnyInMetadata).
 */
function recreator(applier: Applier): string | undefined {
  if (applier.recreatesOnInvalid) return applier.label.includes("(") ? applier.label : `${applier.label} (${applier.why})`;
  return undefined;
}

/**
 * Where to point for a change at `path` (relative to the object): the key itself, or for a field the
 * head removed, its deepest remaining parent; a field removed from the top of the object is shown at
 * the object's name.
 */
function reportPath(head: K8sObject, path: NodePath): NodePath {
  let depth = path.length;
  while (depth > 0 && getPath(head.body, path.slice(0, depth)) === undefined) depth--;
  return [...head.basePath, ...(depth === 0 ? ["metadata", "name"] : path.slice(0, depth))];
}

/** The fix in a few words, for the message; the remediation has the whole of it. */
function shortFix(object: K8sObject): string {
  switch (object.kind) {
    case "Deployment":
    case "DaemonSet":
    case "ReplicaSet":
      return "keep the selector of the base, or delete the object before applying";
    case "StatefulSet":
      return `revert it, or delete the StatefulSet with --cascade=orphan before applying`;
    case "Job":
      return "rename the Job when it changes, or let the applier recreate it";
    case "Service":
      return "keep what the base had (leave out an address the base left out)";
    case "PersistentVolumeClaim":
      return "a bound claim can only grow its storage request";
    case "ConfigMap":
    case "Secret":
      return `give the changed ${object.kind} a new name`;
    case "RoleBinding":
    case "ClusterRoleBinding":
      return "create a new binding instead";
    case "CustomResourceDefinition":
      return "revert it: a CustomResourceDefinition cannot change this in place";
    default:
      return `revert it, or delete the ${object.kind} before applying`;
  }
}

/** What a delete-and-recreate costs, for the kinds where it costs something. */
function recreationCost(object: K8sObject): string | undefined {
  const name = object.name || "NAME";
  switch (object.kind) {
    case "Deployment":
    case "DaemonSet":
    case "ReplicaSet":
      return "its Pods are deleted with it, so every replica stops at once until the new ones are ready";
    case "StatefulSet": {
      const deletesClaims = getPath(object.body, ["spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted"]) === "Delete";
      return (
        `its Pods are deleted with it (all at once)${deletesClaims ? ", and persistentVolumeClaimRetentionPolicy.whenDeleted: Delete deletes their claims: data loss" : "; the claims of its volumeClaimTemplates stay and are reattached"}` +
        `; to keep the Pods running, run kubectl delete statefulset ${name} --cascade=orphan before the change is applied`
      );
    }
    case "PersistentVolumeClaim":
      return "the claim is deleted, and with the usual reclaimPolicy Delete its volume and the data on it: data loss";
    case "CustomResourceDefinition":
      return "deleting a CustomResourceDefinition deletes every custom resource of its kind: data loss";
    case "Service":
      return "the Service gets a new cluster IP, and a LoadBalancer a new external address";
    default:
      return undefined;
  }
}

function remedyFor(object: K8sObject): string {
  const name = object.name || "NAME";
  switch (object.kind) {
    case "Deployment":
    case "DaemonSet":
    case "ReplicaSet":
      return "Keep the selector as it was at the base and put new labels on the pod template only. A selector can change only by deleting the object (its Pods go with it) or by creating it under a new name.";
    case "StatefulSet":
      return `Revert the change, or recreate the StatefulSet without stopping its Pods: kubectl delete statefulset ${name} --cascade=orphan, then apply; the new StatefulSet adopts the Pods and claims its selector matches. A volumeClaimTemplates change applies only to claims created afterwards.`;
    case "Job":
      return "Give the Job a new name whenever its template changes (a suffix from the image tag or a hash), make it a Helm hook (the default hook-delete-policy before-hook-creation recreates it), or let the applier recreate it: kustomize.toolkit.fluxcd.io/force: enabled on the Job under Flux, argocd.argoproj.io/sync-options: Force=true,Replace=true under Argo CD.";
    case "Service":
      return "Leave clusterIP out (the live address is kept) or keep its old value; to change the address, delete the Service and apply again (clients see a new IP).";
    case "PersistentVolumeClaim":
      return "A bound claim can only grow its storage request. To change anything else, create a claim under a new name and copy the data over.";
    case "ConfigMap":
    case "Secret":
      return "An immutable ConfigMap or Secret is replaced, not updated: give the changed one a new name (a kustomize generator's hash suffix or a content checksum in the name) and point the workloads at it.";
    case "RoleBinding":
    case "ClusterRoleBinding":
      return "Bind the new role under a new binding name, or delete the binding and apply again.";
    case "CustomResourceDefinition":
      return "Keep every version that may be stored in spec.versions (with served: false) until the objects are migrated to the storage version and status.storedVersions no longer lists it; scope and names cannot change.";
    default:
      return `Revert the change, or delete the ${object.kind} and apply again.`;
  }
}
