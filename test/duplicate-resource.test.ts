import { describe, expect, it } from "vitest";
import { lintJson, type JsonFinding } from "./support/cli.js";

const DIR = "fixtures/duplicate-resource";
const at = (f: JsonFinding): string => `${f.ruleId} ${f.object?.kind}/${f.object?.name} ${f.file}:${f.line}:${f.column} ${f.severity}`;
const of = (findings: JsonFinding[], id = "duplicate-resource"): JsonFinding[] => findings.filter((f) => f.ruleId === id);

describe("duplicate-resource: what each applier does with a second copy", () => {
  it("fails helm-controller's post-renderer, a hook and a template too under postRenderStrategy: combined", async () => {
    const findings = of((await lintJson([`${DIR}/flux-helmrelease/helmrelease.yaml`, `${DIR}/flux-helmrelease/rendered.yaml`])).findings);
    expect(findings.map(at)).toEqual([
      `duplicate-resource ConfigMap/shop-settings ${DIR}/flux-helmrelease/rendered.yaml:15:3 error`,
      `duplicate-resource ServiceAccount/shop ${DIR}/flux-helmrelease/rendered.yaml:30:3 error`,
    ]);
    expect(findings[0]!.message).toBe(
      `ConfigMap "shop-settings" is also rendered from shop/templates/configmap.yaml in the same Helm release (chart "shop" in ${DIR}/flux-helmrelease/rendered.yaml); ` +
        'Flux helm-controller\'s post-renderer fails: "error while running post render on files: may not add resource with an already registered id: ConfigMap.v1.[noGrp]/shop-settings.[noNs]"; render it once',
    );
    expect(findings[0]!.target).toMatchObject({ kind: "ConfigMap", name: "shop-settings" });
    expect(findings[1]!.message).toContain("(a hook and a regular template meet in one stream under postRenderStrategy: combined)");
    expect(findings[1]!.remediation).toContain("HelmRelease apps/shop (chart of the rendered output)");
  });

  it("lets a hook share a template's identity under postRenderStrategy: separate, but not another hook", async () => {
    const findings = of((await lintJson([`${DIR}/flux-helmrelease-separate/helmrelease.yaml`, `${DIR}/flux-helmrelease-separate/rendered.yaml`])).findings);
    expect(findings.map(at)).toEqual([
      `duplicate-resource ConfigMap/shop-settings ${DIR}/flux-helmrelease-separate/rendered.yaml:15:3 error`,
      `duplicate-resource Secret/shop-token ${DIR}/flux-helmrelease-separate/rendered.yaml:49:3 error`,
    ]);
    // the hooks' own stream: no "a hook and a regular template" clause
    expect(findings[1]!.message).toContain('post-renderer fails: "error while running post render on files: may not add resource with an already registered id: Secret.v1.[noGrp]/shop-token.[noNs]"');
  });

  it("leaves hooks out of the post-renderer under postRenderStrategy: nohooks, templates still meet", async () => {
    const findings = of((await lintJson([`${DIR}/flux-helmrelease-nohooks/helmrelease.yaml`, `${DIR}/flux-helmrelease-nohooks/rendered.yaml`])).findings);
    expect(findings.map(at)).toEqual([`duplicate-resource ConfigMap/shop-settings ${DIR}/flux-helmrelease-nohooks/rendered.yaml:15:3 error`]);
    expect(findings[0]!.message).toContain("Flux helm-controller's post-renderer fails:");
  });

  // Output of the "shop" chart: no namespace, "default" and "" are one namespace to kustomize, two namespaces are
  // not, and a cluster-scoped kind's namespace does not count.
  const namespaces =
    "---\n# Source: shop/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: \"1\"}\n" +
    "---\n# Source: shop/templates/b.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndata: {a: \"2\"}\n" +
    "---\n# Source: shop/templates/c.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: \"\"}\ndata: {a: \"3\"}\n" +
    "---\n# Source: shop/templates/one.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cache, namespace: one}\n" +
    "---\n# Source: shop/templates/two.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cache, namespace: two}\n" +
    "---\n# Source: shop/templates/clusterrole.yaml\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: []\n" +
    "---\n# Source: shop/charts/cart/templates/clusterrole.yaml\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader, namespace: apps}\nrules: []\n";
  const kustomizeIds = (findings: JsonFinding[]): string[] => findings.map((f) => `${at(f)} ${/registered id: ([^"]+)"/.exec(f.message)?.[1]}`);
  const namespaceFindings = [
    "duplicate-resource ConfigMap/settings <stdin>:11:12 error ConfigMap.v1.[noGrp]/settings.default",
    "duplicate-resource ConfigMap/settings <stdin>:17:12 error ConfigMap.v1.[noGrp]/settings.[noNs]",
    "duplicate-resource ClusterRole/reader <stdin>:39:12 error ClusterRole.v1.rbac.authorization.k8s.io/reader.apps",
  ];

  it("compares namespaces as kustomize does in helm-controller's post-renderer", async () => {
    const findings = of((await lintJson(["-", `${DIR}/flux-helmrelease/helmrelease.yaml`], { stdin: namespaces })).findings);
    expect(kustomizeIds(findings)).toEqual(namespaceFindings);
    expect(findings[0]!.message).toBe(
      'ConfigMap "default/settings" is also rendered from shop/templates/a.yaml in the same Helm release (chart "shop" in <stdin>); ' +
        'Flux helm-controller\'s post-renderer fails: "error while running post render on files: may not add resource with an already registered id: ConfigMap.v1.[noGrp]/settings.default"; render it once',
    );
  });

  it("compares namespaces as kustomize does in kustomize-controller's build, and says the build fails", async () => {
    const findings = of((await lintJson(["-", "--applier", "flux-kustomize"], { stdin: namespaces })).findings);
    expect(kustomizeIds(findings)).toEqual(namespaceFindings);
    expect(findings[0]!.message).toBe(
      'ConfigMap "default/settings" is also rendered from shop/templates/a.yaml in the same Helm release (chart "shop" in <stdin>); ' +
        'Flux kustomize-controller\'s kustomize build fails: "may not add resource with an already registered id: ConfigMap.v1.[noGrp]/settings.default"; render it once',
    );
    expect(findings[0]!.target).toMatchObject({ kind: "ConfigMap", name: "settings" });
  });

  it("names the resource as the API server does in Helm 3's already-exists error", async () => {
    const twice = (file: string, apiVersion: string, kind: string, name: string): string =>
      [`api/templates/${file}`, `api/charts/web/templates/${file}`].map((source) => `---\n# Source: ${source}\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: ${name}}\n`).join("");
    const stdin =
      twice("endpoints.yaml", "v1", "Endpoints", "db") +
      twice("ingress.yaml", "networking.k8s.io/v1", "Ingress", "api") +
      twice("networkpolicy.yaml", "networking.k8s.io/v1", "NetworkPolicy", "api") +
      twice("policyreport.yaml", "wgpolicyk8s.io/v1alpha2", "PolicyReport", "api");
    const findings = of((await lintJson(["-", "--applier", "helm3"], { stdin })).findings);
    expect(findings.map((f) => `${at(f)} ${/second copy: "(.+)" \(upgrades/.exec(f.message)?.[1]}`)).toEqual([
      'duplicate-resource Endpoints/db <stdin>:10:12 error endpoints "db" already exists',
      'duplicate-resource Ingress/api <stdin>:20:12 error ingresses "api" already exists',
      'duplicate-resource NetworkPolicy/api <stdin>:30:12 error networkpolicies "api" already exists',
      'duplicate-resource PolicyReport/api <stdin>:40:12 error policyreports "api" already exists',
    ]);
  });

  it("keeps generated names and the fields of the identity apart, and treats an empty namespace as none", async () => {
    const job = (file: string, metadata: string, image: string): string =>
      `---\n# Source: api/templates/${file}\napiVersion: batch/v1\nkind: Job\nmetadata: ${metadata}\nspec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: "${image}"}]}}}\n`;
    const configMap = (file: string, metadata: string, value: string): string =>
      `---\n# Source: api/${file}\napiVersion: v1\nkind: ConfigMap\nmetadata: ${metadata}\ndata: {a: "${value}"}\n`;
    const stdin =
      // a new name each time, whether name is absent or empty
      job("migrate.yaml", '{name: "", generateName: api-migrate-}', "m:1") +
      job("migrate-2.yaml", '{name: "", generateName: api-migrate-}', "m:2") +
      job("seed.yaml", "{generateName: api-seed-}", "m:1") +
      job("seed-2.yaml", "{generateName: api-seed-}", "m:2") +
      // "api" in "one" is not "apione" without a namespace
      configMap("templates/one.yaml", "{name: api, namespace: one}", "1") +
      configMap("templates/apione.yaml", "{name: apione}", "2") +
      // an empty namespace is the release namespace, as an absent one
      configMap("templates/config.yaml", "{name: api-config}", "1") +
      configMap("charts/web/templates/config.yaml", '{name: api-config, namespace: ""}', "2");
    const findings = of((await lintJson(["-"], { stdin })).findings);
    expect(findings.map(at)).toEqual(["duplicate-resource ConfigMap/api-config <stdin>:47:12 warning"]);
    expect(findings[0]!.message).toContain("is also rendered from api/templates/config.yaml in the same Helm release");
  });

  it("leaves a Flux Kustomization's duplicates to kustomize, which refuses the build as kustomize-controller does", async () => {
    // No namespace and "default" are one namespace to kustomize: the real build fails, and that is the finding.
    const k = "fixtures/render-failed/duplicate-resource-id";
    const report = await lintJson([`${k}/flux-ks.yaml`, `${k}/a-settings.yaml`, `${k}/b-settings.yaml`]);
    expect(of(report.findings)).toEqual([]);
    const failed = report.findings.filter((f) => f.ruleId === "render-failed");
    expect(failed.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity}`)).toEqual([`${k}/flux-ks.yaml:11:3 error`]);
    expect(failed[0]!.message).toContain("may not add resource with an already registered id: ConfigMap.v1.[noGrp]/settings.default");
  });

  it("warns under Helm 4 only when the copies differ, and errs under Helm 3's client-side install", async () => {
    const helm4 = of((await lintJson([`${DIR}/helm4-cli.yaml`])).findings);
    expect(helm4.map(at)).toEqual([`duplicate-resource ConfigMap/api-config ${DIR}/helm4-cli.yaml:16:3 warning`]);
    expect(helm4[0]!.message).toContain("Helm 4 (server-side apply) applies both and the last one silently wins");

    const helm3 = of((await lintJson([`${DIR}/helm3-install.yaml`, "--applier", "helm3"])).findings);
    expect(helm3.map(at)).toEqual([`duplicate-resource Service/api ${DIR}/helm3-install.yaml:16:3 error`]);
    expect(helm3[0]!.message).toContain('Helm 3 (client-side apply) fails the install on the second copy: "services "api" already exists"');
    // the same file under Helm 4: identical copies, no finding
    expect(of((await lintJson([`${DIR}/helm3-install.yaml`])).findings)).toEqual([]);
  });
});

describe("invalid-input: a duplicate key under Flux", () => {
  const rendered = (chart: string): string => `---\n# Source: ${chart}/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${chart}\ndata:\n  a: "1"\n  a: "2"\n`;

  it("says that helm-controller's post-renderer rejects it, for output of a HelmRelease's chart", async () => {
    const { findings } = await lintJson(["-", `${DIR}/flux-helmrelease/helmrelease.yaml`], { stdin: rendered("shop") });
    const found = of(findings, "invalid-input");
    expect(found.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity}`)).toEqual(["<stdin>:9:3 error"]);
    expect(found[0]!.message).toBe(
      'ConfigMap "shop": duplicate key "a": Flux helm-controller\'s post-renderer, which every HelmRelease runs, fails the release on it ("mapping key "a" already defined"); remove one (the last one is linted)',
    );
  });

  it("keeps the general message for other appliers", async () => {
    const found = of((await lintJson(["-"], { stdin: rendered("api") })).findings, "invalid-input");
    expect(found[0]!.message).toBe('ConfigMap "api": duplicate key "a" is rejected by strict field validation, and tools disagree on which copy wins; remove one (the last one is linted)');
  });

  it("says the copies are equal when they are, instead of that tools disagree", async () => {
    // A template that includes both the selector labels and the common labels writes the same label twice.
    const stdin =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\n  labels:\n    app.kubernetes.io/name: api\n    app.kubernetes.io/instance: api\n    app.kubernetes.io/name: api\n" +
      'data:\n  a: "1"\n  a: "1"\n  a: "1"\n  b: "1"\n  b: 1\n';
    const found = of((await lintJson(["-"], { stdin })).findings, "invalid-input");
    expect(found.map((f) => [f.line, f.column, f.message])).toEqual([
      [8, 5, 'ConfigMap "api": duplicate key "app.kubernetes.io/name" is rejected by strict field validation, though both copies have the same value; remove one'],
      [11, 3, 'ConfigMap "api": duplicate key "a" is rejected by strict field validation, though all 3 copies have the same value; remove all but one'],
      [12, 3, 'ConfigMap "api": duplicate key "a" is rejected by strict field validation, though all 3 copies have the same value; remove all but one'],
      // a string and a number differ
      [14, 3, 'ConfigMap "api": duplicate key "b" is rejected by strict field validation, and tools disagree on which copy wins; remove one (the last one is linted)'],
    ]);
  });

  it("says that kustomize-controller's build rejects it, for a Kustomization's file", async () => {
    const found = of((await lintJson(["-", "--applier", "flux-kustomize"], { stdin: rendered("api") })).findings, "invalid-input");
    expect(found[0]!.message).toContain("Flux kustomize-controller's kustomize build fails the whole Kustomization on it");
  });
});
