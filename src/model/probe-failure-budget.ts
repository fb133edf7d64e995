import { isObject } from "../util/json.js";

/** How long a probe lets its check keep failing before it acts: `failureThreshold` attempts, one per `periodSeconds`. */
export interface ProbeFailureBudget {
  failureThreshold: number;
  periodSeconds: number;
  seconds: number;
}

// core/v1 SetDefaults_Probe: a field that is absent or 0 takes these.
const DEFAULT_FAILURE_THRESHOLD = 3;
const DEFAULT_PERIOD_SECONDS = 10;

/**
 * The failure budget of a probe, with API defaults applied. `timeoutSeconds` is not counted: it bounds one
 * attempt, and the kubelet still starts one attempt per period unless the timeout exceeds the period.
 * `undefined` when a field is not a non-negative integer (templated or invalid).
 */
export function probeFailureBudgetOf(probe: unknown): ProbeFailureBudget | undefined {
  if (!isObject(probe)) return undefined;
  const failureThreshold = countOrDefault(probe.failureThreshold, DEFAULT_FAILURE_THRESHOLD);
  const periodSeconds = countOrDefault(probe.periodSeconds, DEFAULT_PERIOD_SECONDS);
  if (failureThreshold === undefined || periodSeconds === undefined) return undefined;
  return { failureThreshold, periodSeconds, seconds: failureThreshold * periodSeconds };
}

function countOrDefault(value: unknown, fallback: number): number | undefined {
  if (value === undefined || value === null || value === 0) return fallback;
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}
