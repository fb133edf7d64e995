import { getPath } from "../util/json.js";
import type { K8sObject } from "./objects.js";

export interface RollingUpdateBudget {
  replicas: number;
  /** The value as written, or the API default 25%, for messages. */
  maxSurge: string;
  maxUnavailable: string;
  /** Extra Pods the controller may create: a percentage of replicas rounded up. */
  surgePods: number;
  /** Pods that may be unavailable: a percentage of replicas rounded down. */
  unavailablePods: number;
}

/** `spec.replicas` with the API default 1; `undefined` when it is not a non-negative integer (templated or invalid). */
export function replicasOf(deployment: K8sObject): number | undefined {
  const raw = getPath(deployment.body, ["spec", "replicas"]);
  const replicas = raw === undefined || raw === null ? 1 : raw;
  return typeof replicas === "number" && Number.isInteger(replicas) && replicas >= 0 ? replicas : undefined;
}

/**
 * The rolling-update budget of a Deployment as the controller computes it (deployment/util ResolveFenceposts):
 * `maxSurge` defaults to 25% and rounds up, `maxUnavailable` defaults to 25% and rounds down, both against
 * `replicas` (default 1); when both resolve to 0 the controller allows one unavailable Pod.
 * `undefined` for a Recreate Deployment, other kinds, and values it cannot read (templated or invalid).
 */
export function rollingUpdateBudgetOf(deployment: K8sObject): RollingUpdateBudget | undefined {
  if (deployment.kind !== "Deployment") return undefined;
  const type = getPath(deployment.body, ["spec", "strategy", "type"]);
  if (type !== undefined && type !== null && type !== "RollingUpdate") return undefined;
  const replicas = replicasOf(deployment);
  if (replicas === undefined) return undefined;
  const surge = resolveIntOrPercent(getPath(deployment.body, ["spec", "strategy", "rollingUpdate", "maxSurge"]), replicas, "up");
  const unavailable = resolveIntOrPercent(getPath(deployment.body, ["spec", "strategy", "rollingUpdate", "maxUnavailable"]), replicas, "down");
  if (!surge || !unavailable) return undefined;
  return {
    replicas,
    maxSurge: surge.shown,
    maxUnavailable: unavailable.shown,
    surgePods: surge.value,
    unavailablePods: surge.value === 0 && unavailable.value === 0 ? 1 : unavailable.value,
  };
}

/** An IntOrString field: an integer, or a `N%` string scaled by `total`; absent means the API default 25%. */
function resolveIntOrPercent(raw: unknown, total: number, round: "up" | "down"): { value: number; shown: string } | undefined {
  const value = raw === undefined || raw === null ? "25%" : raw;
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? { value, shown: String(value) } : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^(\d+)%$/.exec(value);
  if (!match) return undefined;
  const scaled = (Number(match[1]) * total) / 100;
  return { value: round === "up" ? Math.ceil(scaled) : Math.floor(scaled), shown: value };
}
