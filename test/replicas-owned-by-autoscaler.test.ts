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

/** One document per workload, `spec.replicas` on its fifth line. */
const workload = (apiVersion: string, kind: string, name: string, replicas = 2): string =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: ${JSON.stringify(name)}, namespace: shop}\nspec:\n  replicas: ${replicas}\n`;
const hpa = (scaleTargetRef: string, apiVersion = "autoscaling/v2", kind = "HorizontalPodAutoscaler"): string =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: web, namespace: shop}\nspec:\n  ${scaleTargetRef}\n  maxReplicas: 8\n`;
const stream = (...documents: string[]): string => documents.join("---\n");
const lint = async (stdin: string, ...args: string[]): Promise<JsonFinding[]> => {
  const report = await lintJson(["-", "--stdin-filename", "apps/web/all.yaml", ...args], { stdin });
  expect(report.stderr).toBe(""); // a rule that throws stops and says so here
  return of(report.findings);
};
const SCALES = "while HorizontalPodAutoscaler \"shop/web\" scales it";

describe("replicas-owned-by-autoscaler: which autoscaler scales which workload", () => {
  it("reads only autoscalers of the autoscaling and keda.sh groups whose scaleTargetRef names a workload", async () => {
    const findings = await lint(
      stream(
        workload("apps/v1", "Deployment", "web"),
        hpa("scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}", "example.com/v1"),
        hpa("scaleTargetRef: {name: web}", "example.com/v1", "ScaledObject"),
        hpa("minReplicas: 1"),
        // an unquoted numeric name is no string: the API server rejects this HPA, so nothing fights the count
        workload("apps/v1", "Deployment", "123"),
        hpa("scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: 123}"),
      ),
    );
    expect(findings).toEqual([]);
  });

  it("takes the workload from scaleTargetRef's API group, not just its kind and name", async () => {
    // OpenKruise's Advanced StatefulSet next to an apps/v1 StatefulSet of the same name
    const findings = await lint(
      stream(workload("apps/v1", "StatefulSet", "db"), workload("apps.kruise.io/v1beta1", "StatefulSet", "db", 3), hpa("scaleTargetRef: {apiVersion: apps.kruise.io/v1beta1, kind: StatefulSet, name: db}")),
    );
    expect(findings.map(at)).toEqual(["StatefulSet/db apps/web/all.yaml:11:3 warning"]);
    expect(findings[0]!.message).toBe(
      `StatefulSet "shop/db": spec.replicas: 3 ${SCALES}; kubectl apply (client-side) resets the count to the manifest's on every apply; omit spec.replicas when autoscaling is on`,
    );
  });
});

describe("replicas-owned-by-autoscaler: the applier decides the consequence", () => {
  const target = stream(workload("apps/v1", "Deployment", "web"), hpa("scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}"));

  it("errs under kubectl apply --server-side, which fails the next apply, not an upgrade", async () => {
    const findings = await lint(target, "--applier", "kubectl-server-side");
    expect(findings.map(at)).toEqual(["Deployment/web apps/web/all.yaml:5:3 error"]);
    expect(findings[0]!.message).toBe(
      `Deployment "shop/web": spec.replicas: 2 ${SCALES}; once the autoscaler has scaled, kubectl apply --server-side fails the next apply: ` +
        '"Apply failed with 1 conflict: conflict with "kube-controller-manager" with subresource "scale" using apps/v1: .spec.replicas"; omit spec.replicas when autoscaling is on',
    );
    expect(findings[0]!.remediation).toMatch(/ Applied by kubectl apply --server-side: --applier kubectl-server-side\.$/);
  });

  it("names drift correction only when the HelmRelease enables driftDetection, and keeps the SSA note out of a warning", async () => {
    const release = (mode: string): string =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: shop}\nspec:\n  chart: {spec: {chart: web, sourceRef: {kind: HelmRepository, name: charts}}}\n  driftDetection: {mode: ${mode}}\n`;
    const rendered = `# Source: web/templates/deployment.yaml\n${target}`;
    const text = (drift: string) =>
      `Deployment "shop/web": spec.replicas: 2 ${SCALES}; Flux helm-controller resets the count to the manifest's on every upgrade${drift}; omit spec.replicas when autoscaling is on`;
    for (const [mode, drift] of [
      ["enabled", " and every drift correction (driftDetection enabled)"],
      ["warn", ""],
    ]) {
      const findings = await lint(stream(rendered, release(mode!)));
      expect(findings.map(at)).toEqual(["Deployment/web apps/web/all.yaml:6:3 warning"]);
      expect(findings[0]!.message).toBe(text(drift!));
      expect(findings[0]!.remediation).toMatch(/ Applied by Flux helm-controller ≥ v1\.5 \(server-side apply\): HelmRelease shop\/web \(chart of the rendered output\)\.$/);
    }
  });

  it("under Argo CD without an Application in the input, reports the OutOfSync Application", async () => {
    const findings = await lint(target, "--applier", "argocd");
    expect(findings.map(at)).toEqual(["Deployment/web apps/web/all.yaml:5:3 warning"]);
    expect(findings[0]!.message).toBe(`Deployment "shop/web": spec.replicas: 2 ${SCALES}; Argo CD (client-side apply) shows the Application OutOfSync and resets the count on every sync; omit spec.replicas when autoscaling is on`);
  });
});

describe("replicas-owned-by-autoscaler: which ignoreDifferences entries cover the workload's spec.replicas", () => {
  const application = (...entries: string[]): string =>
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web, namespace: argocd}\nspec:\n  project: default\n" +
    "  source: {repoURL: https://example.com/fleet.git, path: apps/web}\n  destination: {server: https://kubernetes.default.svc, namespace: shop}\n" +
    `  ignoreDifferences:\n${entries.map((e) => `    - ${e}\n`).join("")}  syncPolicy:\n    syncOptions: [RespectIgnoreDifferences=true]\n`;
  const deployment = stream(workload("apps/v1", "Deployment", "web"), hpa("scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}"));
  const outOfSync = `Deployment "shop/web": spec.replicas: 2 ${SCALES}; Argo CD (client-side apply) shows the Application OutOfSync and resets the count on every sync; omit spec.replicas when autoscaling is on`;

  it("stays silent when any entry matches kind, group, name and namespace and names the field", async () => {
    const entries = ["{group: apps, kind: StatefulSet, jsonPointers: [/spec/replicas]}", "{group: apps, kind: Deployment, name: web, namespace: shop, jqPathExpressions: [.spec.replicas]}"];
    expect(await lint(stream(deployment, application(...entries)))).toEqual([]);
  });

  it("matches group and kind as Argo CD's globs do", async () => {
    expect(await lint(stream(deployment, application('{group: "*", kind: "*", managedFieldsManagers: [kube-controller-manager]}')))).toEqual([]);
    expect(await lint(stream(deployment, application('{group: "app?", kind: "Deploy*", jsonPointers: [/spec/replicas]}')))).toEqual([]);
    // case-sensitive, like Argo CD's
    expect((await lint(stream(deployment, application("{group: apps, kind: deployment, jsonPointers: [/spec/replicas]}")))).map((f) => f.message)).toEqual([outOfSync]);
  });

  it("takes a workload without namespace as in the entry's namespace, where the destination puts it", async () => {
    const unnamespaced = stream(workload("apps/v1", "Deployment", "web"), hpa("scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}")).replaceAll(", namespace: shop}", "}");
    expect(await lint(stream(unnamespaced, application("{group: apps, kind: Deployment, namespace: shop, jsonPointers: [/spec/replicas]}")))).toEqual([]);
  });

  it("matches a core-group workload by an entry without group", async () => {
    const controller = stream(workload("v1", "ReplicationController", "web"), hpa("scaleTargetRef: {apiVersion: v1, kind: ReplicationController, name: web}"));
    expect(await lint(stream(controller, application("{kind: ReplicationController, jsonPointers: [/spec/replicas]}")))).toEqual([]);
  });

  it.each([
    ["another kind", "{group: apps, kind: StatefulSet, jsonPointers: [/spec/replicas]}"],
    ["no kind", "{group: apps, jsonPointers: [/spec/replicas]}"],
    ["the core group (no group)", "{kind: Deployment, jsonPointers: [/spec/replicas]}"],
    ["another name", "{group: apps, kind: Deployment, name: api, jsonPointers: [/spec/replicas]}"],
    ["another namespace", "{group: apps, kind: Deployment, namespace: staging, jsonPointers: [/spec/replicas]}"],
    ["another field", "{group: apps, kind: Deployment, jsonPointers: [/spec/template/spec/containers]}"],
  ])("reports the OutOfSync Application when the only entry is for %s", async (_, entry) => {
    const findings = await lint(stream(deployment, application(entry)));
    expect(findings.map(at)).toEqual(["Deployment/web apps/web/all.yaml:5:3 warning"]);
    expect(findings[0]!.message).toBe(outOfSync);
  });
});
