import type { NodePath } from "../../load/types.js";
import { getPath } from "../../util/json.js";
import { goQuote } from "./go-format.js";
import { describeValueChange } from "./describe-change.js";
import { firstDifference } from "./same-value.js";
import type { FieldChange, KindRules } from "./types.js";

const RBAC_GROUP = "rbac.authorization.k8s.io";

/**
 * RoleBinding, ClusterRoleBinding (pkg/apis/rbac/validation/validation.go `ValidateRoleBindingUpdate`,
 * `ValidateClusterRoleBindingUpdate`): `roleRef` never changes ("cannot change roleRef"); an omitted
 * `roleRef.apiGroup` defaults to rbac.authorization.k8s.io (pkg/apis/rbac/v1/defaults.go).
 */
export const roleBindingRules: KindRules = {
  kinds: ["RoleBinding", "ClusterRoleBinding"],
  apiVersions: [`${RBAC_GROUP}/v1`, `${RBAC_GROUP}/v1beta1`],
  changes(base, head) {
    const before = roleRef(base.body.roleRef);
    const after = roleRef(head.body.roleRef);
    if (before.apiGroup === after.apiGroup && before.kind === after.kind && before.name === after.name) return [];
    const field = before.name !== after.name ? "name" : before.kind !== after.kind ? "kind" : "apiGroup";
    return [
      {
        path: ["roleRef", field],
        error: `roleRef: Invalid value: rbac.RoleRef{APIGroup:${goQuote(after.apiGroup)}, Kind:${goQuote(after.kind)}, Name:${goQuote(after.name)}}: cannot change roleRef`,
        change: `roleRef ${before.kind}/${before.name} → ${after.kind}/${after.name}`,
        effect: "rejected",
      },
    ];
  },
};

function roleRef(value: unknown): { apiGroup: string; kind: string; name: string } {
  const text = (key: string): string => (typeof getPath(value, [key]) === "string" ? (getPath(value, [key]) as string) : "");
  return { apiGroup: text("apiGroup") || RBAC_GROUP, kind: text("kind"), name: text("name") };
}

/**
 * StorageClass (pkg/apis/storage/validation/validation.go `ValidateStorageClassUpdate`): parameters,
 * provisioner and reclaimPolicy are Forbidden to change, volumeBindingMode is immutable (defaults
 * Delete and Immediate, pkg/apis/storage/v1/defaults.go).
 */
export const storageClassRules: KindRules = {
  kinds: ["StorageClass"],
  apiVersions: ["storage.k8s.io/v1", "storage.k8s.io/v1beta1"],
  changes(base, head) {
    const out: FieldChange[] = [];
    const a = base.body;
    const b = head.body;
    const parameter = firstDifference(a.parameters, b.parameters);
    if (parameter) {
      const key = parameter[0];
      out.push(forbidden(["parameters", ...parameter], "parameters", describeValueChange(`parameters.${String(key)}`, getPath(a.parameters, parameter), getPath(b.parameters, parameter))));
    }
    if (a.provisioner !== b.provisioner) out.push(forbidden(["provisioner"], "provisioner", `provisioner ${goQuote(a.provisioner)} → ${goQuote(b.provisioner)}`));
    const oldPolicy = a.reclaimPolicy ?? "Delete";
    const newPolicy = b.reclaimPolicy ?? "Delete";
    if (oldPolicy !== newPolicy) out.push(forbidden(["reclaimPolicy"], "reclaimPolicy", `reclaimPolicy ${goQuote(oldPolicy)} → ${goQuote(newPolicy)}`));
    const oldMode = a.volumeBindingMode ?? "Immediate";
    const newMode = b.volumeBindingMode ?? "Immediate";
    if (oldMode !== newMode) {
      out.push({
        path: ["volumeBindingMode"],
        error: `volumeBindingMode: Invalid value: ${goQuote(newMode)}: field is immutable`,
        change: `volumeBindingMode ${goQuote(oldMode)} → ${goQuote(newMode)}`,
        effect: "rejected",
      });
    }
    return out;
  },
};

function forbidden(path: NodePath, field: string, change: string): FieldChange {
  return { path, error: `${field}: Forbidden: updates to ${field} are forbidden.`, change, effect: "rejected" };
}

/** IngressClass (pkg/apis/networking/validation/validation.go `validateIngressClassSpecUpdate`): `spec.controller`. */
export const ingressClassRules: KindRules = {
  kinds: ["IngressClass"],
  apiVersions: ["networking.k8s.io/v1", "networking.k8s.io/v1beta1"],
  changes(base, head) {
    const before = getPath(base.body, ["spec", "controller"]);
    const after = getPath(head.body, ["spec", "controller"]);
    if (before === after) return [];
    return [
      {
        path: ["spec", "controller"],
        error: `spec.controller: Invalid value: ${goQuote(after)}: field is immutable`,
        change: `controller ${goQuote(before)} → ${goQuote(after)}`,
        effect: "rejected",
      },
    ];
  },
};

/**
 * PriorityClass (pkg/apis/scheduling/validation/validation.go `ValidatePriorityClassUpdate`): `value`
 * may not change, `preemptionPolicy` is immutable (default PreemptLowerPriority).
 */
export const priorityClassRules: KindRules = {
  kinds: ["PriorityClass"],
  apiVersions: ["scheduling.k8s.io/v1", "scheduling.k8s.io/v1beta1"],
  changes(base, head) {
    const out: FieldChange[] = [];
    if (base.body.value !== head.body.value) {
      out.push({ path: ["value"], error: "value: Forbidden: may not be changed in an update.", change: `value ${goQuote(base.body.value)} → ${goQuote(head.body.value)}`, effect: "rejected" });
    }
    const oldPolicy = base.body.preemptionPolicy ?? "PreemptLowerPriority";
    const newPolicy = head.body.preemptionPolicy ?? "PreemptLowerPriority";
    if (oldPolicy !== newPolicy) {
      out.push({
        path: ["preemptionPolicy"],
        error: `preemptionPolicy: Invalid value: ${goQuote(newPolicy)}: field is immutable`,
        change: `preemptionPolicy ${goQuote(oldPolicy)} → ${goQuote(newPolicy)}`,
        effect: "rejected",
      });
    }
    return out;
  },
};
