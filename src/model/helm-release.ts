import type { ManifestSet } from "./manifest-set.js";
import { getPath, isObject } from "../util/json.js";
import type { K8sObject } from "./objects.js";
import { parseDuration, formatDuration } from "../util/duration.js";
import { releaseChartOf } from "./helm.js";

/**
 * Where the hook budget comes from: the timeout Helm gives each hook of an action.
 *
 * Helm waits for every hook Job/Pod of an event separately, one after another, each with the full
 * action timeout (helm `pkg/action/hooks.go` execHook → WatchUntilReady(resources, timeout)).
 * helm-controller passes `spec.<action>.timeout`, else `spec.timeout`, else 5m, per action
 * (fluxcd/helm-controller `api/v2/helmrelease_types.go`). Without a HelmRelease the timeout is
 * `--release-timeout` / config `releaseTimeout`, else Helm's own default `--timeout 5m0s`.
 */
export type HelmAction = "install" | "upgrade" | "rollback" | "uninstall" | "test";

/** The action whose timeout applies to a hook event. */
export const ACTION_OF_EVENT: Record<string, HelmAction> = {
  "pre-install": "install",
  "post-install": "install",
  "pre-upgrade": "upgrade",
  "post-upgrade": "upgrade",
  "pre-rollback": "rollback",
  "post-rollback": "rollback",
  "pre-delete": "uninstall",
  "post-delete": "uninstall",
  test: "test",
  "test-success": "test",
};

const HELM_DEFAULT_TIMEOUT = 300;

export interface ReleaseTimeout {
  seconds: number;
  /** The action the hook runs in. */
  action: HelmAction;
  /**
   * The setting it came from: the action's own `spec.<action>.timeout`, the release-wide `spec.timeout`,
   * helm-controller's default, or (no HelmRelease) `--release-timeout` / Helm's default.
   */
  setting: "own" | "spec.timeout" | "default" | "release";
  /** Where it came from: `HelmRelease flux-system/bp-catalyst-platform`, `--release-timeout 10m`, `releaseTimeout: 10m in .gitops-lint.yaml`, `Helm's default`. */
  source: string;
  /** The HelmRelease it came from, when one applied. */
  helmRelease?: K8sObject;
  /** True when the action never runs the hook under that HelmRelease (`disableHooks`, tests not enabled). */
  hooksDisabled: boolean;
}

export function isHelmRelease(object: K8sObject): boolean {
  return object.kind === "HelmRelease" && object.apiVersion.startsWith("helm.toolkit.fluxcd.io/");
}

/** The HelmReleases that can deliver an object, and how they were told apart from the others of its chart. */
export interface ReleaseMatch {
  releases: K8sObject[];
  /** `release name "a" (label app.kubernetes.io/instance)`, `namespace "b"`: what narrowed the chart's HelmReleases down; empty when nothing had to. */
  by: string[];
}

/**
 * The HelmReleases in the set that deliver the chart the object was rendered from: its
 * `spec.chart.spec.chart` (a name, or a path such as `./charts/platform`: the last segment counts),
 * or for `spec.chartRef` the chart of the referenced HelmChart, or the last path segment of the
 * referenced OCIRepository's URL, when those are in the set too. When several deliver that chart, the
 * object's release name (label `app.kubernetes.io/instance`, the older `release` label, or annotation
 * `meta.helm.sh/release-name`) picks those whose Helm release has that name (`spec.releaseName`, else
 * helm-controller's `[targetNamespace-]name`), then its namespace those that install into it. More
 * than one left: the object's HelmRelease cannot be told.
 */
export function helmReleasesFor(set: ManifestSet, object: K8sObject): ReleaseMatch | undefined {
  // Rendered by gitops-lint for a HelmRelease: that release, not whichever uses a chart of the same name.
  const renderedFor = object.source.helmRelease;
  if (renderedFor) {
    const hr = set.find("HelmRelease", renderedFor.name, renderedFor.namespace !== undefined ? { namespace: renderedFor.namespace } : {});
    if (hr) return { releases: [hr], by: [] };
  }
  const chart = releaseChartOf(object);
  if (!chart) return undefined;
  let releases = set.derived(releasesByChart).get(chart) ?? [];
  if (releases.length === 0) return undefined;
  const by: string[] = [];
  const release = releaseNameLabel(object);
  if (releases.length > 1 && release) {
    const named = releases.filter((hr) => helmReleaseName(hr) === release.name);
    if (named.length > 0 && named.length < releases.length) {
      releases = named;
      by.push(`release name "${release.name}" (${release.from})`);
    }
  }
  if (releases.length > 1 && object.namespace !== undefined) {
    const inNamespace = releases.filter((hr) => targetNamespace(hr) === object.namespace);
    if (inNamespace.length > 0 && inNamespace.length < releases.length) {
      releases = inNamespace;
      by.push(`namespace "${object.namespace}"`);
    }
  }
  return { releases, by };
}

/** The Helm release name an object was rendered for, as charts label it. */
function releaseNameLabel(object: K8sObject): { name: string; from: string } | undefined {
  for (const label of ["app.kubernetes.io/instance", "release"]) {
    const name = object.labels[label];
    if (name) return { name, from: `label ${label}` };
  }
  const annotated = object.annotations["meta.helm.sh/release-name"];
  return annotated ? { name: annotated, from: "annotation meta.helm.sh/release-name" } : undefined;
}

/** helm-controller: `spec.releaseName`, defaulting to `[spec.targetNamespace-]metadata.name` (api/v2 helmrelease_types.go GetReleaseName). */
function helmReleaseName(hr: K8sObject): string {
  const name = getPath(hr.body, ["spec", "releaseName"]);
  if (typeof name === "string" && name !== "") return name;
  const target = getPath(hr.body, ["spec", "targetNamespace"]);
  return typeof target === "string" && target !== "" ? `${target}-${hr.name}` : hr.name;
}

/** The HelmReleases in the set by the name of the chart they deliver. */
function releasesByChart(set: ManifestSet): Map<string, K8sObject[]> {
  const byChart = new Map<string, K8sObject[]>();
  for (const hr of set.ofKind("HelmRelease")) {
    const chart = isHelmRelease(hr) ? chartNameOf(set, hr) : undefined;
    if (chart === undefined) continue;
    const releases = byChart.get(chart);
    if (releases) releases.push(hr);
    else byChart.set(chart, [hr]);
  }
  return byChart;
}

function chartNameOf(set: ManifestSet, hr: K8sObject): string | undefined {
  const chart = getPath(hr.body, ["spec", "chart", "spec", "chart"]);
  if (typeof chart === "string") return lastSegment(chart);
  const ref = getPath(hr.body, ["spec", "chartRef"]);
  if (!isObject(ref) || typeof ref.kind !== "string" || typeof ref.name !== "string") return undefined;
  const namespace = typeof ref.namespace === "string" ? ref.namespace : hr.namespace;
  const source = set.find(ref.kind, ref.name, namespace !== undefined ? { namespace } : {});
  if (!source) return undefined;
  if (ref.kind === "HelmChart") {
    const name = getPath(source.body, ["spec", "chart"]);
    return typeof name === "string" ? lastSegment(name) : undefined;
  }
  if (ref.kind === "OCIRepository") {
    const url = getPath(source.body, ["spec", "url"]);
    return typeof url === "string" ? lastSegment(url) : undefined;
  }
  return undefined;
}

function targetNamespace(hr: K8sObject): string | undefined {
  const target = getPath(hr.body, ["spec", "targetNamespace"]);
  return typeof target === "string" ? target : hr.namespace;
}

function lastSegment(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/**
 * The timeout Helm gives each hook of `action` for this object. When the object's HelmRelease cannot be
 * told among several of its chart, the shortest of their timeouts applies (of those that run the hook),
 * and `source` says so.
 */
export function releaseTimeout(set: ManifestSet, object: K8sObject, action: HelmAction, fallback: { seconds: number; why: string } | undefined): ReleaseTimeout {
  const match = helmReleasesFor(set, object);
  if (match) {
    const timeouts = match.releases.map((hr) => timeoutOf(hr, action));
    const running = timeouts.filter((t) => !t.hooksDisabled);
    const shortest = (running.length > 0 ? running : timeouts).reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const others = match.releases.filter((hr) => hr !== shortest.helmRelease).map(nameOf);
    const how = match.by.length > 0 ? `, matched by ${match.by.join(" and ")}` : "";
    const ambiguity =
      others.length > 0
        ? `; which of ${match.releases.length} HelmReleases of chart "${releaseChartOf(object) ?? ""}" delivers this hook is not known (also ${others.join(", ")}), so the shortest timeout applies`
        : "";
    return { ...shortest, source: `${shortest.source}${how}${ambiguity}` };
  }
  if (fallback !== undefined) {
    return { seconds: fallback.seconds, action, setting: "release", source: fallback.why, hooksDisabled: false };
  }
  return { seconds: HELM_DEFAULT_TIMEOUT, action, setting: "release", source: "Helm's default", hooksDisabled: false };
}

function timeoutOf(hr: K8sObject, action: HelmAction): ReleaseTimeout {
  const own = durationAt(hr, ["spec", action, "timeout"]);
  const spec = durationAt(hr, ["spec", "timeout"]);
  const [seconds, setting] = own !== undefined ? [own, "own" as const] : spec !== undefined ? [spec, "spec.timeout" as const] : [HELM_DEFAULT_TIMEOUT, "default" as const];
  const hooksDisabled = action === "test" ? getPath(hr.body, ["spec", "test", "enable"]) !== true : getPath(hr.body, ["spec", action, "disableHooks"]) === true;
  return { seconds, action, setting, source: `HelmRelease ${nameOf(hr)}`, helmRelease: hr, hooksDisabled };
}

function nameOf(hr: K8sObject): string {
  return `${hr.namespace ? `${hr.namespace}/` : ""}${hr.name}`;
}

/**
 * `install/upgrade timeout 15m = 900 s (HelmRelease ns/name)`: the timeouts a hook is checked against,
 * each value said once with the actions it applies to, and where it is set when it is not the action's
 * own `spec.<action>.timeout` (`via spec.timeout`, `by default`).
 */
export function describeTimeouts(timeouts: ReleaseTimeout[]): string {
  const groups = new Map<string, { source: string; seconds: number; setting: ReleaseTimeout["setting"]; actions: HelmAction[] }>();
  for (const t of timeouts) {
    const key = [t.source, t.seconds, t.setting].join("\0");
    const group = groups.get(key) ?? { source: t.source, seconds: t.seconds, setting: t.setting, actions: [] };
    if (!group.actions.includes(t.action)) group.actions.push(t.action);
    groups.set(key, group);
  }
  const bySource = new Map<string, string[]>();
  for (const g of groups.values()) {
    const name = g.setting === "release" ? "release" : g.actions.join("/");
    const where = g.setting === "spec.timeout" ? " via spec.timeout" : g.setting === "default" ? " by default" : "";
    bySource.set(g.source, [...(bySource.get(g.source) ?? []), `${name} timeout ${formatDuration(g.seconds)} = ${g.seconds} s${where}`]);
  }
  return [...bySource].map(([source, phrases]) => `${phrases.join(" and ")} (${source})`).join(" and ");
}

function durationAt(object: K8sObject, path: string[]): number | undefined {
  const value = getPath(object.body, path);
  return typeof value === "string" ? parseDuration(value) : undefined;
}
