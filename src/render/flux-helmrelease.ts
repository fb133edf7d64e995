import type { K8sObject } from "../model/objects.js";
import { asArray, getPath, isObject } from "../util/json.js";
import type { ManifestSet } from "../model/manifest-set.js";
import jsYaml from "js-yaml";
import { unitName } from "./flux-kustomization.js";

/** How helm-controller would render a HelmRelease whose chart is a path in a GitRepository. */
export interface HelmReleaseChart {
  unit: string;
  /** `spec.chart.spec.chart`: a path relative to the repository root. */
  chartPath: string;
  /** `spec.chart.spec.valuesFiles` (and the deprecated `valuesFile`), relative to the repository root. */
  valuesFiles: string[];
  /** Values from `spec.valuesFrom` found in the input, then `spec.values`, in the order Flux merges them. */
  inlineValues: unknown[];
  /** `valuesFrom` entries gitops-lint could not resolve (not in the input, or with targetPath). */
  unresolvedValuesFrom: string[];
  releaseName: string;
  namespace?: string;
}

export function isHelmRelease(object: K8sObject): boolean {
  return object.kind === "HelmRelease" && object.apiVersion.startsWith("helm.toolkit.fluxcd.io/");
}

export function helmReleaseChart(object: K8sObject, set: ManifestSet): HelmReleaseChart | undefined {
  if (!isHelmRelease(object)) return undefined;
  const chartSpec = getPath(object.body, ["spec", "chart", "spec"]);
  if (!isObject(chartSpec) || typeof chartSpec.chart !== "string") return undefined;
  const sourceRef = chartSpec.sourceRef;
  if (!isObject(sourceRef) || sourceRef.kind !== "GitRepository") return undefined;

  const spec = isObject(object.body.spec) ? object.body.spec : {};
  const targetNamespace = typeof spec.targetNamespace === "string" && spec.targetNamespace !== "" ? spec.targetNamespace : undefined;
  // helm-controller: spec.releaseName, else [<targetNamespace>-]<name>.
  const releaseName = typeof spec.releaseName === "string" && spec.releaseName !== "" ? spec.releaseName : targetNamespace ? `${targetNamespace}-${object.name}` : object.name;
  const namespace = targetNamespace ?? object.namespace;

  const valuesFiles = [
    ...(typeof chartSpec.valuesFile === "string" ? [chartSpec.valuesFile] : []),
    ...asArray(chartSpec.valuesFiles).filter((v): v is string => typeof v === "string"),
  ];
  const inlineValues: unknown[] = [];
  const unresolvedValuesFrom: string[] = [];
  for (const ref of asArray(spec.valuesFrom)) {
    if (!isObject(ref) || typeof ref.kind !== "string" || typeof ref.name !== "string") continue;
    const label = `${ref.kind}/${ref.name}`;
    const values = typeof ref.targetPath === "string" ? undefined : valuesFromObject(set, ref.kind, ref.name, typeof ref.valuesKey === "string" ? ref.valuesKey : "values.yaml", object.namespace);
    if (values === undefined) unresolvedValuesFrom.push(label);
    else inlineValues.push(values);
  }
  if (isObject(spec.values)) inlineValues.push(spec.values);

  return {
    unit: unitName("HelmRelease", object),
    chartPath: chartSpec.chart,
    valuesFiles,
    inlineValues,
    unresolvedValuesFrom,
    releaseName,
    ...(namespace !== undefined ? { namespace } : {}),
  };
}

/** A values document kept in a ConfigMap or Secret of the input (valuesFrom reads it from the HelmRelease's namespace). */
function valuesFromObject(set: ManifestSet, kind: string, name: string, key: string, namespace: string | undefined): unknown {
  if (kind !== "ConfigMap" && kind !== "Secret") return undefined;
  const object = set.find(kind, name, namespace !== undefined ? { namespace } : undefined);
  if (!object) return undefined;
  let text: string | undefined;
  const data = getPath(object.body, ["data", key]);
  const stringData = getPath(object.body, ["stringData", key]);
  if (typeof stringData === "string") text = stringData;
  else if (typeof data === "string") text = kind === "Secret" ? Buffer.from(data, "base64").toString("utf8") : data;
  if (text === undefined) return undefined;
  try {
    const value = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
