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
    expect(port.message).toBe(
      `StatefulSet "${statefulSet.object!.name}": container "search" port name "elasticsearch-https" is not a valid port name; the API server rejects it when kubectl applies it: ` +
        '"spec.template.spec.containers[0].ports[0].name: Invalid value: "elasticsearch-https": must be no more than 15 characters"; ' +
        "use at most 15 characters of a-z, 0-9 and '-', with a letter",
    );
    expect(port.remediation).toBe("Applied by kubectl apply (client-side): default for plain manifests.");
    // a probe port named with digits at either end is still a name, not a number
    const probes = findings.filter((f) => /(liveness|startup)Probe port/.test(f.message));
    expect(probes.map((f) => `${at(f)} ${f.message.split(";")[0]}`)).toEqual([
      `StatefulSet/${statefulSet.object!.name} ${DIR}/names-and-ports.yaml:58:15 error StatefulSet "${statefulSet.object!.name}": container "search" livenessProbe port "9000-admin-https" is not a valid port name`,
      `StatefulSet/${statefulSet.object!.name} ${DIR}/names-and-ports.yaml:63:15 error StatefulSet "${statefulSet.object!.name}": container "search" startupProbe port "admin-https-9000" is not a valid port name`,
    ]);
    const service = findings.find((f) => f.message.startsWith('Service "1-api": name'))!;
    expect(at(service)).toBe(`Service/1-api ${DIR}/names-and-ports.yaml:84:3 error`);
    expect(service.message).toMatch(/^Service "1-api": name "1-api" is not a DNS-1035 label; the API server rejects it when kubectl applies it: "metadata\.name: Invalid value: "1-api": a DNS-1035 label must .*"; start it with a letter and use only a-z, 0-9 and '-'$/);
  });

  it("does not warn that force deletes the live object of a name the API server never accepted", async () => {
    const files = [`${DIR}/flux-force`, `${DIR}/flux-force-names`];
    const findings = of((await lintJson(files)).findings);
    const deletes = "worse, Flux kustomize-controller deletes the live object first";
    expect(findings.filter((f) => f.message.includes(deletes)).map(at)).toEqual([`Deployment/edge-gateway ${DIR}/flux-force/gateway.yaml:18:15 error`]);
    const names = findings.filter((f) => f.file.endsWith("names.yaml"));
    expect(names.map(at)).toEqual([
      `CronJob/edge-certificate-renewal-for-every-gateway-xxxxxxxxxx ${DIR}/flux-force-names/names.yaml:7:3 error`,
      `Job/edge-gateway-schema-migration-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ${DIR}/flux-force-names/names.yaml:22:3 error`,
      `StatefulSet/edge-gateway-session-store-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ${DIR}/flux-force-names/names.yaml:34:3 error`,
      `Service/2-edge ${DIR}/flux-force-names/names.yaml:50:3 error`,
    ]);
    const name = names[2]!.object!.name;
    expect(names[2]!.message).toBe(
      `StatefulSet "edge/${name}": name "${name}" has 64 characters; the API server rejects it when Flux kustomize-controller applies it: ` +
        `"metadata.name: Invalid value: "${name}": must be no more than 63 characters"; use at most 52`,
    );
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
      // Helm 3 applies client-side too, but writes no last-applied-configuration annotation
      expect(of((await lintJson(["over.yaml", "--applier", "helm3"], { cwd: dir })).findings)).toEqual([]);

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

    it("reports ConfigMap and Secret data at the key that holds it, once, over 1 MiB only", async () => {
      const base64 = (bytes: number): string => Buffer.alloc(bytes, "x").toString("base64");
      // plain ASCII data that is also valid base64: a ConfigMap's data is not decoded
      writeFileSync(path.join(dir, "cm.yaml"), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: pages}\ndata:\n  a: ${"x".repeat(1_400_000)}\n`);
      writeFileSync(path.join(dir, "cm-binary.yaml"), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: blob}\nbinaryData:\n  a: ${base64(1_048_577)}\n`);
      const secret = (name: string, key: string, value: string): string => `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}}\n${key}:\n  a: ${value}\n`;
      writeFileSync(path.join(dir, "secret-data.yaml"), secret("certs", "data", base64(1_048_577)));
      writeFileSync(path.join(dir, "secret-string.yaml"), secret("tokens", "stringData", "y".repeat(1_048_577)));
      writeFileSync(path.join(dir, "secret-limit.yaml"), secret("limit", "data", base64(1_048_576)));
      // a kind named Secret in another API group is not the core Secret
      writeFileSync(path.join(dir, "secret-other.yaml"), secret("tokens", "stringData", "y".repeat(1_048_577)).replace("apiVersion: v1", "apiVersion: vault.example.com/v1"));
      const files = ["cm.yaml", "cm-binary.yaml", "secret-data.yaml", "secret-string.yaml", "secret-limit.yaml", "secret-other.yaml"];
      const findings = of((await lintJson([...files, "--applier", "helm4"], { cwd: dir })).findings);
      expect(findings.map(at)).toEqual([
        "ConfigMap/blob cm-binary.yaml:4:1 error",
        "ConfigMap/pages cm.yaml:4:1 error",
        "Secret/certs secret-data.yaml:4:1 error",
        "Secret/tokens secret-string.yaml:4:1 error",
      ]);
      const rejects = 'the API server rejects it when Helm 4 applies it: "';
      expect(findings.map((f) => f.message)).toEqual([
        `ConfigMap "blob": data holds 1048577 bytes; ${rejects}Too long: may not be more than 1048576 bytes"; keep ConfigMap data within 1 MiB`,
        `ConfigMap "pages": data holds 1400000 bytes; ${rejects}Too long: may not be more than 1048576 bytes"; keep ConfigMap data within 1 MiB`,
        `Secret "certs": data holds 1048577 bytes; ${rejects}data: Too long: may not be more than 1048576 bytes"; keep Secret data within 1 MiB`,
        `Secret "tokens": data holds 1048577 bytes; ${rejects}data: Too long: may not be more than 1048576 bytes"; keep Secret data within 1 MiB`,
      ]);
    });

    it("reports an object's own annotations over 256 KiB at its annotations, with or without last-applied-configuration", async () => {
      const annotated = (name: string, note: string, data: string): string =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations:\n    note: ${note}\ndata:\n  a: ${data}\n`;
      writeFileSync(path.join(dir, "notes.yaml"), annotated("notes", "x".repeat(262_141), "small"));
      const own = of((await lintJson(["notes.yaml", "--applier", "helm4"], { cwd: dir })).findings);
      expect(own.map(at)).toEqual(["ConfigMap/notes notes.yaml:5:3 error"]);
      expect(own[0]!.message).toBe(
        'ConfigMap "notes": its annotations take 262145 bytes > 262144; the API server rejects it when Helm 4 applies it: ' +
          '"metadata.annotations: Too long: may not be more than 262144 bytes"; shrink the annotations',
      );

      writeFileSync(path.join(dir, "noted.yaml"), annotated("noted", "hello", "x".repeat(270_000)));
      const json = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "noted", annotations: { note: "hello" } }, data: { a: "x".repeat(270_000) } });
      const lastApplied = "kubectl.kubernetes.io/last-applied-configuration".length + json.length + 1;
      const clientSide = of((await lintJson(["noted.yaml"], { cwd: dir })).findings);
      expect(clientSide.map(at)).toEqual(["ConfigMap/noted noted.yaml:5:3 error"]);
      expect(clientSide[0]!.message).toContain(`annotation: ${lastApplied} bytes plus 9 of its own annotations = ${lastApplied + 9} > 262144; the API server rejects it`);
    });

    it("finds last-applied-configuration over 256 KiB in a smaller document: escaped characters and aliases", async () => {
      const lastApplied = (value: unknown): number => "kubectl.kubernetes.io/last-applied-configuration".length + JSON.stringify(value).length + 1;
      // 45,000 characters of text, 270,000 bytes once Go escapes every `<` as \u003c
      const markup = "<".repeat(45_000);
      writeFileSync(path.join(dir, "markup.yaml"), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: markup}\ndata:\n  a: '${markup}'\n`);
      const escaped = lastApplied({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "markup" }, data: { a: markup } }) + 5 * markup.length;
      // 30,000 characters written once and repeated by 9 aliases
      const line = "x".repeat(30_000);
      const aliases = Array.from({ length: 9 }, (_, i) => `  k${i}: *line\n`).join("");
      writeFileSync(path.join(dir, "aliases.yaml"), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aliases}\ndata:\n  a: &line ${line}\n${aliases}`);
      const expanded = lastApplied({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "aliases" }, data: { a: line, ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, line])) } });
      const findings = of((await lintJson(["aliases.yaml", "markup.yaml"], { cwd: dir })).findings);
      expect(findings.map((f) => `${at(f)} ${f.message.split(";")[0]}`)).toEqual([
        `ConfigMap/aliases aliases.yaml:3:1 error ConfigMap "aliases": kubectl apply (client-side) stores the object in the kubectl.kubernetes.io/last-applied-configuration annotation: ${expanded} bytes > 262144`,
        `ConfigMap/markup markup.yaml:3:1 error ConfigMap "markup": kubectl apply (client-side) stores the object in the kubectl.kubernetes.io/last-applied-configuration annotation: ${escaped} bytes > 262144`,
      ]);
    });
  });
});
