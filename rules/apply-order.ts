import { defineRule, type Report } from "../src/engine/rule.js";
import { applierOf } from "../src/model/applier.js";
import { availableBefore } from "../src/model/apply-unit.js";
import { isClusterScopedKind } from "../src/model/cluster-scoped.js";
import { crdOf } from "../src/model/crds.js";
import { describeUnit, fluxUnitOf } from "../src/model/flux-unit.js";
import { hookInfo } from "../src/model/helm.js";
import type { ManifestSet } from "../src/model/manifest-set.js";
import { describe, refOf, type K8sObject } from "../src/model/objects.js";
import { renderGroupOf } from "../src/model/render-group.js";
import { getPath } from "../src/util/json.js";

const HELM_APPLIERS = new Set(["helm3", "helm4", "flux-helm"]);

export default defineRule({
  meta: {
    id: "apply-order",
    description:
      "A custom resource whose CRD comes in the same Helm release's templates/, or an object whose CRD or namespace the input shows to arrive only after it.",
    rationale:
      "Helm maps every object of a release's manifest to an API before it creates any of them (helm " +
      "`pkg/action/install.go`: `KubeClient.Build` of the manifest, before the pre-install hooks and before " +
      "creating anything), so a custom resource whose CRD is a template of the same release fails the first " +
      "install: `unable to build kubernetes objects from release manifest: resource mapping not found for name: " +
      "… no matches for kind \"X\" in version \"g/v\"` / `ensure CRDs are installed first`. CRDs in the chart's " +
      "`crds/` directory are installed first and are fine; so is a custom resource that is a post-install or " +
      "post-upgrade hook. Once the CRD exists upgrades work, so a cluster that has it hides the bug until the " +
      "next fresh install. Flux helm-controller uses the same Helm code. Flux kustomize-controller applies the " +
      "CRDs and Namespaces of a Kustomization first, but dry-runs the whole Kustomization before it applies " +
      "anything: a namespace or CRD that another unit creates later — a HelmRelease of the same Kustomization " +
      "with `install.createNamespace` (created only when helm-controller installs the release), a chart's " +
      "CRDs, a Kustomization that depends on this one — is not there yet, and the unit fails (`namespaces \"x\" " +
      "not found`, `no matches for kind`), and `dependsOn` cannot order objects inside one Kustomization. Only " +
      "what the input proves is reported: a namespace the input does not create may already exist. Argo CD " +
      "orders CRDs first within a sync and skips the dry-run of a custom resource whose CRD is in the same sync, " +
      "so it is not reported there.",
    remediation:
      "Move the CRD to the chart's `crds/` directory (or a separate release installed first); in Flux, create the " +
      "Namespace or CRD in this Kustomization (Flux applies them first) or in a Kustomization this one " +
      "`dependsOn`, instead of through a HelmRelease of the same Kustomization.",
    defaultSeverity: "error",
    example: {
      bad:
        "---\n# Source: widgets/templates/crd.yaml\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n" +
        "spec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]\n" +
        "---\n# Source: widgets/templates/default-widget.yaml\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: default\n",
      good:
        "---\n# Source: widgets/crds/crd.yaml\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n" +
        "spec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]\n" +
        "---\n# Source: widgets/templates/default-widget.yaml\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: default\n",
    },
    tags: ["helm", "flux", "crd", "namespace"],
    precision: "high",
  },
  check({ set, settings, report }) {
    for (const object of set.objects) {
      const crd = crdOf(object, set);
      const helm = crd ? crdInSameRelease(object, crd, set, settings) : undefined;
      if (helm) {
        report(helm);
        continue;
      }
      const late = lateProvider(object, crd, set);
      if (late) report(late);
    }
  },
});

/** A CR and its CRD in one Helm release, the CRD a template, the CR in the manifest or a pre-* hook. */
function crdInSameRelease(object: K8sObject, crd: K8sObject, set: ManifestSet, settings: Parameters<typeof applierOf>[2]): Report | undefined {
  const source = crd.source.helmSource;
  if (source === undefined || !source.split("/").includes("templates")) return undefined;
  const group = renderGroupOf(object, set);
  if (!group?.helmRelease || group.key !== renderGroupOf(crd, set)?.key) return undefined;
  const hook = hookInfo(object);
  if (hook && hook.events.every((e) => !e.toLowerCase().startsWith("pre-"))) return undefined; // applied once the manifest exists
  const applier = applierOf(object, set, settings);
  if (!HELM_APPLIERS.has(applier.id)) return undefined;
  return {
    object,
    path: [...object.basePath, "kind"],
    target: refOf(crd),
    message:
      `${describe(object)}: its CRD ${crd.name} is rendered from ${source} in the same ${group.label}, and ${applier.tool} maps every object before creating any, so the first install fails: ` +
      `"resource mapping not found for name: "${object.name}" … no matches for kind "${object.kind}" in version "${object.apiVersion}"; ensure CRDs are installed first"; move the CRD to the chart's crds/ directory`,
    remediation: `Once the CRD exists upgrades work, so a cluster that already has it hides the problem until the next fresh install. Applied by ${applier.label}: ${applier.why}.`,
  };
}

interface Provider {
  object: K8sObject;
  /** Provides it only after the object itself is applied (a HelmRelease's install.createNamespace). */
  afterItself: boolean;
}

/** The object's namespace or CRD, when the input creates it only in a Flux unit applied after the object's own. */
function lateProvider(object: K8sObject, crd: K8sObject | undefined, set: ManifestSet): Report | undefined {
  const unit = fluxUnitOf(object, set);
  if (unit === undefined) return undefined;
  const needs: Array<{ what: string; error: string; providers: Provider[]; path: Array<string | number> }> = [];
  if (object.namespace !== undefined && object.kind !== "Namespace" && !isClusterScopedKind(object.kind)) {
    needs.push({
      what: `its namespace "${object.namespace}"`,
      error: `namespaces "${object.namespace}" not found`,
      providers: namespaceProviders(set).get(object.namespace) ?? [],
      path: [...object.basePath, "metadata", "namespace"],
    });
  }
  if (crd) {
    needs.push({
      what: `its CRD ${crd.name}`,
      error: `no matches for kind "${object.kind}" in version "${object.apiVersion}"`,
      providers: set.named("CustomResourceDefinition", crd.name, undefined).map((c) => ({ object: c, afterItself: false })),
      path: [...object.basePath, "kind"],
    });
  }
  for (const need of needs) {
    if (need.providers.length === 0) continue; // the input does not create it: it may exist already
    const known = need.providers.filter((p) => p.object.source.unit !== undefined);
    if (known.length < need.providers.length) continue; // a provider outside any unit: nothing is proven
    if (known.some((p) => !later(p, object, set))) continue;
    const first = known[0]!;
    const providerUnit = fluxUnitOf(first.object, set);
    const arrives = first.afterItself
      ? `is created only when Flux helm-controller installs ${describe(first.object)} (install.createNamespace), after ${describeUnit(unit)} has applied it`
      : `is created only by ${describe(first.object)}${providerUnit ? ` in ${describeUnit(providerUnit)}` : ""}, which Flux applies after ${describeUnit(unit)}`;
    const fails = unit.kind === "Kustomization" ? "Flux kustomize-controller dry-runs the whole Kustomization first and fails" : "Flux helm-controller's install fails";
    return {
      object,
      path: need.path,
      target: refOf(first.object),
      message:
        `${describe(object)}: ${need.what} ${arrives}; ` +
        `${fails}: "${need.error}"; create it in this unit or one it dependsOn`,
      remediation: `Applied by ${applierNameOf(unit.kind)}: ${describeUnit(unit)}. Flux applies a Kustomization's own Namespaces and CRDs first, and finishes every dependsOn before it starts.`,
    };
  }
  return undefined;
}

/** True when the provider creates its namespace or CRD only after `object` is applied, as the units show. */
function later(provider: Provider, object: K8sObject, set: ManifestSet): boolean {
  // the release's own objects are installed into the namespace its install creates
  if (provider.afterItself) return fluxUnitOf(object, set)?.object !== provider.object && availableBefore(object, provider.object, set);
  if (provider.object.source.unit === object.source.unit) return false; // Flux applies Namespaces and CRDs first
  return availableBefore(object, provider.object, set) && !availableBefore(provider.object, object, set);
}

function namespaceProviders(set: ManifestSet): Map<string, Provider[]> {
  return set.derived(collectNamespaceProviders);
}

function collectNamespaceProviders(set: ManifestSet): Map<string, Provider[]> {
  const out = new Map<string, Provider[]>();
  const add = (name: string, provider: Provider): void => {
    out.set(name, [...(out.get(name) ?? []), provider]);
  };
  for (const ns of set.ofKind("Namespace")) if (ns.apiVersion === "v1") add(ns.name, { object: ns, afterItself: false });
  for (const hr of set.ofKind("HelmRelease")) {
    if (!hr.apiVersion.startsWith("helm.toolkit.fluxcd.io/") || getPath(hr.body, ["spec", "install", "createNamespace"]) !== true) continue;
    const target = getPath(hr.body, ["spec", "targetNamespace"]);
    if (typeof target === "string" && target !== "") add(target, { object: hr, afterItself: true });
  }
  return out;
}

function applierNameOf(kind: "Kustomization" | "HelmRelease"): string {
  return kind === "Kustomization" ? "Flux kustomize-controller" : "Flux helm-controller";
}

