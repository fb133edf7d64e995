import jsYaml from "js-yaml";
import type { NodePath } from "../load/types.js";
import type { K8sObject } from "../model/objects.js";
import { asArray, getPath, isObject, type JsonObject } from "../util/json.js";
import { mergeMaps, setAtKeyPath, typedSetValue } from "./chart-tree.js";
import { unitName } from "./flux-kustomization.js";
import { crypto } from "../util/lazy-builtins.js";

export { isHelmRelease } from "../model/helm-release.js";

/** Where a HelmRelease's chart comes from, as far as gitops-lint can follow it. */
export type ChartReference =
  /** A path inside a GitRepository (relative to its root). */
  | { kind: "git"; path: string; sourceName: string; sourceNamespace?: string; at: NodePath }
  /**
   * A chart from a registry (HelmRepository, OCIRepository, HelmChart): rendered from the repository's chart of that
   * name when it has one, else pulled (`--pull-charts`) as `pull` says when the source object is in the input.
   */
  | { kind: "registry"; name: string; version?: string; source: string; url?: string; pull?: ChartPull; at: NodePath }
  /** A source gitops-lint cannot follow, and why. */
  | { kind: "unsupported"; reason: string; at: NodePath };

/**
 * How `helm pull` fetches a registry chart as source-controller does: `chart` is `oci://…/<chart>` (with `@<digest>`
 * for an OCIRepository pinned by digest) or, for an HTTP(S) HelmRepository, the chart's name in `repo`.
 */
export interface ChartPull {
  chart: string;
  /** The HTTP(S) HelmRepository URL (`helm pull --repo`). */
  repo?: string;
  /** A version or semver constraint (`--version`). */
  version?: string;
  /** Flux `spec.insecure` of an OCI source: the registry speaks plain HTTP (`--plain-http`). */
  plainHttp?: boolean;
}

/**
 * The chart a HelmRelease installs: `spec.chart.spec` (chart + sourceRef GitRepository / HelmRepository /
 * Bucket) or `spec.chartRef` (an OCIRepository, or a HelmChart object), resolving the source objects the
 * input holds for their URLs and versions.
 */
export function chartReference(release: K8sObject, find: (kind: string, name: string, namespace: string | undefined) => K8sObject | undefined): ChartReference {
  const spec = isObject(release.body.spec) ? release.body.spec : {};
  const namespaceOf = (ref: JsonObject): string | undefined => (typeof ref.namespace === "string" ? ref.namespace : release.namespace);
  if (isObject(spec.chartRef)) {
    const ref = spec.chartRef;
    const at = [...release.basePath, "spec", "chartRef"];
    if (typeof ref.name !== "string") return { kind: "unsupported", reason: "spec.chartRef has no name", at };
    if (ref.kind === "OCIRepository") {
      const source = find("OCIRepository", ref.name, namespaceOf(ref));
      const url = source ? getPath(source.body, ["spec", "url"]) : undefined;
      if (!source || typeof url !== "string") return { kind: "unsupported", reason: `its OCIRepository ${ref.name} is not in the input, so the chart's name is unknown`, at };
      const tag = getPath(source.body, ["spec", "ref", "tag"]);
      const semverRange = getPath(source.body, ["spec", "ref", "semver"]);
      const digest = getPath(source.body, ["spec", "ref", "digest"]);
      const chartUrl = url.replace(/\/+$/, "");
      const name = chartUrl.split("/").pop()!;
      // source-controller: a digest wins over semver, semver over tag.
      const version = typeof digest === "string" ? undefined : typeof semverRange === "string" ? semverRange : typeof tag === "string" ? tag : undefined;
      const pull: ChartPull = {
        chart: typeof digest === "string" ? `${chartUrl}@${digest}` : chartUrl,
        ...(version !== undefined ? { version } : {}),
        ...(getPath(source.body, ["spec", "insecure"]) === true ? { plainHttp: true } : {}),
      };
      return { kind: "registry", name, ...(version !== undefined ? { version } : {}), source: `OCIRepository ${namespaceOf(ref) ? `${namespaceOf(ref)}/` : ""}${ref.name}`, url, pull, at };
    }
    if (ref.kind === "HelmChart") {
      const chart = find("HelmChart", ref.name, namespaceOf(ref));
      if (!chart) return { kind: "unsupported", reason: `its HelmChart ${ref.name} is not in the input`, at };
      return chartSpecReference(chart.body.spec, chart, find, [...release.basePath, "spec", "chartRef"]);
    }
    return { kind: "unsupported", reason: `spec.chartRef.kind ${String(ref.kind)} is not a chart source gitops-lint knows`, at };
  }
  return chartSpecReference(getPath(release.body, ["spec", "chart", "spec"]), release, find, [...release.basePath, "spec", "chart", "spec", "chart"]);
}

function chartSpecReference(chartSpec: unknown, owner: K8sObject, find: (kind: string, name: string, namespace: string | undefined) => K8sObject | undefined, at: NodePath): ChartReference {
  if (!isObject(chartSpec) || typeof chartSpec.chart !== "string") return { kind: "unsupported", reason: "it names no chart (spec.chart.spec.chart)", at };
  const sourceRef = isObject(chartSpec.sourceRef) ? chartSpec.sourceRef : {};
  const sourceName = typeof sourceRef.name === "string" ? sourceRef.name : "";
  const sourceNamespace = typeof sourceRef.namespace === "string" ? sourceRef.namespace : owner.namespace;
  const version = typeof chartSpec.version === "string" ? chartSpec.version : undefined;
  if (sourceRef.kind === "GitRepository") return { kind: "git", path: chartSpec.chart, sourceName, ...(sourceNamespace !== undefined ? { sourceNamespace } : {}), at };
  if (sourceRef.kind === "HelmRepository") {
    const repository = find("HelmRepository", sourceName, sourceNamespace);
    const url = repository ? getPath(repository.body, ["spec", "url"]) : undefined;
    return {
      kind: "registry",
      name: chartSpec.chart,
      ...(version !== undefined ? { version } : {}),
      source: `HelmRepository ${sourceNamespace ? `${sourceNamespace}/` : ""}${sourceName}`,
      ...(typeof url === "string" ? { url, pull: helmRepositoryPull(repository!, url, chartSpec.chart, version) } : {}),
      at,
    };
  }
  return { kind: "unsupported", reason: `its chart source is a ${String(sourceRef.kind ?? "missing sourceRef")}, which is not in this repository`, at };
}

/** A HelmRepository's chart as `helm pull` names it: `oci://<url>/<chart>` for an OCI repository (`spec.insecure` applies to those only), else `--repo <url>`. */
function helmRepositoryPull(repository: K8sObject, url: string, chart: string, version: string | undefined): ChartPull {
  const base = url.replace(/\/+$/, "");
  const versioned = version !== undefined ? { version } : {};
  if (!base.startsWith("oci://")) return { chart, repo: base, ...versioned };
  return { chart: `${base}/${chart}`, ...versioned, ...(getPath(repository.body, ["spec", "insecure"]) === true ? { plainHttp: true } : {}) };
}

/** `spec.chart.spec.valuesFiles` (and the deprecated `valuesFile`), relative to the source root. */
export function valuesFilesOf(release: K8sObject): { files: string[]; ignoreMissing: boolean } {
  const chartSpec = getPath(release.body, ["spec", "chart", "spec"]);
  if (!isObject(chartSpec)) return { files: [], ignoreMissing: false };
  return {
    files: [...(typeof chartSpec.valuesFile === "string" ? [chartSpec.valuesFile] : []), ...asArray(chartSpec.valuesFiles).filter((v): v is string => typeof v === "string")],
    ignoreMissing: chartSpec.ignoreMissingValuesFiles === true,
  };
}

/** The release name helm-controller uses (`GetReleaseName`, shortened by `release.ShortenName` past 53 characters). */
export function releaseNameOf(release: K8sObject): string {
  const spec = isObject(release.body.spec) ? release.body.spec : {};
  const target = typeof spec.targetNamespace === "string" && spec.targetNamespace !== "" ? spec.targetNamespace : undefined;
  const name = typeof spec.releaseName === "string" && spec.releaseName !== "" ? spec.releaseName : target ? `${target}-${release.name}` : release.name;
  if (name.length <= 53) return name;
  // node:crypto only when a name is that long: loading it costs start-up time on every run.
  const sha256 = crypto().createHash("sha256").update(name).digest("hex");
  return `${name.slice(0, 40)}-${sha256.slice(0, 12)}`;
}

/** The namespace the release installs into (`GetReleaseNamespace`): targetNamespace, else the HelmRelease's own. */
export function releaseNamespaceOf(release: K8sObject): string | undefined {
  const target = getPath(release.body, ["spec", "targetNamespace"]);
  return typeof target === "string" && target !== "" ? target : release.namespace;
}

export interface ReleaseValues {
  values: JsonObject;
  /** `valuesFrom` references gitops-lint could not read, and why: their values are missing from the render. */
  unresolved: string[];
  /** `valuesFrom` entries (by index) helm-controller fails on: a targetPath Helm cannot set in these values. */
  failed: Array<{ index: number; why: string }>;
}

/**
 * The values helm-controller passes (fluxcd/pkg chartutil `ChartValuesFromReferences`): each `valuesFrom`
 * ConfigMap/Secret key in order — merged, or set at its `targetPath` — then `spec.values` over them.
 * ConfigMaps and Secrets are looked up in the input; what is missing there may exist in the cluster, so it is
 * reported as unresolved rather than as an error.
 */
export function releaseValues(release: K8sObject, find: (kind: string, name: string) => K8sObject | undefined): ReleaseValues {
  const spec = isObject(release.body.spec) ? release.body.spec : {};
  const inline = isObject(spec.values) ? spec.values : {};
  let result: JsonObject = {};
  const unresolved: string[] = [];
  const failed: ReleaseValues["failed"] = [];
  for (const [index, ref] of asArray(spec.valuesFrom).entries()) {
    if (!isObject(ref) || typeof ref.kind !== "string" || typeof ref.name !== "string") continue;
    const key = typeof ref.valuesKey === "string" && ref.valuesKey !== "" ? ref.valuesKey : "values.yaml";
    const label = `${ref.kind}/${ref.name}${key !== "values.yaml" ? ` key ${key}` : ""}`;
    const object = ref.kind === "ConfigMap" || ref.kind === "Secret" ? find(ref.kind, ref.name) : undefined;
    if (!object) {
      if (ref.optional !== true) unresolved.push(`${label} (not in the input)`);
      continue;
    }
    const text = keyOf(object, key);
    if (text === undefined) {
      if (ref.optional !== true) unresolved.push(isObject(object.body.sops) ? `${label} (SOPS-encrypted)` : `${label} (no such key)`);
      continue;
    }
    if (typeof ref.targetPath === "string" && ref.targetPath !== "") {
      result = mergeMaps(result, inline);
      const value = ref.literal === true ? text : targetPathValue(text);
      if (value === SET_SYNTAX) unresolved.push(`${label} (its value uses --set syntax, commas, backslashes or {lists}, which is not read here)`);
      else if (!setAtKeyPath(result, ref.targetPath, value)) failed.push({ index, why: `${label}: Helm cannot set its targetPath ${ref.targetPath} in these values` });
      continue;
    }
    const parsed = safeLoad(text);
    if (isObject(parsed)) result = mergeMaps(result, parsed);
  }
  return { values: mergeMaps(result, inline), unresolved, failed };
}

function keyOf(object: K8sObject, key: string): string | undefined {
  if (isObject(object.body.sops)) return undefined;
  const stringData = getPath(object.body, ["stringData", key]);
  if (object.kind === "Secret" && typeof stringData === "string") return stringData;
  const data = getPath(object.body, ["data", key]);
  if (typeof data !== "string") return undefined;
  return object.kind === "Secret" ? Buffer.from(data, "base64").toString("utf8") : data;
}

/**
 * A valuesFrom value at a targetPath as helm-controller sets it (fluxcd/pkg chartutil ReplacePathValue): quoted in
 * `'` or `"` at both ends, the quotes trimmed (all of them, strings.Trim) and the rest a string; else typed as `--set`,
 * or SET_SYNTAX when strvals would read more into it than one value.
 */
function targetPathValue(text: string): unknown {
  const quoted = /^'(?:.*'|)$|^"(?:.*"|)$/s.test(text);
  if (quoted) return text.replace(/^['"]+|['"]+$/g, "");
  // strvals parses the value too: `a,b` is another key (or an error), `\` escapes, `{a,b}` is a list.
  return /[,\\]|^\{/.test(text) ? SET_SYNTAX : typedSetValue(text);
}

/** A value that strvals would read as more than one value: not interpreted. */
const SET_SYNTAX = Symbol("--set syntax");

/** `spec.postRenderers[].kustomize` (patches, images; the deprecated strategic-merge and JSON 6902 lists too). */
export function postRenderersOf(release: K8sObject): JsonObject[] {
  return asArray(getPath(release.body, ["spec", "postRenderers"]))
    .filter(isObject)
    .map((p) => p.kustomize)
    .filter(isObject);
}

export function releaseUnit(release: K8sObject): string {
  return unitName("HelmRelease", release);
}

function safeLoad(text: string): unknown {
  try {
    return jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
}
