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
    expect(findings.map(at)).toEqual([
      `Widget/default ${DIR}/helm-crd-in-templates.yaml:17:1 error`,
      `Widget/seed ${DIR}/helm-crd-in-templates.yaml:33:1 error`,
      // a hook that is post-upgrade but also pre-install still runs before the CRD on the first install
      `Widget/reseed ${DIR}/helm-crd-in-templates.yaml:42:1 error`,
    ]);
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

  it("stays silent for CRDs from crds/, another release's CRD, and a custom resource outside any release", async () => {
    const result = await lintJson([`${DIR}/near-miss-crds-dir.yaml`]);
    expect(of(result.findings)).toEqual([]);
    expect(result.stderr).toBe(""); // the rule ran to the end: a rule that throws is silent too
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

  it("reports a CRD created by a Kustomization that depends on the custom resource's own", async () => {
    const d = `${DIR}/flux-crd-in-dependent`;
    const findings = of((await lintJson([`${d}/flux-ks.yaml`])).findings);
    expect(findings.map(at)).toEqual([`Widget/default ${d}/apps/widget.yaml:3:1 error`]);
    expect(findings[0]!.message).toBe(
      'Widget "default": its CRD widgets.example.com is created only by CustomResourceDefinition "widgets.example.com" in Kustomization flux-system/crds, ' +
        'which Flux applies after Kustomization flux-system/apps; Flux kustomize-controller dry-runs the whole Kustomization first and fails: ' +
        '"no matches for kind "Widget" in version "example.com/v1""; create it in this unit or one it dependsOn',
    );
    expect(findings[0]!.target).toMatchObject({ kind: "CustomResourceDefinition", name: "widgets.example.com" });
    expect(findings[0]!.remediation).toMatch(/^Applied by Flux kustomize-controller: Kustomization flux-system\/apps\. /);
  });

  it("reports a namespace that a HelmRelease depending on the object's own release creates, as a helm-controller install failure", async () => {
    const d = `${DIR}/flux-helmrelease-namespace-in-dependent`;
    const findings = of((await lintJson([`${d}/releases.yaml`])).findings);
    expect(findings.map(at)).toEqual([`ConfigMap/settings ${d}/app-chart/templates/configmap.yaml:6:3 error`]);
    expect(findings[0]!.message).toBe(
      'ConfigMap "reports/settings": its namespace "reports" is created only by Namespace "reports" in HelmRelease flux-system/namespaces, ' +
        'which Flux applies after HelmRelease flux-system/app; Flux helm-controller\'s install fails: "namespaces "reports" not found"; create it in this unit or one it dependsOn',
    );
    expect(findings[0]!.target).toMatchObject({ kind: "Namespace", name: "reports" });
    expect(findings[0]!.remediation).toMatch(/^Applied by Flux helm-controller: HelmRelease flux-system\/app\. /);
  });

  it("stays silent when no namespace provider is proven to come later", async () => {
    // cluster-scoped object, custom kind named Namespace, namespace also in the object's own unit, HelmRelease without
    // createNamespace, with an empty targetNamespace or not Flux's, provider in a dependsOn, in an unordered unit, or outside every unit
    const d = `${DIR}/near-miss-flux-providers`;
    const result = await lintJson([`${d}/flux-ks.yaml`, `${d}/unowned-release.yaml`]);
    expect(of(result.findings)).toEqual([]);
    expect(result.stderr).toBe("");
  });
});
