import { getPath, isObject } from "../../util/json.js";
import type { ManifestSet } from "../manifest-set.js";
import { normalizedClaimSpec } from "./claim-spec.js";
import { describeValueChange, dotted } from "./describe-change.js";
import { atMost } from "./kube-version.js";
import { firstDifference } from "./same-value.js";
import type { FieldChange, KindRules } from "./types.js";

/**
 * PersistentVolumeClaim (pkg/apis/core/validation/validation.go `ValidatePersistentVolumeClaimUpdate`):
 * the spec is fixed once the claim is bound, except `resources.requests.storage` and
 * `volumeAttributesClassName` (any change since Kubernetes 1.34); `volumeName` may be set once. The
 * storage request may not shrink below the previous value (below `status.capacity` with
 * RecoverVolumeExpansionFailure, GA in 1.34). Growing it needs a StorageClass with
 * `allowVolumeExpansion: true` (admission plugin PersistentVolumeClaimResize,
 * plugin/pkg/admission/storage/persistentvolumeclaim/resize/admission.go), checked when that class is in
 * the input. Claims are taken to be bound, as claims in use are; a pending claim rejects a storage change too.
 */
export const claimRules: KindRules = {
  kinds: ["PersistentVolumeClaim"],
  apiVersions: ["v1"],
  changes(base, head, context) {
    const before = normalizedClaimSpec(base.body.spec);
    const after = normalizedClaimSpec(head.body.spec);
    const oldStorage = getPath(before, ["resources", "requests", "storage"]);
    const newStorage = getPath(after, ["resources", "requests", "storage"]);
    const out: FieldChange[] = [];

    const a = comparable(before);
    const b = comparable(after);
    if (before.volumeName === undefined || before.volumeName === "") delete b.volumeName;
    if (before.storageClassName === undefined && after.storageClassName !== undefined) {
      // The DefaultStorageClass admission plugin filled in the cluster's default class at creation.
      delete b.storageClassName;
      out.push({
        path: ["spec", "storageClassName"],
        error: SPEC_FORBIDDEN,
        change: `storageClassName (cluster default) → ${JSON.stringify(after.storageClassName)}`,
        effect: "rejected",
        unless: `${JSON.stringify(after.storageClassName)} is the cluster's default StorageClass, which the API server wrote into the claim at creation`,
      });
    }
    const difference = firstDifference(a, b);
    if (difference) {
      out.unshift({
        path: ["spec", ...difference],
        error: SPEC_FORBIDDEN,
        change: describeValueChange(dotted(difference), getPath(base.body.spec, difference) ?? getPath(a, difference), getPath(head.body.spec, difference) ?? getPath(b, difference)),
        effect: "rejected",
      });
    }

    if (typeof oldStorage === "number" && typeof newStorage === "number" && newStorage !== oldStorage) {
      const words = describeValueChange("storage request", getPath(base.body.spec, ["resources", "requests", "storage"]), getPath(head.body.spec, ["resources", "requests", "storage"]));
      if (newStorage < oldStorage) {
        out.push({
          path: ["spec", "resources", "requests", "storage"],
          error: `spec.resources.requests.storage: Forbidden: field can not be less than ${atMost(context.kubeVersion, 1, 33) ? "previous value" : "status.capacity"}`,
          change: `${words}: volumes cannot shrink`,
          effect: "rejected",
        });
      } else if (!expandable(after.storageClassName, context.head)) {
        out.push({
          path: ["spec", "resources", "requests", "storage"],
          error: `persistentvolumeclaims ${JSON.stringify(head.name)} is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize`,
          wholeError: true,
          change: `${words}, but StorageClass ${JSON.stringify(after.storageClassName)} does not set allowVolumeExpansion: true`,
          fix: `set allowVolumeExpansion: true on StorageClass ${JSON.stringify(after.storageClassName)} (that field may change) or keep the old size`,
          effect: "rejected",
        });
      }
    }
    return out;
  },
};

const SPEC_FORBIDDEN = "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";

/** The spec without what may change: the storage request (checked on its own) and the attributes class. */
function comparable(spec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...spec };
  delete out.volumeAttributesClassName;
  if (isObject(out.resources) && isObject(out.resources.requests)) {
    const requests = { ...out.resources.requests };
    delete requests.storage;
    out.resources = { ...out.resources, requests };
  }
  return out;
}

/** False only when the claim's StorageClass is in the input and does not allow expansion. */
function expandable(className: unknown, head: ManifestSet): boolean {
  if (typeof className !== "string") return true;
  const storageClass = head.ofKind("StorageClass").find((o) => o.name === className && o.apiVersion.startsWith("storage.k8s.io/"));
  return storageClass === undefined || storageClass.body.allowVolumeExpansion === true;
}
