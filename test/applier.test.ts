import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readInputs } from "../src/cli/read-inputs.js";
import { loadFile } from "../src/load/load-file.js";
import { applierOf, type Applier } from "../src/model/applier.js";
import { ManifestSet } from "../src/model/manifest-set.js";
import type { K8sObject } from "../src/model/objects.js";
import { defaultRenderOptions } from "../src/render/context.js";
import { REPO, runCli } from "./support/cli.js";
import { ensureHelm } from "./support/helm.js";

function setOf(...files: Array<[string, string]>): ManifestSet {
  const set = new ManifestSet();
  for (const [name, text] of files) set.add(loadFile(name, text));
  return set;
}

function one(set: ManifestSet, kind: string, name: string): K8sObject {
  const found = set.objects.filter((o) => o.kind === kind && o.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const pick = (a: Applier): Partial<Applier> => ({ id: a.id, serverSideApply: a.serverSideApply, recreatesOnInvalid: a.recreatesOnInvalid, replaces: a.replaces });

const CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n";
const RENDERED = "---\n# Source: api/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\n";

describe("applierOf: defaults and the user's choice", () => {
  it("takes Helm 4 for rendered Helm output and client-side kubectl apply for plain manifests", () => {
    const set = setOf(["apps/settings.yaml", CONFIGMAP], ["<stdin>", RENDERED]);
    const plain = applierOf(one(set, "ConfigMap", "settings"), set, {});
    const rendered = applierOf(one(set, "ConfigMap", "api"), set, {});
    expect(pick(plain)).toEqual({ id: "kubectl", serverSideApply: false, recreatesOnInvalid: false, replaces: false });
    expect(plain.why).toBe("default for plain manifests");
    expect(pick(rendered)).toEqual({ id: "helm4", serverSideApply: true, recreatesOnInvalid: false, replaces: false });
    expect(rendered.label).toBe("Helm 4 (server-side apply)");
    expect(rendered.note).toMatch(/first install/);
  });

  it("counts every document of a file of rendered Helm output as Helm's, a CRD from crds/ without its own # Source: too", () => {
    const crds = "---\n# Source: api/crds/widgets.yaml\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n";
    const set = setOf(["<stdin>", crds + RENDERED], ["apps/settings.yaml", CONFIGMAP]);
    expect(applierOf(one(set, "CustomResourceDefinition", "widgets.example.com"), set, {}).id).toBe("helm4");
    expect(applierOf(one(set, "ConfigMap", "settings"), set, {}).id).toBe("kubectl");
  });

  it("uses the configured applier for objects nothing in the input claims", () => {
    const set = setOf(["apps/settings.yaml", CONFIGMAP], ["<stdin>", RENDERED]);
    const choice = { applier: { id: "helm3" as const, why: "--applier helm3" } };
    for (const object of set.objects) {
      const applier = applierOf(object, set, choice);
      expect(pick(applier)).toEqual({ id: "helm3", serverSideApply: false, recreatesOnInvalid: false, replaces: false });
      expect(applier.why).toBe("--applier helm3");
    }
  });

  it("keeps what the object itself tells the applier the user named: Flux's force annotation, Argo CD's sync options", () => {
    const forced = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: forced\n  annotations:\n    kustomize.toolkit.fluxcd.io/force: enabled\n";
    const replaced = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: replaced\n  annotations:\n    argocd.argoproj.io/sync-options: Force=true,Replace=true\n";
    const set = setOf(["apps/forced.yaml", forced], ["apps/replaced.yaml", replaced], ["apps/settings.yaml", CONFIGMAP]);
    const flux = { applier: { id: "flux-kustomize" as const, why: "--applier flux-kustomize" } };
    const argo = { applier: { id: "argocd" as const, why: "--applier argocd" } };
    expect(pick(applierOf(one(set, "ConfigMap", "forced"), set, flux))).toEqual({ id: "flux-kustomize", serverSideApply: true, recreatesOnInvalid: true, replaces: false });
    expect(applierOf(one(set, "ConfigMap", "forced"), set, flux).why).toBe("--applier flux-kustomize, force enabled by the object's kustomize.toolkit.fluxcd.io/force");
    expect(pick(applierOf(one(set, "ConfigMap", "settings"), set, flux)).recreatesOnInvalid).toBe(false);
    expect(pick(applierOf(one(set, "ConfigMap", "replaced"), set, argo))).toEqual({ id: "argocd", serverSideApply: false, recreatesOnInvalid: true, replaces: true });
    expect(pick(applierOf(one(set, "ConfigMap", "settings"), set, argo))).toEqual({ id: "argocd", serverSideApply: false, recreatesOnInvalid: false, replaces: false });
    expect(pick(applierOf(one(set, "ConfigMap", "forced"), set, { applier: { id: "helm3", why: "--applier helm3" } })).recreatesOnInvalid).toBe(false);
  });

  it("gives rendered output linted with a HelmRelease of its chart to helm-controller, server-side unless the release turns it off", () => {
    const release = (install: string): string =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: api, namespace: apps}\nspec:\n  chart: {spec: {chart: api, sourceRef: {kind: HelmRepository, name: charts}}}\n${install}`;
    const ssa = setOf(["<stdin>", RENDERED], ["hr.yaml", release("")]);
    const applier = applierOf(one(ssa, "ConfigMap", "api"), ssa, { applier: { id: "kubectl", why: "--applier kubectl" } });
    expect(pick(applier)).toEqual({ id: "flux-helm", serverSideApply: true, recreatesOnInvalid: false, replaces: false });
    expect(applier.why).toBe("HelmRelease apps/api (chart of the rendered output)");
    expect(applier.note).toMatch(/first install/);

    const csa = setOf(["<stdin>", RENDERED], ["hr.yaml", release("  install: {serverSideApply: false}\n  upgrade: {force: true}\n")]);
    const client = applierOf(one(csa, "ConfigMap", "api"), csa, {});
    expect(pick(client)).toEqual({ id: "flux-helm", serverSideApply: false, recreatesOnInvalid: false, replaces: true });
    expect(client.label).toContain("spec.install.serverSideApply: false");

    // upgrade.force is a PUT only under client-side apply: helm-controller ignores it under server-side apply
    const forced = setOf(["<stdin>", RENDERED], ["hr.yaml", release("  upgrade: {force: true, serverSideApply: enabled}\n")]);
    const forcedApplier = applierOf(one(forced, "ConfigMap", "api"), forced, {});
    expect(pick(forcedApplier)).toEqual({ id: "flux-helm", serverSideApply: true, recreatesOnInvalid: false, replaces: false });
    expect(forcedApplier.note).toBeUndefined();
  });
});

describe("applierOf: Argo CD", () => {
  const app = (options: string[], extra = ""): string =>
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: api, namespace: argocd}\nspec:\n" +
    `  source: {repoURL: https://example.com/repo.git, path: ./apps/api}\n  syncPolicy: {syncOptions: [${options.join(", ")}]}\n${extra}`;
  const deployment = (syncOptions?: string): string =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n${syncOptions ? `  annotations: {argocd.argoproj.io/sync-options: "${syncOptions}"}\n` : ""}`;

  const cases: Array<{ name: string; app: string[]; object?: string; kind?: string; expected: Partial<Applier>; label: string }> = [
    { name: "client-side apply by default", app: [], expected: { id: "argocd", serverSideApply: false, recreatesOnInvalid: false, replaces: false }, label: "Argo CD (client-side apply)" },
    { name: "ServerSideApply=true on the Application", app: ["ServerSideApply=true"], expected: { serverSideApply: true, recreatesOnInvalid: false, replaces: false }, label: "Argo CD (server-side apply)" },
    { name: "ServerSideApply=false on the object wins", app: ["ServerSideApply=true"], object: "ServerSideApply=false", expected: { serverSideApply: false }, label: "Argo CD (client-side apply)" },
    { name: "Replace=true is a PUT and wins over server-side apply", app: ["ServerSideApply=true", "Replace=true"], expected: { serverSideApply: false, recreatesOnInvalid: false, replaces: true }, label: "Argo CD (Replace=true)" },
    { name: "Force=true,Replace=true deletes and creates", app: [], object: "Force=true,Replace=true", expected: { recreatesOnInvalid: true, replaces: true }, label: "Argo CD (Force=true,Replace=true: delete and create)" },
    { name: "Force=true alone under client-side apply recreates an invalid patch", app: [], object: "Force=true", expected: { serverSideApply: false, recreatesOnInvalid: true, replaces: false }, label: "Argo CD (client-side apply with Force=true)" },
    { name: "Force=true under server-side apply does not", app: ["ServerSideApply=true"], object: "Force=true", expected: { serverSideApply: true, recreatesOnInvalid: false }, label: "Argo CD (server-side apply)" },
    { name: "Force=true on the Application is not a sync option", app: ["Force=true"], expected: { recreatesOnInvalid: false }, label: "Argo CD (client-side apply)" },
    { name: "options are case-sensitive, as gitops-engine reads them", app: ["serversideapply=true"], expected: { serverSideApply: false }, label: "Argo CD (client-side apply)" },
  ];

  it.each(cases)("$name", ({ app: options, object, expected, label }) => {
    const set = setOf(["apps/argocd/api.yaml", app(options)], ["apps/api/deployment.yaml", deployment(object)]);
    const applier = applierOf(one(set, "Deployment", "api"), set, { applier: { id: "helm4", why: "config" } });
    expect(pick(applier)).toMatchObject(expected);
    expect(applier.label).toBe(label);
    expect(applier.why).toBe("Application argocd/api (source path apps/api)");
  });

  it("only updates a CRD or Namespace under Force=true,Replace=true (gitops-engine never replaces them)", () => {
    const crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n  annotations: {argocd.argoproj.io/sync-options: \"Force=true,Replace=true\"}\n";
    const set = setOf(["apps/argocd/api.yaml", app([])], ["apps/api/crd.yaml", crd]);
    expect(pick(applierOf(one(set, "CustomResourceDefinition", "widgets.example.com"), set, {}))).toMatchObject({ replaces: true, recreatesOnInvalid: false });
  });

  it("matches files below the source path only, the deepest path first, and ApplicationSet Git directories", () => {
    const appSet =
      "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: addons, namespace: argocd}\nspec:\n" +
      "  generators:\n    - git: {repoURL: https://example.com/repo.git, directories: [{path: addons/*}, {path: addons/legacy, exclude: true}]}\n" +
      "  template:\n    spec:\n      source: {repoURL: https://example.com/repo.git, path: '{{.path.path}}'}\n      syncPolicy: {syncOptions: [ServerSideApply=true]}\n";
    const root = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: root, namespace: argocd}\nspec:\n  source: {path: apps}\n";
    const set = setOf(
      ["apps/argocd/api.yaml", app([])],
      ["apps/argocd/root.yaml", root],
      ["apps/api/deployment.yaml", deployment()],
      ["apps/apis/other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n"],
      ["argocd/addons.yaml", appSet],
      ["addons/metrics/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: metrics}\n"],
      ["addons/legacy/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: legacy}\n"],
    );
    expect(applierOf(one(set, "Deployment", "api"), set, {}).why).toBe("Application argocd/api (source path apps/api)");
    expect(applierOf(one(set, "ConfigMap", "other"), set, {}).why).toBe("Application argocd/root (source path apps)");
    const metrics = applierOf(one(set, "ConfigMap", "metrics"), set, {});
    expect(metrics.why).toBe("ApplicationSet argocd/addons (source path addons/*)");
    expect(metrics.serverSideApply).toBe(true);
    expect(applierOf(one(set, "ConfigMap", "legacy"), set, {}).id).toBe("kubectl");
  });

  it("matches rendered output to an Application of its Helm chart", () => {
    const chartApp = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: api, namespace: argocd}\nspec:\n  source: {repoURL: https://charts.example.com, chart: api, targetRevision: 1.0.0}\n";
    const set = setOf(["app.yaml", chartApp], ["<stdin>", RENDERED]);
    expect(applierOf(one(set, "ConfigMap", "api"), set, {}).why).toBe("Application argocd/api (chart api)");
  });
});

describe("applierOf: Flux units rendered from a repository", () => {
  let dir = "";
  let set: ManifestSet;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-applier-"));
    cpSync(path.join(REPO, "test/fixtures/render/fleet"), dir, { recursive: true });
    // force on the infrastructure Kustomization; the platform release installs with client-side apply
    const infra = path.join(dir, "clusters/prod/infrastructure.yaml");
    writeFileSync(infra, readFileSync(infra, "utf8").replace("  prune: true\n", "  prune: true\n  force: true\n"));
    const hr = path.join(dir, "apps/base/platform/helmrelease.yaml");
    writeFileSync(hr, readFileSync(hr, "utf8").replace("  install:\n", "  install:\n    serverSideApply: false\n"));
    writeFileSync(path.join(dir, "infrastructure/sovereign-tls/forced.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: forced\n  labels: {kustomize.toolkit.fluxcd.io/force: Enabled}\n");
    const read = await readInputs(["clusters/prod"], {
      cwd: dir,
      stdinName: "<stdin>",
      readStdin: async () => Buffer.from(""),
      env: process.env,
      render: { ...defaultRenderOptions(), helm: ensureHelm(), repoRoot: "." },
    });
    // The fleet's Flux root: the set its objects are linted in.
    set = read.sets.find((s) => s.key.startsWith("flux:"))!;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives a Kustomization's objects to kustomize-controller, recreating on invalid applies only under force", () => {
    const settings = { applier: { id: "kubectl" as const, why: "--applier kubectl" } };
    const forcedUnit = applierOf(one(set, "ConfigMap", "platform-settings"), set, settings);
    expect(pick(forcedUnit)).toEqual({ id: "flux-kustomize", serverSideApply: true, recreatesOnInvalid: true, replaces: false });
    expect(forcedUnit.why).toBe("Kustomization flux-system/infrastructure, force enabled by its spec.force");
    const plain = applierOf(one(set, "ConfigMap", "sovereign-fqdn"), set, settings);
    expect(pick(plain)).toEqual({ id: "flux-kustomize", serverSideApply: true, recreatesOnInvalid: false, replaces: false });
    expect(plain.why).toBe("Kustomization flux-system/sovereign-tls");
    // the object's own label, compared case-insensitively as Flux does
    expect(applierOf(one(set, "ConfigMap", "forced"), set, settings).recreatesOnInvalid).toBe(true);
  });

  it("gives a HelmRelease's rendered chart to helm-controller with the release's apply method", () => {
    const api = applierOf(one(set, "Deployment", "platform-api"), set, {});
    expect(pick(api)).toEqual({ id: "flux-helm", serverSideApply: false, recreatesOnInvalid: false, replaces: false });
    expect(api.why).toBe("HelmRelease platform/platform");
  });
});

describe("choosing the applier", () => {
  it("accepts --applier and config applier, and names the allowed values when either is wrong", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-applier-config-"));
    try {
      writeFileSync(path.join(dir, "cm.yaml"), CONFIGMAP);
      writeFileSync(path.join(dir, ".gitops-lint.yaml"), "applier: helm3\n");
      expect((await runCli(["cm.yaml"], { cwd: dir })).code).toBe(0);
      expect((await runCli(["cm.yaml", "--applier", "argocd"], { cwd: dir })).code).toBe(0);

      const badFlag = await runCli(["cm.yaml", "--applier", "helm5"], { cwd: dir });
      expect(badFlag.code).toBe(2);
      expect(badFlag.stderr).toContain("flux-kustomize, flux-helm, helm3, helm4, argocd, kubectl, kubectl-server-side");

      writeFileSync(path.join(dir, ".gitops-lint.yaml"), "applier: helm5\n");
      const badConfig = await runCli(["cm.yaml"], { cwd: dir });
      expect(badConfig.code).toBe(2);
      expect(badConfig.stderr).toBe(
        "gitops-lint: .gitops-lint.yaml:1:1: invalid config: applier: unknown value \"helm5\"; did you mean \"helm3\"? (flux-kustomize, flux-helm, helm3, helm4, argocd, kubectl, kubectl-server-side)\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("force-annotation-ineffective under the applier the settings name", () => {
  const deployment =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  annotations:\n    kustomize.toolkit.fluxcd.io/force: \"true\"\n" +
    "spec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0\n";
  const messageUnder = async (args: string[]): Promise<string[]> => {
    const result = await runCli(["-", "-f", "json", ...args], { stdin: deployment });
    return (JSON.parse(result.stdout) as { findings: Array<{ ruleId: string; message: string }> }).findings.filter((f) => f.ruleId === "force-annotation-ineffective").map((f) => f.message);
  };

  it("says to write enabled where kustomize-controller may apply it, and to remove it where another tool does", async () => {
    const flux = 'Deployment "api": annotation kustomize.toolkit.fluxcd.io/force: "true" does nothing: Flux acts only on "enabled"; write enabled, or remove the annotation';
    expect(await messageUnder([])).toEqual([flux]); // no one named: kubectl is only the default guess
    expect(await messageUnder(["--applier", "flux-kustomize"])).toEqual([flux]);
    expect(await messageUnder(["--applier", "argocd"])).toEqual([
      'Deployment "api": annotation kustomize.toolkit.fluxcd.io/force: "true" does nothing: only Flux kustomize-controller reads it, and Argo CD applies this object (--applier argocd); remove the annotation',
    ]);
  });
});
