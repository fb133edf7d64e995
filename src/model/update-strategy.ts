import type { NodePath } from "../load/types.js";
import { getPath, isObject } from "../util/json.js";
import type { K8sObject } from "./objects.js";

/**
 * The update strategy of a Deployment (`spec.strategy`) or StatefulSet (`spec.updateStrategy`): the two
 * kinds whose API validation forbids a `rollingUpdate` block next to their non-rolling type
 * (Deployment `Recreate`: "Forbidden: may not be specified"; StatefulSet `OnDelete`: "only allowed for
 * updateStrategy 'RollingUpdate'"). A DaemonSet accepts `rollingUpdate` with `OnDelete`, so it is not here.
 */
export interface UpdateStrategyView {
  /** `strategy` (Deployment) or `updateStrategy` (StatefulSet). */
  field: "strategy" | "updateStrategy";
  /** The declared type; undefined when absent (the API server then defaults it to RollingUpdate). */
  type: string | undefined;
  /** The non-rolling type that forbids a rollingUpdate block: Recreate or OnDelete. */
  nonRollingType: "Recreate" | "OnDelete";
  /** True when the declared type is the non-rolling one. */
  isNonRolling: boolean;
  /** True when the type is RollingUpdate, declared or defaulted. */
  isRolling: boolean;
  /**
   * True when the API server stores a `rollingUpdate` block for this manifest: a declared block, or the
   * defaulted one. A Deployment of type RollingUpdate always gets one (`maxSurge`/`maxUnavailable` 25%);
   * a StatefulSet only when its type is left out (apps/v1 SetDefaults_StatefulSet), not for an explicit
   * `type: RollingUpdate` without a block.
   */
  storesRollingUpdate: boolean;
  /** The `rollingUpdate` value when it is a mapping (`{}` included); undefined for null or absent. */
  rollingUpdateBlock: Record<string, unknown> | undefined;
  /** Paths inside the object's document (basePath included). */
  path: NodePath;
  typePath: NodePath;
  rollingUpdatePath: NodePath;
}

const STRATEGY_FIELDS: Record<string, { field: "strategy" | "updateStrategy"; nonRollingType: "Recreate" | "OnDelete" }> = {
  Deployment: { field: "strategy", nonRollingType: "Recreate" },
  StatefulSet: { field: "updateStrategy", nonRollingType: "OnDelete" },
};

export function updateStrategyOf(object: K8sObject): UpdateStrategyView | undefined {
  const kind = STRATEGY_FIELDS[object.kind];
  if (!kind || !object.apiVersion.startsWith("apps/")) return undefined;
  const strategy = getPath(object.body, ["spec", kind.field]);
  const type = isObject(strategy) && typeof strategy.type === "string" ? strategy.type : undefined;
  const rollingUpdate = isObject(strategy) ? strategy.rollingUpdate : undefined;
  const path = [...object.basePath, "spec", kind.field];
  return {
    field: kind.field,
    type,
    nonRollingType: kind.nonRollingType,
    isNonRolling: type === kind.nonRollingType,
    isRolling: type === undefined || type === "" || type === "RollingUpdate",
    storesRollingUpdate:
      isObject(rollingUpdate) ||
      (object.kind === "Deployment" ? type === undefined || type === "" || type === "RollingUpdate" : type === undefined || type === ""),
    rollingUpdateBlock: isObject(rollingUpdate) ? rollingUpdate : undefined,
    path,
    typePath: [...path, "type"],
    rollingUpdatePath: [...path, "rollingUpdate"],
  };
}
