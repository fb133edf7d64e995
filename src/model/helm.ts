import { parseHookWeight } from "./hook-weight.js";
import type { K8sObject } from "./objects.js";

export interface HookInfo {
  events: string[];
  /** The weight Helm sorts the hooks of one event by (see parseHookWeight). */
  weight: bigint;
  deletePolicies: string[];
}

/** The `helm.sh/hook` annotation, parsed; undefined for ordinary release resources. */
export function hookInfo(object: K8sObject): HookInfo | undefined {
  const hook = object.annotations["helm.sh/hook"];
  if (hook === undefined) return undefined;
  return {
    events: splitList(hook),
    weight: parseHookWeight(object.annotations["helm.sh/hook-weight"]).value,
    deletePolicies: splitList(object.annotations["helm.sh/hook-delete-policy"] ?? ""),
  };
}

/**
 * The chart whose release delivers the object: the first segment of the `# Source:` path (for a
 * subchart that is still the parent, whose release and timeouts apply), else the `helm.sh/chart`
 * label without its version.
 */
export function releaseChartOf(object: K8sObject): string | undefined {
  const source = object.source.helmSource;
  if (source) return source.split("/")[0];
  const label = object.labels["helm.sh/chart"];
  if (!label) return undefined;
  const match = /^(.+?)-v?\d+\.\d+\.\d+/.exec(label);
  return match ? match[1] : label;
}

/**
 * Whether two objects can belong to one Helm release: the same release chart (see releaseChartOf), or a chart
 * that is not known for one of them.
 */
export function sameRelease(a: K8sObject, b: K8sObject): boolean {
  const chartA = releaseChartOf(a);
  const chartB = releaseChartOf(b);
  return chartA === undefined || chartB === undefined || chartA === chartB;
}

function splitList(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}
