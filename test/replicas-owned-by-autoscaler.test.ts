import { describe, expect, it } from "vitest";
import { lintJson, type JsonFinding } from "./support/cli.js";
import { ofRule, placeOf } from "./support/findings.js";

const RULE = "replicas-owned-by-autoscaler";
const DIR = "fixtures/replicas-owned-by-autoscaler";
const of = (findings: JsonFinding[]): JsonFinding[] => ofRule(findings, RULE);
const at = placeOf;

describe("replicas-owned-by-autoscaler: what each applier does with a count the autoscaler owns", () => {
  it("errs under Helm 4's server-side apply, which does not force conflicts", async () => {
    const findings = of((await lintJson([`${DIR}/keda-helm4.yaml`])).findings);
    expect(findings.map(at)).toEqual([`Deployment/worker ${DIR}/keda-helm4.yaml:10:3 error`]);
    expect(findings[0]!.message).toBe(
      'Deployment "worker": spec.replicas: 1 while ScaledObject "worker" scales it; once the autoscaler has scaled, Helm 4 (server-side apply) fails the next upgrade: ' +
        '"Apply failed with 1 conflict: conflict with "kube-controller-manager" with subresource "scale" using apps/v1: .spec.replicas"; omit spec.replicas when autoscaling is on',
    );
    expect(findings[0]!.target).toMatchObject({ kind: "ScaledObject", name: "worker" });
    expect(findings[0]!.remediation).toContain("client-side apply stays on it");
  });

  it("warns under appliers that reset the count instead", async () => {
    const cases: Array<[string[], string]> = [
      [[], "kubectl apply (client-side) resets the count to the manifest's on every apply"],
      [["--applier", "flux-kustomize"], "Flux kustomize-controller forces ownership and resets the count to the manifest's on every reconcile"],
      [["--applier", "flux-helm"], "Flux helm-controller resets the count to the manifest's on every upgrade"],
      [["--applier", "helm3"], "Helm 3 (client-side apply) resets the count to the manifest's on every upgrade (its three-way merge sees the autoscaler's change as drift)"],
    ];
    for (const [args, text] of cases) {
      const findings = of((await lintJson([`${DIR}/hpa-client-side.yaml`, ...args])).findings);
      expect(findings.map(at)).toEqual([`Deployment/api ${DIR}/hpa-client-side.yaml:8:3 warning`]);
      expect(findings[0]!.message).toBe(`Deployment "shop/api": spec.replicas: 3 while HorizontalPodAutoscaler "shop/api" scales it; ${text}; omit spec.replicas when autoscaling is on`);
    }
  });

  it("stays silent under Argo CD only when the Application ignores spec.replicas and respects that on sync", async () => {
    expect(of((await lintJson([`${DIR}/argo-respect-ignore/application.yaml`, `${DIR}/argo-respect-ignore/deployment.yaml`])).findings)).toEqual([]);
    const ignoreOnly = of((await lintJson([`${DIR}/argo-ignore-only/application.yaml`, `${DIR}/argo-ignore-only/deployment.yaml`])).findings);
    expect(ignoreOnly.map(at)).toEqual([`Deployment/web ${DIR}/argo-ignore-only/deployment.yaml:8:3 warning`]);
    expect(ignoreOnly[0]!.message).toContain("Argo CD ignores the difference but every sync still resets the count (add the sync option RespectIgnoreDifferences=true)");
    // without the Application: kubectl
    expect(of((await lintJson([`${DIR}/argo-respect-ignore/deployment.yaml`])).findings)[0]!.message).toContain("kubectl apply (client-side) resets the count");
  });
});
