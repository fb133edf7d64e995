import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findRule } from "../rules/index.js";
import { lintJson, type JsonFinding } from "./support/cli.js";
import { ensureHelm } from "./support/helm.js";

const OPTIONAL = "optional-ref-without-reload";
const CREATION = "reloader-ignores-creation";
const UNMATCHED = "reload-annotation-unmatched";

function yamlMap(map: Record<string, string>, indent: string): string {
  const entries = Object.entries(map);
  if (entries.length === 0) return ` {}`;
  return entries.map(([k, v]) => `\n${indent}${k}: ${JSON.stringify(v)}`).join("");
}

/** A Deployment reading ConfigMap sovereign-fqdn and Secret api-token into env with optional: true. */
function deployment(name: string, metadata: Record<string, string> = {}, template: Record<string, string> = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  annotations:${yamlMap(metadata, "    ")}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
      annotations:${yamlMap(template, "        ")}
    spec:
      containers:
        - name: app
          image: app:1.0
          env:
            - name: FQDN
              valueFrom:
                configMapKeyRef: {name: sovereign-fqdn, key: fqdn, optional: true}
            - name: TOKEN
              valueFrom:
                secretKeyRef: {name: api-token, key: token, optional: true}
`;
}

async function reported(ruleId: string, yaml: string): Promise<string[]> {
  const report = await lintJson(["-"], { stdin: yaml });
  return report.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.target?.kind}/${f.target?.name}`);
}

describe("optional-ref-without-reload follows Reloader's ShouldReload", () => {
  it.each([
    ["no annotations", {}, {}, ["ConfigMap/sovereign-fqdn", "Secret/api-token"]],
    ["reload entries by type", { "configmap.reloader.stakater.com/reload": "sovereign-fqdn" }, {}, ["Secret/api-token"]],
    ["auto parsed as Go ParseBool: t", { "reloader.stakater.com/auto": "t" }, {}, []],
    ["auto parsed as Go ParseBool: yes is not true", { "reloader.stakater.com/auto": "yes" }, {}, ["ConfigMap/sovereign-fqdn", "Secret/api-token"]],
    ["typed auto covers its type only", { "secret.reloader.stakater.com/auto": "TRUE" }, {}, ["ConfigMap/sovereign-fqdn"]],
    ["template used when metadata has none of the four keys", {}, { "reloader.stakater.com/auto": "true" }, []],
    [
      "metadata secret key leaves the ConfigMap lookup on the template",
      { "secret.reloader.stakater.com/reload": "api-token" },
      { "configmap.reloader.stakater.com/reload": "sovereign-fqdn" },
      [],
    ],
    [
      "metadata auto=false shadows the template's auto for both types",
      { "reloader.stakater.com/auto": "false" },
      { "reloader.stakater.com/auto": "true" },
      ["ConfigMap/sovereign-fqdn", "Secret/api-token"],
    ],
    [
      "metadata search shadows the template (search value must be exactly true)",
      { "reloader.stakater.com/search": "True" },
      { "reloader.stakater.com/auto": "true" },
      ["ConfigMap/sovereign-fqdn", "Secret/api-token"],
    ],
    ["exclude beats auto", { "reloader.stakater.com/auto": "true", "secrets.exclude.reloader.stakater.com/reload": " api-token " }, {}, ["Secret/api-token"]],
    ["exclude is read from metadata only", { "reloader.stakater.com/auto": "true" }, { "secrets.exclude.reloader.stakater.com/reload": "api-token" }, []],
    ["regex entry with a dot matches any character, as in Go", { "configmap.reloader.stakater.com/reload": "sovereign.fqdn", "secret.reloader.stakater.com/reload": "api-.*" }, {}, []],
    ["an invalid entry covers nothing but the valid ones still count", { "configmap.reloader.stakater.com/reload": "(?!x), sovereign-fqdn" }, {}, ["Secret/api-token"]],
  ])("%s", async (_name, metadata, template, expected) => {
    expect((await reported(OPTIONAL, deployment("api", metadata, template))).sort()).toEqual(expected);
  });

  it("reads hook objects' match and ignore annotations for search", async () => {
    const hooks = `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: sovereign-fqdn
  annotations: {helm.sh/hook: post-install, reloader.stakater.com/match: "true"}
---
apiVersion: v1
kind: Secret
metadata:
  name: api-token
  annotations: {helm.sh/hook: post-install}
`;
    expect(await reported(OPTIONAL, deployment("api", { "reloader.stakater.com/search": "true" }) + hooks)).toEqual(["Secret/api-token"]);
  });

  it("names every affected variable and points at the first reference", async () => {
    const yaml = deployment("api").replace(
      "            - name: TOKEN",
      "            - name: FQDN_ALIAS\n              valueFrom:\n                configMapKeyRef: {name: sovereign-fqdn, key: alias, optional: true}\n            - name: TOKEN",
    );
    const report = await lintJson(["-"], { stdin: yaml });
    const finding = report.findings.find((f) => f.ruleId === OPTIONAL && f.target?.name === "sovereign-fqdn")!;
    expect(finding.message).toContain("(FQDN, FQDN_ALIAS)");
    expect(finding.line).toBe(yaml.split("\n").findIndex((l) => l.includes("- name: FQDN")) + 1);
    expect(finding.severity).toBe("warning");
  });
});

describe("optional-ref-without-reload knows which objects are there when the Pods start", () => {
  const hook = (kind: string, name: string, annotations: Record<string, string>): string =>
    `---\napiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  annotations: ${JSON.stringify(annotations)}\n`;

  it.each([
    [{ "helm.sh/hook": "pre-install,pre-upgrade" }, []],
    [{ "helm.sh/hook": "pre-install", "helm.sh/hook-delete-policy": "before-hook-creation" }, []],
    [{ "helm.sh/hook": "PRE-INSTALL", "helm.sh/hook-delete-policy": "hook-failed" }, []],
    [{ "helm.sh/hook": "pre-install", "helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded" }, ["ConfigMap/sovereign-fqdn"]],
    [{ "helm.sh/hook": "post-install,post-upgrade" }, ["ConfigMap/sovereign-fqdn"]],
    [{ "helm.sh/hook": "pre-upgrade" }, ["ConfigMap/sovereign-fqdn"]],
  ])("a ConfigMap that is only the hook %j", async (annotations, expected) => {
    const yaml = deployment("api") + hook("ConfigMap", "sovereign-fqdn", annotations) + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: api-token\n";
    expect(await reported(OPTIONAL, yaml)).toEqual(expected);
  });

  it("reports an optional volume mounted with subPath, naming the mount, and not one mounted whole", async () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: app
          image: app:1.0
          volumeMounts:
            - {name: config, mountPath: /etc/app/app.yaml, subPath: app.yaml}
            - {name: whole, mountPath: /etc/whole}
      volumes:
        - name: config
          configMap: {name: app-config, optional: true}
        - name: whole
          secret: {secretName: app-secret, optional: true}
`;
    const findings = (await lintJson(["-"], { stdin: yaml })).findings.filter((f) => f.ruleId === OPTIONAL);
    expect(findings.map((f) => [f.line, f.column, f.target?.name, f.message])).toEqual([
      [
        yaml.split("\n").indexOf("        - name: config") + 1,
        11,
        "app-config",
        'Deployment "api" container "app": ConfigMap "app-config" with optional: true (volume "config" at /etc/app/app.yaml with subPath app.yaml) ' +
          "is not in this input and no Reloader annotation covers it, so it stays missing if the Pod starts first (the kubelet never updates a subPath mount); " +
          "if the workload needs it, drop optional: true (or add configmap.reloader.stakater.com/reload, with reloadOnCreate); if it is absent on purpose, suppress this with the reason",
      ],
    ]);
    // A Reloader annotation covers the subPath mount like an env reference: the restart brings the file.
    const covered = yaml.replace("  name: api\nspec:", '  name: api\n  annotations: {configmap.reloader.stakater.com/reload: app-config}\nspec:');
    expect(await reported(OPTIONAL, covered)).toEqual([]);
  });
});

describe("optional-ref-without-reload with env and a subPath mount of the same object", () => {
  it("says the file stays missing when any one reference is a subPath mount", async () => {
    const yaml = deployment("api").replace(
      "          env:",
      "          volumeMounts:\n            - {name: fqdn, mountPath: /etc/fqdn, subPath: fqdn}\n          env:",
    ) + "      volumes:\n        - name: fqdn\n          configMap: {name: sovereign-fqdn, optional: true}\n";
    const findings = (await lintJson(["-"], { stdin: yaml })).findings.filter((f) => f.ruleId === OPTIONAL && f.target?.name === "sovereign-fqdn");
    expect(findings.map((f) => [f.severity, f.line, f.object?.name])).toEqual([["warning", yaml.split("\n").findIndex((l) => l.includes("- name: FQDN")) + 1, "api"]]);
    expect(findings[0]!.message).toContain("so it stays missing if the Pod starts first (the kubelet never updates a subPath mount);");
  });
});

describe("optional-ref-without-reload and required references to the same object", () => {
  // deployment() reads ConfigMap sovereign-fqdn (FQDN) and Secret api-token (TOKEN) optionally in container "app".
  const env = (name: string, ref: string): string => `            - name: ${name}\n              valueFrom:\n                ${ref}\n`;
  const init = (yaml: string, initContainers: string): string => yaml.replace("      containers:\n", `      initContainers:\n${initContainers}      containers:\n`);
  const required = { fqdn: env("FQDN_REQUIRED", "configMapKeyRef: {name: sovereign-fqdn, key: fqdn}"), token: env("TOKEN_REQUIRED", "secretKeyRef: {name: api-token, key: token}") };
  const tokenVolume = (mounted: boolean): string =>
    (mounted ? "          volumeMounts:\n            - {name: token, mountPath: /etc/token}\n" : "") + "      volumes:\n        - name: token\n          secret: {secretName: api-token}\n";

  it.each([
    ["a required env reference of the same container", deployment("api") + required.fqdn, ["Secret/api-token"]],
    ["a required envFrom of the same container", deployment("api") + "          envFrom:\n            - secretRef: {name: api-token}\n", ["ConfigMap/sovereign-fqdn"]],
    ["a required reference of an init container", init(deployment("api"), "        - name: init\n          image: init:1.0\n          env:\n" + required.fqdn), ["Secret/api-token"]],
    ["a required reference of another app container", deployment("api") + "        - name: other\n          image: other:1.0\n          env:\n" + required.fqdn + required.token, ["ConfigMap/sovereign-fqdn", "Secret/api-token"]],
    ["a required secret volume a container mounts", deployment("api") + tokenVolume(true), ["ConfigMap/sovereign-fqdn"]],
    ["a required secret volume no container mounts", deployment("api") + tokenVolume(false), ["ConfigMap/sovereign-fqdn", "Secret/api-token"]],
    ["a required ConfigMap of the Secret's name", deployment("api") + env("TOKEN_MODE", "configMapKeyRef: {name: api-token, key: mode}"), ["ConfigMap/sovereign-fqdn", "Secret/api-token"]],
  ])("%s", async (_name, yaml, expected) => {
    expect((await reported(OPTIONAL, yaml)).sort()).toEqual(expected);
  });

  it("leaves an init container's optional reference reported when only a later init container requires the object", async () => {
    const yaml = init(
      deployment("api").replace(/ +- name: TOKEN\n.*\n.*\n/, ""),
      "        - name: first\n          image: first:1.0\n          env:\n" + env("FQDN", "configMapKeyRef: {name: sovereign-fqdn, key: fqdn, optional: true}") +
        "        - name: second\n          image: second:1.0\n          env:\n" + required.fqdn,
    );
    const findings = (await lintJson(["-"], { stdin: yaml })).findings.filter((f) => f.ruleId === OPTIONAL);
    const line = yaml.split("\n").indexOf("            - name: FQDN") + 1;
    expect(findings.map((f) => [f.object?.name, f.target?.name, f.line, f.column])).toEqual([["api", "sovereign-fqdn", line, 15]]);
    expect(findings[0]!.message).toContain('container "first": ConfigMap "sovereign-fqdn" with optional: true (FQDN)');
  });

  it("a covered workload whose optional references are all required elsewhere does not rely on Reloader's creation events", async () => {
    const reloader = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reloader\nspec:\n  selector:\n    matchLabels: {app: reloader}\n  template:\n    metadata:\n      labels: {app: reloader}\n    spec:\n      containers:\n        - name: reloader\n          image: ghcr.io/stakater/reloader:v1.4.8\n";
    const covered = deployment("api", { "reloader.stakater.com/auto": "true" });
    const before = (await lintJson(["-"], { stdin: covered + reloader })).findings.filter((f) => f.ruleId === CREATION);
    expect(before.map((f) => [f.object?.name, f.target])).toEqual([["reloader", { kind: "Deployment", name: "api" }]]);
    expect(await reported(CREATION, covered + required.fqdn + required.token + reloader)).toEqual([]);
  });
});

describe("reloader-ignores-creation and optional-ref-without-reload split the late optional references", () => {
  const reloader = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: reloader
spec:
  selector:
    matchLabels: {app: reloader}
  template:
    metadata:
      labels: {app: reloader}
    spec:
      containers:
        - name: reloader
          image: ghcr.io/stakater/reloader:v1.4.8
          args: [FLAGS]
`;
  const workloads =
    deployment("covered", { "reloader.stakater.com/auto": "true" }) + "---\n" + deployment("uncovered") + "---\n" + deployment("half", { "configmap.reloader.stakater.com/reload": "sovereign-fqdn" });

  it("reports the Reloader once, naming the workloads that rely on it, and leaves the rest to optional-ref-without-reload", async () => {
    const report = await lintJson(["-"], { stdin: workloads + reloader.replace("FLAGS", '"--reload-strategy=annotations"') });
    const creation = report.findings.filter((f) => f.ruleId === CREATION);
    expect(creation).toHaveLength(1);
    expect(creation[0]!.object?.name).toBe("reloader");
    expect(creation[0]!.message).toContain('its args have no --reload-on-create, so Reloader never restarts Deployment "covered" when optional ConfigMap "sovereign-fqdn" is created (and 2 more)');
    expect(creation[0]!.message).toContain("add --reload-on-create=true to its args");
    expect(creation[0]!.remediation).toContain('Deployment "covered" via reloader.stakater.com/auto for ConfigMap "sovereign-fqdn"');
    expect(creation[0]!.remediation).toContain('Deployment "covered" via reloader.stakater.com/auto for Secret "api-token"');
    expect(creation[0]!.remediation).toContain('Deployment "half" via configmap.reloader.stakater.com/reload for ConfigMap "sovereign-fqdn"');
    expect(creation[0]!.remediation).not.toContain('"uncovered"');
    const optional = report.findings.filter((f) => f.ruleId === OPTIONAL).map((f) => `${f.object?.name} ${f.target?.name}`);
    expect(optional.sort()).toEqual(["half api-token", "uncovered api-token", "uncovered sovereign-fqdn"]);
  });

  it("with --auto-reload-all on any one Reloader, a workload without annotations relies on it too", async () => {
    const second = reloader.replace(/name: reloader\n/, "name: reloader-b\n").replace("FLAGS", '"--reload-strategy=annotations"');
    const report = await lintJson(["-"], { stdin: deployment("uncovered") + reloader.replace("FLAGS", '"--auto-reload-all"') + second });
    const creation = report.findings.filter((f) => f.ruleId === CREATION);
    expect(creation.map((f) => [f.object?.name, f.target])).toEqual([
      ["reloader", { kind: "Deployment", name: "uncovered" }],
      ["reloader-b", { kind: "Deployment", name: "uncovered" }],
    ]);
    expect(creation[0]!.remediation).toBe(
      "Add --reload-on-create=true to its args, or drop `optional: true` from the workloads' references so the kubelet waits for the objects. " +
        'Workloads that rely on Reloader for objects created late: Deployment "uncovered" via Reloader\'s --auto-reload-all for ConfigMap "sovereign-fqdn"; ' +
        'Deployment "uncovered" via Reloader\'s --auto-reload-all for Secret "api-token".',
    );
  });

  it.each([["--reload-on-create=true"], ["--reload-on-create", "true"]])("is silent when Reloader runs with %s", async (...flags) => {
    const args = flags.map((f) => JSON.stringify(f)).join(", ");
    expect(await reported(CREATION, workloads + reloader.replace("FLAGS", args))).toEqual([]);
  });

  // controller.go Add: options.ReloadOnCreate == "true", a plain string comparison.
  it.each(["True", "TRUE", "1", "yes", "true "])("reports --reload-on-create=%s, which released Reloader does not read as true", async (value) => {
    const report = await lintJson(["-"], { stdin: workloads + reloader.replace("FLAGS", JSON.stringify(`--reload-on-create=${value}`)) });
    const creation = report.findings.filter((f) => f.ruleId === CREATION);
    expect(creation.map((f) => [f.object?.name, f.severity])).toEqual([["reloader", "warning"]]);
    expect(creation[0]!.message).toBe(
      `Deployment "reloader": --reload-on-create=${value}, which is not the exact string "true" Reloader compares it with, so Reloader never restarts ` +
        `Deployment "covered" when optional ConfigMap "sovereign-fqdn" is created (and 2 more); write --reload-on-create=true`,
    );
  });

  // A type in --resources-to-ignore gets no controller, so its "initialized" flag is never set and Add drops every creation event.
  it.each([
    [["--reload-on-create=true", "--resources-to-ignore=secrets"], "--resources-to-ignore=secrets"],
    [["--reload-on-create", "true", "--resources-to-ignore", "ConfigMaps"], "--resources-to-ignore=ConfigMaps"],
    [["--reload-on-create=true", "--resources-to-ignore=secrets", "--sync-after-restart=false"], "--resources-to-ignore=secrets"],
  ])("reports %j: no creation event passes, ConfigMaps included", async (flags, shown) => {
    const report = await lintJson(["-"], { stdin: workloads + reloader.replace("FLAGS", flags.map((f) => JSON.stringify(f)).join(", ")) });
    const creation = report.findings.filter((f) => f.ruleId === CREATION);
    expect(creation).toHaveLength(1);
    expect(creation[0]!.message).toBe(
      `Deployment "reloader": --reload-on-create=true with ${shown} (Reloader then never marks both informers synced and drops every creation event), ` +
        `so Reloader never restarts Deployment "covered" when optional ConfigMap "sovereign-fqdn" is created (and 2 more); drop ${shown}`,
    );
    expect(creation[0]!.remediation).toContain("--sync-after-restart=true");
  });

  it.each([["--sync-after-restart"], ["--sync-after-restart=true"]])("is silent with ignored resources and %s, which marks both informers synced up front", async (sync) => {
    const flags = ["--reload-on-create=true", "--resources-to-ignore=secrets", sync].map((f) => JSON.stringify(f)).join(", ");
    expect(await reported(CREATION, workloads + reloader.replace("FLAGS", flags))).toEqual([]);
  });

  it.each([
    [{ ignoreSecrets: true }, "reloader.ignoreSecrets: true", "unset reloader.ignoreSecrets"],
    [{ ignoreSecrets: "false" }, 'reloader.ignoreSecrets: "false"', "unset reloader.ignoreSecrets"],
    [{ ignoreSecrets: true, ignoreConfigMaps: 1 }, "reloader.ignoreSecrets: true, reloader.ignoreConfigMaps: 1", "unset reloader.ignoreSecrets and reloader.ignoreConfigMaps"],
    [{ ignoreSecrets: true, syncAfterRestart: true }, undefined, undefined],
    [{ ignoreSecrets: false, ignoreConfigMaps: {} }, undefined, undefined],
  ])("reads the chart values %j as the chart's templates do", async (values, shown, fix) => {
    const release =
      "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: reloader\nspec:\n  chart:\n    spec:\n      chart: reloader\n" +
      `  values:\n    reloader: ${JSON.stringify({ reloadOnCreate: true, ...values })}\n`;
    const report = await lintJson(["-"], { stdin: workloads + release });
    const messages = report.findings.filter((f) => f.ruleId === CREATION).map((f) => f.message);
    expect(messages).toEqual(
      shown === undefined
        ? []
        : [
            `HelmRelease "reloader": reloader.reloadOnCreate: true with ${shown} (Reloader then never marks both informers synced and drops every creation event), ` +
              `so Reloader never restarts Deployment "covered" when optional ConfigMap "sovereign-fqdn" is created (and 2 more); ${fix}`,
          ],
    );
  });

  it("says when a workload relies on search for an object the input does not show", async () => {
    const yaml = deployment("searching", { "reloader.stakater.com/search": "true" }) + reloader.replace("FLAGS", "");
    const report = await lintJson(["-"], { stdin: yaml });
    const remediation = report.findings.find((f) => f.ruleId === CREATION)!.remediation;
    expect(remediation).toContain('Deployment "searching" via reloader.stakater.com/search for ConfigMap "sovereign-fqdn" (only if ConfigMap "sovereign-fqdn" carries reloader.stakater.com/match: "true")');
  });

  it("can be suppressed on the Reloader object like any finding", async () => {
    const suppressed = reloader
      .replace("FLAGS", "")
      .replace("  name: reloader\n", '  name: reloader\n  annotations:\n    gitops-lint/ignore: reloader-ignores-creation\n    gitops-lint/ignore-reason: "objects are pre-created"\n');
    const report = await lintJson(["-"], { stdin: workloads + suppressed });
    const finding = report.findings.find((f) => f.ruleId === CREATION)!;
    expect(finding.suppressed).toBe(true);
  });

  it("is silent when no Reloader is in the input", async () => {
    expect(await reported(CREATION, workloads)).toEqual([]);
  });
});

describe("reload-annotation-unmatched", () => {
  const unmatched = async (yaml: string): Promise<JsonFinding[]> => (await lintJson(["-"], { stdin: yaml })).findings.filter((f) => f.ruleId === UNMATCHED);
  const lineOf = (yaml: string, text: string): number => yaml.split("\n").findIndex((l) => l.includes(text)) + 1;
  const where = (f: JsonFinding): unknown[] => [f.severity, f.line, f.column, f.object?.kind, f.object?.name, f.target];
  const typo = deployment("api", { "configmap.reloader.stakater.com/reload": "sovereign-fdqn" });
  const typoMessage =
    'Deployment "api": configmap.reloader.stakater.com/reload entry "sovereign-fdqn" matches no ConfigMap it references (Reloader anchors it as ^sovereign-fdqn$); did you mean "sovereign-fqdn"?';

  it("names the ConfigMap listed under the secret key, and the key to move it to", async () => {
    const yaml = deployment("api", { "secret.reloader.stakater.com/reload": "api-token, sovereign-fqdn" });
    const findings = await unmatched(yaml);
    expect(findings.map(where)).toEqual([["warning", lineOf(yaml, "secret.reloader.stakater.com/reload"), 5, "Deployment", "api", { kind: "ConfigMap", name: "sovereign-fqdn" }]]);
    expect(findings[0]!.message).toBe(
      'Deployment "api": secret.reloader.stakater.com/reload entry "sovereign-fqdn" names a ConfigMap, but this key matches only Secret names; move it to configmap.reloader.stakater.com/reload',
    );
  });

  it("names the referenced object a mistyped entry was meant for, in metadata and in the pod template", async () => {
    expect((await unmatched(typo)).map((f) => [...where(f), f.message])).toEqual([
      ["warning", lineOf(typo, "configmap.reloader.stakater.com/reload"), 5, "Deployment", "api", { kind: "ConfigMap", name: "sovereign-fqdn" }, typoMessage],
    ]);
    const template = deployment("api", {}, { "configmap.reloader.stakater.com/reload": "sovereign-fdqn" });
    expect((await unmatched(template)).map((f) => [...where(f), f.message])).toEqual([
      ["warning", lineOf(template, "configmap.reloader.stakater.com/reload"), 9, "Deployment", "api", { kind: "ConfigMap", name: "sovereign-fqdn" }, typoMessage],
    ]);
  });

  it("ignores the empty entry a trailing comma leaves, even next to a short unwatched name", async () => {
    const yaml = deployment("api", { "configmap.reloader.stakater.com/reload": "sovereign-fqdn," }).replace(
      "      containers:",
      "      volumes:\n        - name: ca\n          configMap: {name: ca}\n      containers:",
    );
    expect(await unmatched(yaml)).toEqual([]);
  });

  it("counts reloader.stakater.com/search as watching a referenced object only when that object carries match: true", async () => {
    const searching = deployment("api", { "configmap.reloader.stakater.com/reload": "sovereign-fdqn", "reloader.stakater.com/search": "true" });
    const configMap = (annotations: string): string => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sovereign-fqdn\n  annotations: {${annotations}}\ndata: {fqdn: x}\n`;
    expect((await unmatched(searching + configMap(""))).map((f) => f.target)).toEqual([{ kind: "ConfigMap", name: "sovereign-fqdn" }]);
    expect(await unmatched(searching + configMap('reloader.stakater.com/match: "true"'))).toEqual([]);
  });

  it("leaves a mistyped entry alone when Reloader runs with --auto-reload-all, which watches every reference anyway", async () => {
    const reloader = (args: string): string =>
      "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reloader\nspec:\n  selector:\n    matchLabels: {app: reloader}\n  template:\n" +
      `    metadata:\n      labels: {app: reloader}\n    spec:\n      containers:\n        - name: reloader\n          image: ghcr.io/stakater/reloader:v1.4.8\n          args: [${args}]\n`;
    expect(await unmatched(typo + reloader('"--auto-reload-all=true"'))).toEqual([]);
    expect((await unmatched(typo + reloader(""))).map((f) => f.message)).toEqual([typoMessage]);
  });
});

describe("rule examples", () => {
  it.each([OPTIONAL, UNMATCHED, CREATION])("%s: the bad example fires and the good one does not", async (id) => {
    const rule = findRule(id)!;
    expect((await reported(id, rule.meta.example.bad)).length).toBeGreaterThan(0);
    expect(await reported(id, rule.meta.example.good)).toEqual([]);
  });
});

describe("on real helm template output", () => {
  it("sees a ConfigMap rendered only as a hook as not there for the workload", async () => {
    const helm = ensureHelm();
    const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-reloader-"));
    try {
      mkdirSync(path.join(dir, "templates"));
      writeFileSync(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: api\nversion: 1.0.0\n");
      writeFileSync(path.join(dir, "templates", "deployment.yaml"), deployment("{{ .Release.Name }}-api"));
      writeFileSync(
        path.join(dir, "templates", "hook.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sovereign-fqdn\n  annotations:\n    helm.sh/hook: post-install\ndata:\n  fqdn: x\n" +
          "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: api-token\nstringData:\n  token: x\n",
      );
      const rendered = execFileSync(helm, ["template", "rel", dir], { encoding: "utf8" });
      const report = await lintJson(["-"], { stdin: rendered });
      const findings = report.findings.filter((f) => f.ruleId === OPTIONAL);
      expect(findings.map((f) => `${f.object?.name} ${f.target?.kind}/${f.target?.name}`)).toEqual(["rel-api ConfigMap/sovereign-fqdn"]);
      expect(findings[0]!.message).toContain('ConfigMap "sovereign-fqdn" with optional: true (FQDN) is only a post-install Helm hook');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
