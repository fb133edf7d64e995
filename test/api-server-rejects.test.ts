import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintJson, type JsonFinding } from "./support/cli.js";
import { ofRule, placeOf } from "./support/findings.js";

const RULE = "api-server-rejects";
const DIR = "fixtures/api-server-rejects";
const of = (findings: JsonFinding[]): JsonFinding[] => ofRule(findings, RULE);
const at = placeOf;

describe("api-server-rejects", () => {
  it("reports names and port names with the API server's error and the applier", async () => {
    const findings = of((await lintJson([`${DIR}/names-and-ports.yaml`])).findings);
    const cron = findings[0]!;
    const name = cron.object!.name;
    expect(at(cron)).toBe(`CronJob/${name} ${DIR}/names-and-ports.yaml:5:3 error`);
    expect(cron.message).toBe(
      `CronJob "${name}": name "${name}" has 53 characters; the API server rejects it when kubectl applies it: ` +
        `"metadata.name: Invalid value: "${name}": must be no more than 52 characters"; use at most 52`,
    );
    const statefulSet = findings.find((f) => f.message.includes("no Pod is ever created"))!;
    expect(at(statefulSet)).toBe(`StatefulSet/${statefulSet.object!.name} ${DIR}/names-and-ports.yaml:31:3 error`);
    expect(statefulSet.remediation).toContain(`create Pod ${statefulSet.object!.name}-0 in StatefulSet`);
    const port = findings.find((f) => f.message.includes('"elasticsearch-https"'))!;
    expect(at(port)).toBe(`StatefulSet/${statefulSet.object!.name} ${DIR}/names-and-ports.yaml:45:15 error`);
    expect(port.message).toContain('"spec.template.spec.containers[0].ports[0].name: Invalid value: "elasticsearch-https": must be no more than 15 characters"');
    expect(port.remediation).toBe("Applied by kubectl apply (client-side): default for plain manifests.");
  });

  it("names Helm 4 for rendered output, and warns that Flux force deletes the live object first", async () => {
    const rendered = `---\n# Source: search/templates/sts.yaml\n${(await import("node:fs")).readFileSync(`${DIR}/selectors.yaml`, "utf8").split("---\n")[0]}`;
    const helm = of((await lintJson(["-"], { stdin: rendered })).findings);
    expect(helm.map(at)).toEqual(["Deployment/web <stdin>:9:3 error"]);
    expect(helm[0]!.message).toContain("the API server rejects it when Helm 4 applies it");

    const flux = of((await lintJson([`${DIR}/flux-force/flux-ks.yaml`, `${DIR}/flux-force/gateway.yaml`])).findings);
    expect(flux.map(at)).toEqual([`Deployment/edge-gateway ${DIR}/flux-force/gateway.yaml:18:15 error`]);
    expect(flux[0]!.message).toContain(
      "worse, Flux kustomize-controller deletes the live object first and then fails to create it (Kustomization flux-system/edge, force enabled by its spec.force)",
    );
  });

  describe("sizes", () => {
    let dir = "";
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-sizes-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("counts ConfigMap data in bytes and Secret data decoded, stringData over data", async () => {
      const big = "é".repeat(300_000); // 600,000 bytes
      writeFileSync(path.join(dir, "cm.yaml"), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dashboards}\ndata:\n  a: "${big}"\n  b: "${big}"\n`);
      const secret = (data: string, stringData: string): string => `apiVersion: v1\nkind: Secret\nmetadata: {name: certs}\ndata:\n  a: ${data}\nstringData:\n  a: ${stringData}\n  b: ${"y".repeat(600_000)}\n`;
      // data.a decodes to 600,000 bytes, but stringData.a replaces it: 1 + 600,000 bytes
      writeFileSync(path.join(dir, "secret.yaml"), secret(Buffer.from("x".repeat(600_000)).toString("base64"), "z"));
      const findings = of((await lintJson(["cm.yaml", "secret.yaml", "--applier", "helm4"], { cwd: dir })).findings);
      expect(findings.map((f) => `${at(f)} ${f.message.split(";")[0]}`)).toEqual([`ConfigMap/dashboards cm.yaml:4:1 error ConfigMap "dashboards": data holds 1200000 bytes`]);
      writeFileSync(path.join(dir, "secret.yaml"), secret(Buffer.from("x".repeat(600_000)).toString("base64"), "z".repeat(448_577)));
      const secretFindings = of((await lintJson(["secret.yaml", "--applier", "helm4"], { cwd: dir })).findings);
      expect(secretFindings.map((f) => f.message.split(";")[0])).toEqual(['Secret "certs": data holds 1048577 bytes']);
      expect(secretFindings[0]!.message).toContain('"data: Too long: may not be more than 1048576 bytes"');
    });

    it("adds the last-applied-configuration annotation under client-side apply only, escaping <, > and & as Go does", async () => {
      // 262,144 - 48 (key) - 1 (newline) bytes of JSON fit; the object's JSON without its text is 80 bytes
      const frame = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "html" }, data: { a: "" } });
      const room = 262_144 - "kubectl.kubernetes.io/last-applied-configuration".length - 1 - frame.length;
      const configMap = (text: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: html}\ndata:\n  a: '${text}'\n`;
      // exactly at the limit: one `<` is 6 bytes once escaped
      writeFileSync(path.join(dir, "fits.yaml"), configMap("x".repeat(room - 6) + "<"));
      // 9 bytes under the limit as text, 1 over once escaped
      writeFileSync(path.join(dir, "over.yaml"), configMap("x".repeat(room - 11) + "<<"));
      expect(of((await lintJson(["fits.yaml"], { cwd: dir })).findings)).toEqual([]);
      const over = of((await lintJson(["over.yaml"], { cwd: dir })).findings);
      expect(over.map(at)).toEqual(["ConfigMap/html over.yaml:3:1 error"]);
      expect(over[0]!.message).toBe(
        `ConfigMap "html": kubectl apply (client-side) stores the object in the kubectl.kubernetes.io/last-applied-configuration annotation: 262145 bytes > 262144; ` +
          'the API server rejects it when kubectl applies it: "metadata.annotations: Too long: may not be more than 262144 bytes"; apply it with kubectl apply --server-side',
      );
      expect(of((await lintJson(["over.yaml", "--applier", "helm4"], { cwd: dir })).findings)).toEqual([]);

      const app = (options: string): string =>
        `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: big, namespace: argocd}\nspec:\n  source: {path: .}\n  syncPolicy: {syncOptions: [${options}]}\n`;
      writeFileSync(path.join(dir, "app.yaml"), app("CreateNamespace=true"));
      const argo = of((await lintJson(["over.yaml", "app.yaml"], { cwd: dir })).findings);
      expect(argo[0]!.message).toContain("Argo CD (client-side apply) stores the object");
      expect(argo[0]!.message).toContain("sync it with ServerSideApply=true or Replace=true");
      writeFileSync(path.join(dir, "app.yaml"), app("ServerSideApply=true"));
      expect(of((await lintJson(["over.yaml", "app.yaml"], { cwd: dir })).findings)).toEqual([]);
      rmSync(path.join(dir, "app.yaml"));
    });
  });
});
