import { describe, expect, it } from "vitest";
import { lintJson, type JsonFinding } from "./support/cli.js";
import { ofRule, placeOf } from "./support/findings.js";

const RULE = "apply-order";
const DIR = "fixtures/apply-order";
const of = (findings: JsonFinding[]): JsonFinding[] => ofRule(findings, RULE);
const at = placeOf;

describe("apply-order", () => {
  it("reports a custom resource whose CRD is a template of the same release, under Helm appliers only", async () => {
    const findings = of((await lintJson([`${DIR}/helm-crd-in-templates.yaml`])).findings);
    expect(findings.map(at)).toEqual([`Widget/default ${DIR}/helm-crd-in-templates.yaml:17:1 error`, `Widget/seed ${DIR}/helm-crd-in-templates.yaml:33:1 error`]);
    expect(findings[0]!.message).toBe(
      `Widget "default": its CRD widgets.example.com is rendered from widgets/templates/crd.yaml in the same Helm release (chart "widgets" in ${DIR}/helm-crd-in-templates.yaml), ` +
        'and Helm 4 maps every object before creating any, so the first install fails: "resource mapping not found for name: "default" … no matches for kind "Widget" in version "example.com/v1"; ' +
        "ensure CRDs are installed first\"; move the CRD to the chart's crds/ directory",
    );
    expect(findings[0]!.target).toMatchObject({ kind: "CustomResourceDefinition", name: "widgets.example.com" });
    expect(of((await lintJson([`${DIR}/helm-crd-in-templates.yaml`, "--applier", "helm3"])).findings)[0]!.message).toContain("and Helm 3 maps every object");
    // Argo CD orders CRDs first and skips the dry-run of their custom resources; kustomize-controller applies CRDs first
    expect(of((await lintJson([`${DIR}/helm-crd-in-templates.yaml`, "--applier", "argocd"])).findings)).toEqual([]);
    expect(of((await lintJson([`${DIR}/helm-crd-in-templates.yaml`, "--applier", "flux-kustomize"])).findings)).toEqual([]);
  });

  it("reports a namespace that a HelmRelease of the same Kustomization creates only when it installs", async () => {
    const d = `${DIR}/flux-create-namespace`;
    const findings = of((await lintJson([`${d}/flux-ks.yaml`, `${d}/helmrelease.yaml`, `${d}/settings.yaml`])).findings);
    expect(findings.map(at)).toEqual([`ConfigMap/payments-settings ${d}/settings.yaml:6:3 error`]);
    expect(findings[0]!.message).toBe(
      'ConfigMap "payments/payments-settings": its namespace "payments" is created only when Flux helm-controller installs HelmRelease "flux-system/payments" (install.createNamespace), ' +
        'after Kustomization flux-system/payments has applied it; Flux kustomize-controller dry-runs the whole Kustomization first and fails: "namespaces "payments" not found"; create it in this unit or one it dependsOn',
    );
    // linted without the Kustomization, nothing says what applies them together
    expect(of((await lintJson([`${d}/helmrelease.yaml`, `${d}/settings.yaml`])).findings)).toEqual([]);
  });

  it("reports a namespace created by a Kustomization that depends on the object's own, and respects dependsOn and same-unit ordering", async () => {
    const d = `${DIR}/flux-namespace-in-dependent`;
    const findings = of((await lintJson([`${d}/flux-ks.yaml`, `${d}/report.yaml`])).findings);
    expect(findings.map(at)).toEqual([`CronJob/weekly ${d}/report.yaml:6:3 error`]);
    expect(findings[0]!.message).toContain('created only by Namespace "reports" in Kustomization flux-system/namespaces, which Flux applies after Kustomization flux-system/apps');
    const ordered = `${DIR}/near-miss-flux-ordered`;
    expect(of((await lintJson([`${ordered}/flux-ks.yaml`, `${ordered}/apps.yaml`])).findings)).toEqual([]);
  });
});
