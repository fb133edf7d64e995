import { asArray, isObject } from "../../util/json.js";
import { goQuote, goStringList } from "./go-format.js";
import type { FieldChange, KindRules } from "./types.js";

/**
 * Service (pkg/apis/core/validation/validation.go `ValidateServiceUpdate`):
 * - `validateUpgradeDowngradeClusterIPs`: outside ExternalName, the primary cluster IP may not change
 *   once set, headless (`None`) included; a secondary one may be added or released.
 * - `validateLoadBalancerClassField`: a LoadBalancer's `loadBalancerClass` may not change.
 * An address the manifest leaves out is carried over from the live object (pkg/registry/core/service/
 * storage/storage.go `patchAllocatedValues`): an allocated IP survives every apply, and so does `None`,
 * which is why headless → ClusterIP is accepted and ignored. Type changes themselves are accepted: the
 * fields a new type does not use are dropped (pkg/registry/core/service/strategy.go `dropTypeDependentFields`).
 * `ipFamilies[0]` may not change either, except on headless Services (`validateUpgradeDowngradeIPFamilies`);
 * only a family written at both revisions is compared, since the cluster picks the default one.
 */
export const serviceRules: KindRules = {
  kinds: ["Service"],
  apiVersions: ["v1"],
  changes(base, head) {
    const before = isObject(base.body.spec) ? base.body.spec : {};
    const after = isObject(head.body.spec) ? head.body.spec : {};
    const out: FieldChange[] = [];
    const external = before.type === "ExternalName" || after.type === "ExternalName";

    if (!external) {
      const old = primaryIP(before);
      const now = primaryIP(after);
      const path = after.clusterIPs !== undefined ? ["spec", "clusterIPs", 0] : ["spec", "clusterIP"];
      const newIPs = goStringList(after.clusterIPs ?? (now === undefined ? [] : [now]));
      if (now !== undefined && now !== old) {
        // old undefined: the live Service got an address allocated by the cluster; only `None` surely differs.
        if (old !== undefined || now === "None") {
          out.push({
            path,
            error: `spec.clusterIPs[0]: Invalid value: ${newIPs}: may not change once set`,
            change: `clusterIP ${old === undefined ? "(allocated)" : JSON.stringify(old)} → ${JSON.stringify(now)}`,
            effect: "rejected",
          });
        } else {
          out.push({
            path,
            error: `spec.clusterIPs[0]: Invalid value: ${newIPs}: may not change once set`,
            change: `clusterIP (allocated) → ${JSON.stringify(now)}`,
            effect: "rejected",
            unless: `the cluster happened to allocate ${now} to it`,
          });
        }
      } else if (old === "None" && now === undefined) {
        out.push({
          path: after.clusterIP !== undefined ? ["spec", "clusterIP"] : ["spec"],
          error: "",
          change: 'clusterIP "None" → (unset)',
          effect: "ignored",
        });
      }
      const oldFamily = asArray(before.ipFamilies)[0];
      const newFamily = asArray(after.ipFamilies)[0];
      const headless = old === "None" || now === "None";
      if (!headless && typeof oldFamily === "string" && typeof newFamily === "string" && oldFamily !== newFamily) {
        const families = asArray(after.ipFamilies).map((f) => JSON.stringify(String(f)));
        out.push({
          path: ["spec", "ipFamilies", 0],
          error: `spec.ipFamilies[0]: Invalid value: []core.IPFamily{${families.join(", ")}}: may not change once set`,
          change: `ipFamilies[0] ${JSON.stringify(oldFamily)} → ${JSON.stringify(newFamily)}`,
          effect: "rejected",
        });
      }
    }
    if (before.type === "LoadBalancer" && after.type === "LoadBalancer" && (before.loadBalancerClass ?? null) !== (after.loadBalancerClass ?? null)) {
      out.push({
        path: ["spec", "loadBalancerClass"],
        error: `spec.loadBalancerClass: Invalid value: ${goQuote(after.loadBalancerClass)}: may not change once set`,
        change: `loadBalancerClass ${goQuote(before.loadBalancerClass)} → ${goQuote(after.loadBalancerClass)}`,
        effect: "rejected",
      });
    }
    return out;
  },
};

/** The primary cluster IP the manifest asks for; undefined when left to the cluster ("" asks for allocation too). */
function primaryIP(spec: Record<string, unknown>): string | undefined {
  const ip = typeof spec.clusterIP === "string" && spec.clusterIP !== "" ? spec.clusterIP : asArray(spec.clusterIPs)[0];
  return typeof ip === "string" && ip !== "" ? ip : undefined;
}
