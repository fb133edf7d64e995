import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lintJson, type JsonFinding } from "./support/cli.js";
import { ofRule, placeOf } from "./support/findings.js";

const RULE = "ssa-duplicate-list-key";
const PLAIN = "fixtures/ssa-duplicate-list-key/client-side-apply.yaml";

const of = (findings: JsonFinding[]): JsonFinding[] => ofRule(findings, RULE);
const at = placeOf;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: apps
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: example/api:1
          env:
            - name: LOG_LEVEL
              value: info
            - name: LOG_LEVEL
              value: debug
`;

describe("ssa-duplicate-list-key names the applier and prints the error it reports", () => {
  it("warns under client-side kubectl apply for what only server-side apply rejects, and errs for what validation rejects", async () => {
    const findings = of((await lintJson([PLAIN])).findings);
    const env = findings.find((f) => f.message.includes('env "LOG_LEVEL"'))!;
    expect(at(env)).toBe(`Deployment/api ${PLAIN}:48:15 warning`);
    expect(env.message).toBe(
      'Deployment "apps/api": env "LOG_LEVEL" in container "api" is listed twice (entries 0 and 2); kubectl apply (client-side) keeps both (the API server only warns), ' +
        'but server-side apply (Helm 4, Flux ≥ 2.8, kubectl --server-side) rejects the object: ".spec.template.spec.containers[name="api"].env: duplicate entries for key [name="LOG_LEVEL"]"; remove one',
    );
    const port = findings.find((f) => f.message.includes("port 8080/TCP"))!;
    expect(port.message).toContain('[containerPort=8080,protocol="TCP"]');
    const volume = findings.find((f) => f.message.includes('volume "data"'))!;
    expect(at(volume)).toBe(`Deployment/api ${PLAIN}:70:11 error`);
    expect(volume.message).toBe(
      'Deployment "apps/api": volume "data" is listed twice (entries 0 and 2); the API server rejects it under kubectl apply (client-side) too: ' +
        '"spec.template.spec.volumes[2].name: Duplicate value: "data""; remove one',
    );
    expect(volume.remediation).toContain("ValidateVolumes");
    const mount = findings.find((f) => f.message.includes('mountPath "/data"'))!;
    expect(mount.message).toContain('"spec.template.spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique"');
    const spread = findings.find((f) => f.message.includes("topologySpreadConstraint"))!;
    expect(spread.message).toContain('topologySpreadConstraints[1].{topologyKey, whenUnsatisfiable}: Duplicate value: "{topology.kubernetes.io/zone, DoNotSchedule}"');
    expect(findings.map((f) => f.severity).sort()).toEqual(["error", "error", "error", "error", "error", "warning", "warning", "warning", "warning", "warning"]);
  });

  it("errs for every duplicate under Helm 4, and says how its upgrades keep the first install's method", async () => {
    const findings = of((await lintJson([PLAIN, "--applier", "helm4"])).findings);
    expect(findings.every((f) => f.severity === "error")).toBe(true);
    const env = findings.find((f) => f.message.includes('env "LOG_LEVEL"'))!;
    expect(at(env)).toBe(`Deployment/api ${PLAIN}:48:15 error`);
    expect(env.message).toBe(
      'Deployment "apps/api": env "LOG_LEVEL" in container "api" is listed twice (entries 0 and 2); Helm 4 (server-side apply) rejects the object: ' +
        '".spec.template.spec.containers[name="api"].env: duplicate entries for key [name="LOG_LEVEL"]"; remove one',
    );
    expect(env.remediation).toContain("Applied by Helm 4 (server-side apply): --applier helm4.");
    expect(env.remediation).toContain("client-side apply stays on it");
    const finalizer = findings.find((f) => f.message.includes("finalizer"))!;
    expect(finalizer.message).toContain('".metadata.finalizers: duplicate entries for key [="example.com/cleanup"]"');
  });

  it("takes rendered Helm output as Helm 4's, and a Flux Kustomization's objects as kustomize-controller's", async () => {
    const rendered = of((await lintJson(["fixtures/ssa-duplicate-list-key/helm-rendered-server-side.yaml"])).findings);
    expect(rendered.map(at)).toEqual([
      "CronJob/worker-cleanup fixtures/ssa-duplicate-list-key/helm-rendered-server-side.yaml:22:19 error",
      "CronJob/worker-cleanup fixtures/ssa-duplicate-list-key/helm-rendered-server-side.yaml:31:19 error",
    ]);
    expect(rendered[0]!.message).toContain('Helm 4 (server-side apply) rejects the object: ".spec.jobTemplate.spec.template.spec.initContainers[name="wait"].env: duplicate entries for key [name="TARGET"]"');

    const dir = "fixtures/ssa-duplicate-list-key/flux-kustomization";
    const flux = of((await lintJson([`${dir}/flux-ks.yaml`, `${dir}/worker.yaml`])).findings);
    expect(flux.map(at)).toEqual([`StatefulSet/worker ${dir}/worker.yaml:21:15 error`]);
    expect(flux[0]!.message).toContain('Flux kustomize-controller rejects the object: ".spec.template.spec.containers[name="worker"].env: duplicate entries for key [name="QUEUE"]"');
    expect(flux[0]!.remediation).toContain("Applied by Flux kustomize-controller: Kustomization flux-system/workers.");
  });

  it("reads keyed lists of custom resources from their CRD, with key defaults, and only for the versions it defines", async () => {
    const dir = "fixtures/ssa-duplicate-list-key/crd-list-map";
    const findings = of((await lintJson([`${dir}/crd.yaml`, `${dir}/gateways.yaml`, "--applier", "flux-kustomize"])).findings);
    expect(findings.map(at)).toEqual([`Gateway/public ${dir}/gateways.yaml:16:11 error`, `Gateway/public ${dir}/gateways.yaml:23:7 error`]);
    expect(findings[0]!.message).toContain('".spec.listeners[name="http"].routes: duplicate entries for key [method="GET",path="/"]"');
    expect(findings[0]!.message).toContain("Flux kustomize-controller rejects the object");
    // client-side kubectl apply: the CRD's list-type validation rejects it anyway
    const csa = of((await lintJson([`${dir}/crd.yaml`, `${dir}/gateways.yaml`, "--applier", "kubectl"])).findings);
    expect(csa[1]!.severity).toBe("error");
    expect(csa[1]!.message).toContain('the API server rejects it under kubectl apply (client-side) too: "spec.listeners[2]: Duplicate value"');
    // without the CRD nothing is known about the custom resource's lists
    expect(of((await lintJson([`${dir}/gateways.yaml`])).findings)).toEqual([]);
  });

  it("follows Argo CD's sync options and helm-controller for piped output with its HelmRelease", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-ssa-"));
    try {
      writeFileSync(path.join(dir, "deployment.yaml"), DEPLOYMENT);
      const app = (options: string): string =>
        `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: api, namespace: argocd}\nspec:\n  source: {repoURL: https://example.com/r.git, path: .}\n  syncPolicy: {syncOptions: [${options}]}\n`;
      writeFileSync(path.join(dir, "app.yaml"), app("ServerSideApply=true"));
      const ssa = of((await lintJson(["."], { cwd: dir })).findings);
      expect(ssa.map(at)).toEqual(["Deployment/api deployment.yaml:19:15 error"]);
      expect(ssa[0]!.message).toContain("Argo CD (server-side apply) rejects the object");
      expect(ssa[0]!.remediation).toContain("Application argocd/api (source path .)");

      writeFileSync(path.join(dir, "app.yaml"), app("CreateNamespace=true"));
      const csa = of((await lintJson(["."], { cwd: dir })).findings);
      expect(csa.map(at)).toEqual(["Deployment/api deployment.yaml:19:15 warning"]);
      expect(csa[0]!.message).toContain("Argo CD (client-side apply) keeps both");

      const rendered = `---\n# Source: api/templates/deployment.yaml\n${DEPLOYMENT}`;
      const release = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: api, namespace: apps}\nspec:\n  chart: {spec: {chart: api, sourceRef: {kind: HelmRepository, name: charts}}}\n";
      writeFileSync(path.join(dir, "hr.yaml"), release);
      const piped = of((await lintJson(["-", "hr.yaml"], { cwd: dir, stdin: rendered })).findings);
      expect(piped.map(at)).toEqual(["Deployment/api <stdin>:21:15 error"]);
      expect(piped[0]!.message).toContain("Flux helm-controller ≥ v1.5 (server-side apply) rejects the object");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
