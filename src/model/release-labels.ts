import type { K8sObject } from "./objects.js";

/** `1.2`, `v1.2.3`, `1.2.3-rc.1`: a release version (not `v1`, which names an API or a track). */
const RELEASE_VERSION = /^v?\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.-]+)?$/;
/** `mychart-1.2.3` (Helm's `helm.sh/chart`: name, dash, chart version, `+` written as `_`). */
const CHART_WITH_VERSION = /-v?\d+\.\d+(?:\.\d+)?(?:[-_][0-9A-Za-z._-]+)?$/;

/**
 * Why a label's value is bound to change with the next release, in words; undefined for a value that
 * stays. `helm.sh/chart` and `chart` carry the chart version when written the standard way
 * (`name-version`); `app.kubernetes.io/version` and `version` carry a release version when the value
 * is one (`v1`/`v2` tracks are stable by design); any label whose value is the chart version or the app
 * version the object itself declares changes with them. `heritage` is left out: it is `Helm` for every
 * Helm 3 and 4 release. A value the object's own name contains moves with the name, and a renamed
 * object is a new object.
 */
export function releaseBoundReason(key: string, value: string, object: K8sObject): string | undefined {
  if (value === "" || nameCarries(object.name, value)) return undefined;
  if ((key === "helm.sh/chart" || key === "chart") && CHART_WITH_VERSION.test(value)) return "carries the chart version, which changes with every chart release";
  if ((key === "app.kubernetes.io/version" || key === "version") && RELEASE_VERSION.test(value)) return "carries the application version, which changes with every release of it";
  if (!RELEASE_VERSION.test(value)) return undefined;
  const chartVersion = chartVersionOf(object);
  if (chartVersion !== undefined && value === chartVersion) return "equals the chart version, which changes with every chart release";
  if (value === object.labels["app.kubernetes.io/version"]) return "equals the object's app.kubernetes.io/version, which changes with every release";
  return undefined;
}

/** The chart version in the object's `helm.sh/chart` label (`name-1.2.3`), when it has one. */
function chartVersionOf(object: K8sObject): string | undefined {
  const label = object.labels["helm.sh/chart"];
  const match = label === undefined ? undefined : /-(v?\d+\.\d+(?:\.\d+)?(?:[-_][0-9A-Za-z._-]+)?)$/.exec(label);
  return match?.[1]?.replace(/_/g, "+");
}

function nameCarries(name: string, value: string): boolean {
  return name.includes(value) || name.includes(value.replace(/[.+_]/g, "-"));
}
