import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readInputs } from "../src/cli/read-inputs.js";
import { defaultRenderOptions } from "../src/render/context.js";
import { getPath } from "../src/util/json.js";
import type { K8sObject } from "../src/model/objects.js";
import { lintJson, runCli, type JsonFinding } from "./support/cli.js";
import { TOOL_ENV } from "./support/helm.js";

// What the cluster gets, with real helm and real kustomize (kubectl), on repositories written here in the
// shapes of real Flux monorepos: each Flux transform, each reason something is not rendered, and --base over
// renders. Every repository is a Git work tree, so paths resolve from its root as Flux's do.

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const GIT = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.invalid", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.invalid" };
const git = (dir: string, ...args: string[]): string => execFileSync("git", args, { cwd: dir, encoding: "utf8", env: GIT }).trim();

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

/** A Git repository holding `files`, committed on main. */
function repository(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-flux-"));
  dirs.push(dir);
  git(dir, "init", "-q", "-b", "main");
  write(dir, files);
  commit(dir, "initial");
  return dir;
}

function commit(dir: string, message: string): string {
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", message);
  return git(dir, "rev-parse", "HEAD");
}

async function objects(dir: string, args: string[]): Promise<K8sObject[]> {
  const read = await readInputs(args, { cwd: dir, stdinName: "<stdin>", readStdin: async () => Buffer.alloc(0), env: { ...process.env, ...TOOL_ENV }, render: defaultRenderOptions() });
  return read.sets.flatMap((s) => s.objects);
}

const only = (list: K8sObject[], kind: string, name: string): K8sObject => {
  const found = list.filter((o) => o.kind === kind && o.name === name);
  expect(found.map((o) => `${o.kind}/${o.name}`)).toEqual([`${kind}/${name}`]);
  return found[0]!;
};
const at = (f: JsonFinding): string => `${f.ruleId} ${f.object ? `${f.object.kind}/${f.object.namespace ? `${f.object.namespace}/` : ""}${f.object.name} ` : ""}${f.file}:${f.line}:${f.column} ${f.severity}`;
const of = (findings: JsonFinding[], ruleId: string): string[] => findings.filter((f) => f.ruleId === ruleId).map(at);

const kustomization = (name: string, specPath: string, extra = ""): string =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n` +
  `  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  path: ${specPath}\n  prune: true\n${extra}`;
const deployment = (name: string, extra = ""): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 1\n${extra}  selector:\n    matchLabels: {app: ${name}}\n` +
  `  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n        - name: ${name}\n          image: registry.example.com/${name}:1.0.0\n`;
const CHART = {
  "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.2.3\n",
  "charts/web/values.yaml": "strategy: RollingUpdate\nmode: default\n",
  "charts/web/templates/deployment.yaml":
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n  strategy:\n    type: {{ .Values.strategy }}\n" +
    "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n" +
    "          image: web:1\n          env:\n            - name: MODE\n              value: {{ .Values.mode | quote }}\n",
};

describe("Flux Kustomization transforms, in Flux's order", () => {
  it("applies targetNamespace, namePrefix/nameSuffix, patches, images and components to what it builds", async () => {
    const dir = repository({
      "clusters/prod/apps.yaml": kustomization(
        "apps",
        "./apps",
        "  targetNamespace: team\n  namePrefix: prod-\n  nameSuffix: -v2\n  components: [../components/extra]\n" +
          "  images:\n    - name: registry.example.com/api\n      newTag: 2.0.0\n" +
          "  patches:\n    - target: {kind: Deployment, name: api}\n      patch: |\n        - op: add\n          path: /spec/strategy\n          value: {type: Recreate}\n",
      ),
      "apps/kustomization.yaml": "resources: [deployment.yaml]\n",
      "apps/deployment.yaml": deployment("api"),
      "components/extra/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [extra.yaml]\n",
      "components/extra/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata: {a: b}\n",
    });
    const all = await objects(dir, ["clusters/prod"]);
    const api = only(all, "Deployment", "prod-api-v2");
    expect(api.namespace).toBe("team");
    expect(getPath(api.body, ["spec", "template", "spec", "containers", 0, "image"])).toBe("registry.example.com/api:2.0.0");
    expect(api.source.unit).toBe("Kustomization flux-system/apps");
    expect(api.source.origin?.file).toBe("apps/deployment.yaml");
    expect(only(all, "ConfigMap", "prod-extra-v2").namespace).toBe("team");
    // A Recreate introduced by the Kustomization's patch is linted: Flux applies it with server-side apply.
    const report = await lintJson(["clusters/prod"], { cwd: dir });
    expect(of(report.findings, "strategy-flip-without-force")).toEqual([expect.stringMatching(/^strategy-flip-without-force Deployment\/team\/prod-api-v2 apps\/deployment\.yaml:\d+:\d+ /)]);
  });

  it("leaves out of a generated kustomization what .sourceignore and the GitRepository's spec.ignore leave out", async () => {
    const dir = repository({
      "clusters/prod/apps.yaml": [
        kustomization("apps", "./apps"),
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  url: https://github.com/example/fleet\n  ignore: |\n    *.skip.yaml\n",
      ].join("---\n"),
      ".sourceignore": "apps/drafts/\n",
      "apps/web.yaml": deployment("web"),
      "apps/old.skip.yaml": deployment("old"),
      "apps/drafts/wip.yaml": deployment("wip"),
    });
    const built = (await objects(dir, ["clusters/prod"])).filter((o) => o.kind === "Deployment" && o.source.unit !== undefined);
    expect(built.map((o) => o.name)).toEqual(["web"]);
  });

  it("substitutes post-build variables as kustomize-controller does: values, defaults, escapes, substituteFrom, the opt-out", async () => {
    const dir = repository({
      "clusters/prod/apps.yaml":
        kustomization("apps", "./apps", "  postBuild:\n    substitute:\n      REPLICAS: \"3\"\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n") +
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-vars\n  namespace: flux-system\ndata:\n  FQDN: omani.works\n",
      "apps/settings.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  fqdn: console.${FQDN}\n  region: ${REGION:=eu}\n  script: echo $${HOME}\n---\n" +
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dashboards\n  annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}\ndata:\n  panel: ${DS_PROMETHEUS}\n",
      "apps/deployment.yaml": deployment("api").replace("replicas: 1", "replicas: ${REPLICAS}"),
    });
    const all = await objects(dir, ["clusters/prod"]);
    expect(only(all, "ConfigMap", "settings").body.data).toEqual({ fqdn: "console.omani.works", region: "eu", script: "echo ${HOME}" });
    expect(only(all, "ConfigMap", "dashboards").body.data).toEqual({ panel: "${DS_PROMETHEUS}" });
    // Substituted into the YAML text, so an unquoted number becomes a number, as in Flux.
    expect(getPath(only(all, "Deployment", "api").body, ["spec", "replicas"])).toBe(3);
    expect((await lintJson(["clusters/prod"], { cwd: dir })).findings.filter((f) => f.ruleId === "postbuild-variable-unset")).toEqual([]);
  });

  it("does not substitute without spec.postBuild, and leaves variables of a source it cannot read as written", async () => {
    const dir = repository({
      "clusters/prod/apps.yaml":
        kustomization("plain", "./plain") + "---\n" + kustomization("secret-vars", "./secret", "  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: not-in-git\n"),
      "plain/settings.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  region: ${REGION:=eu}\n",
      "secret/settings.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: secret-backed\ndata:\n  token: ${TOKEN}\n",
    });
    const all = await objects(dir, ["clusters/prod"]);
    expect(only(all, "ConfigMap", "plain").body.data).toEqual({ region: "${REGION:=eu}" });
    expect(only(all, "ConfigMap", "secret-backed").body.data).toEqual({ token: "${TOKEN}" });
    expect((await lintJson(["clusters/prod"], { cwd: dir })).findings.filter((f) => f.ruleId === "postbuild-variable-unset")).toEqual([]);
  });
});

describe("HelmRelease rendering, as helm-controller renders", () => {
  const release = (extra: string): string =>
    "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  interval: 10m\n" +
    "  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef: {kind: GitRepository, name: flux-system}\n" + extra;

  it("merges valuesFrom in order, then values; uses releaseName and targetNamespace; runs the post-renderers", async () => {
    const dir = repository({
      ...CHART,
      "clusters/prod/web.yaml":
        release(
          "  releaseName: storefront\n  targetNamespace: shop\n" +
            "  valuesFrom:\n    - kind: ConfigMap\n      name: web-values\n    - kind: ConfigMap\n      name: web-mode\n      valuesKey: mode\n      targetPath: mode\n" +
            "  values:\n    strategy: RollingUpdate\n" +
            "  postRenderers:\n    - kustomize:\n        patches:\n          - target: {kind: Deployment}\n            patch: |\n              - op: replace\n                path: /spec/strategy/type\n                value: Recreate\n",
        ) +
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-values\n  namespace: flux-system\ndata:\n  values.yaml: |\n    strategy: OnDelete\n    mode: from-values-file\n" +
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-mode\n  namespace: flux-system\ndata:\n  mode: from-target-path\n",
    });
    const all = await objects(dir, ["clusters/prod"]);
    const web = only(all, "Deployment", "storefront-web");
    expect(web.source.defaultNamespace).toBe("shop");
    expect(getPath(web.body, ["spec", "template", "spec", "containers", 0, "env", 0, "value"])).toBe("from-target-path");
    expect(getPath(web.body, ["spec", "strategy", "type"])).toBe("Recreate"); // the post-renderer's, over values' RollingUpdate
    // The post-rendered object still maps to its template line.
    const report = await lintJson(["clusters/prod"], { cwd: dir });
    expect(of(report.findings, "strategy-flip-without-force")).toEqual([expect.stringMatching(/ charts\/web\/templates\/deployment\.yaml:7:\d+ /)]);
  });

  it("renders a registry chart from the repository's chart of that name and version, and says so", async () => {
    const dir = repository({
      ...CHART,
      "clusters/prod/web.yaml":
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  interval: 10m\n" +
        "  chart:\n    spec:\n      chart: web\n      version: 1.2.x\n      sourceRef: {kind: HelmRepository, name: charts}\n---\n" +
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n  namespace: flux-system\nspec:\n  type: oci\n  url: oci://ghcr.io/example\n",
    });
    const report = await lintJson(["clusters/prod"], { cwd: dir });
    expect(report.summary.objects).toBe(3);
    const note = "HelmRelease flux-system/web: rendered from charts/web (the repository's chart web 1.2.3, matching web 1.2.x from HelmRepository flux-system/charts)";
    expect(report.notes).toEqual([note]);
    // a second cluster that renders the same release alike: said once
    write(dir, { "clusters/staging/web.yaml": readFileSync(path.join(dir, "clusters/prod/web.yaml"), "utf8") });
    expect((await lintJson(["clusters/prod", "clusters/staging"], { cwd: dir })).notes).toEqual([note]);
  });
});

describe("everything not rendered is said, with the reason", () => {
  it("says a release rendered without its valuesFrom values, and fails one whose targetPath Helm cannot set", async () => {
    const release = (valuesFrom: string): string =>
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  interval: 10m\n" +
      `  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef: {kind: GitRepository, name: flux-system}\n  valuesFrom:\n${valuesFrom}`;
    const dir = repository({ ...CHART, "clusters/prod/web.yaml": release("    - {kind: ConfigMap, name: web-values}\n") });
    // nothing else is wrong with the render: without the notice this run would print a check mark
    expect((await lintJson(["clusters/prod"], { cwd: dir })).findings.map(at)).toEqual(["render-incomplete HelmRelease/flux-system/web clusters/prod/web.yaml:12:3 info"]);
    // `mode` is a string in the release's values: `mode.level` cannot be set, as helm-controller finds
    write(dir, {
      "clusters/prod/web.yaml":
        release("    - {kind: ConfigMap, name: web-values, valuesKey: level, targetPath: mode.level}\n  values: {mode: quiet}\n") +
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-values\n  namespace: flux-system\ndata:\n  level: high\n",
    });
    const failed = (await lintJson(["clusters/prod"], { cwd: dir })).findings.filter((f) => f.ruleId === "render-failed");
    expect(failed.map((f) => [at(f), f.message])).toEqual([
      [
        "render-failed HelmRelease/flux-system/web clusters/prod/web.yaml:13:61 error",
        'HelmRelease "flux-system/web": ConfigMap/web-values key level: Helm cannot set its targetPath mode.level in these values; helm-controller fails the release on it',
      ],
    ]);
  });

  it("reports each unit it cannot render or build, counts it, and prints no check mark", async () => {
    const dir = repository({
      ...CHART,
      "clusters/prod/units.yaml": [
        kustomization("typo", "./app"),
        kustomization("from-oci", "./manifests").replace("kind: GitRepository", "kind: OCIRepository"),
        kustomization("elsewhere", "./apps").replace("name: flux-system\n  path", "name: tenants\n  path"),
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: tenants\n  namespace: flux-system\nspec:\n  url: https://github.com/example/tenants\n",
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n  chart:\n    spec:\n      chart: podinfo\n      sourceRef: {kind: HelmRepository, name: podinfo}\n",
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: lost\n  namespace: flux-system\nspec:\n  chart:\n    spec:\n      chart: ./charts/wbe\n      sourceRef: {kind: GitRepository, name: flux-system}\n",
      ].join("---\n"),
    });
    git(dir, "remote", "add", "origin", "git@github.com:example/fleet.git");
    const report = await lintJson(["clusters/prod"], { cwd: dir });
    const said = report.findings.filter((f) => ["not-rendered", "render-failed"].includes(f.ruleId)).map((f) => `${f.ruleId} ${f.object!.name} ${f.severity}: ${f.message}`);
    expect(said).toEqual([
      expect.stringMatching(/^render-failed typo error: Kustomization "flux-system\/typo": kustomization path not found: \.\/app is not a directory of the repository/),
      expect.stringMatching(/^not-rendered from-oci info: .*its source OCIRepository flux-system\/flux-system is not in this repository/),
      expect.stringMatching(/^not-rendered elsewhere info: .*its source GitRepository flux-system\/tenants is https:\/\/github\.com\/example\/tenants, not this repository/),
      expect.stringMatching(/^not-rendered podinfo info: .*its chart podinfo comes from HelmRepository flux-system\/podinfo and no chart named podinfo is in this repository; map it/),
      expect.stringMatching(/^render-failed lost error: .*chart path not found: \.\/charts\/wbe holds no Chart\.yaml/),
    ]);
    expect(report.summary.notRendered).toBe(5);
    const stylish = await runCli(["clusters/prod", "--rule", "render-failed=info"], { cwd: dir });
    expect(stylish.code).toBe(0);
    expect(stylish.stdout).toMatch(/✖ 5 problems \(0 errors, 0 warnings, 5 info\) — \d+ objects? in \d+ files?, 5 not rendered/);
    expect(stylish.stdout).not.toContain("✔");
    // Turning the notice off hides the findings, never the count, and still no check mark.
    write(dir, { "clusters/prod/units.yaml": "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n  chart:\n    spec:\n      chart: podinfo\n      sourceRef: {kind: HelmRepository, name: podinfo}\n" });
    const quiet = await runCli(["clusters/prod", "--rule", "not-rendered=off"], { cwd: dir });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe("no problems in what was linted, but not everything was (1 object in 1 file, 1 not rendered)\n");
  });

  it("builds a GitRepository of this repository only from a branch this checkout stands for", async () => {
    const source = (name: string, branch: string): string =>
      `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  url: https://github.com/example/fleet\n  ref:\n    branch: ${branch}\n`;
    const dir = repository({
      "clusters/prod/units.yaml": [
        source("flux-system", "production"),
        source("team", "team-a"),
        source("release", "release-2"),
        kustomization("apps", "./apps"),
        kustomization("team", "./team").replace("name: flux-system\n  path", "name: team\n  path"),
        kustomization("release", "./apps").replace("name: flux-system\n  path", "name: release\n  path"),
      ].join("---\n"),
      "apps/web.yaml": deployment("web"),
    });
    git(dir, "remote", "add", "origin", "git@github.com:example/fleet.git");
    const notBuilt = (report: { findings: JsonFinding[] }): string[] => report.findings.filter((f) => f.ruleId === "not-rendered" || f.ruleId === "render-failed").map((f) => `${f.ruleId} ${f.object!.name}: ${f.message}`);
    // the cluster's own sync follows production; main is checked out; team-a and release-2 are other content
    expect(notBuilt(await lintJson(["clusters/prod"], { cwd: dir }))).toEqual([
      'not-rendered team: Kustomization "flux-system/team" was not built: its source GitRepository flux-system/team is branch team-a of this repository, not this checkout (which stands for main, master, production); its objects were not linted',
      'not-rendered release: Kustomization "flux-system/release" was not built: its source GitRepository flux-system/release is branch release-2 of this repository, not this checkout (which stands for main, master, production); its objects were not linted',
    ]);
    // a pull request into release-2 stands for that branch
    expect(notBuilt(await lintJson(["clusters/prod"], { cwd: dir, env: { GITHUB_BASE_REF: "release-2" } })).map((l) => l.split(":")[0])).toEqual(["not-rendered team"]);
  });

  it("follows an ExternalArtifact to the ArtifactGenerator that copies it from this repository", async () => {
    const dir = repository({
      "clusters/prod/apps.yaml":
        kustomization("apps", "./production").replace("kind: GitRepository\n    name: flux-system", "kind: ExternalArtifact\n    name: apps") +
        "---\napiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n" +
        "  sources:\n    - {alias: monorepo, kind: GitRepository, name: flux-system}\n  artifacts:\n    - name: apps\n      copy:\n" +
        "        - {from: \"@monorepo/apps/base/**\", to: \"@artifact/base/\"}\n        - {from: \"@monorepo/apps/production/**\", to: \"@artifact/production/\"}\n",
      "apps/base/kustomization.yaml": "resources: [deployment.yaml]\n",
      "apps/base/deployment.yaml": deployment("api"),
      "apps/production/kustomization.yaml": "resources: [../base]\nnamePrefix: prod-\n",
    });
    const all = await objects(dir, ["clusters/prod"]);
    const api = only(all, "Deployment", "prod-api");
    expect(api.source.origin?.file).toBe("apps/base/deployment.yaml");
  });

  it("reports an object Helm drops for an unknown hook event at the template line that names it", async () => {
    const dir = repository({
      ...CHART,
      "charts/web/templates/hook.yaml":
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-instal\nspec:\n  template:\n    spec:\n" +
        "      restartPolicy: Never\n      containers:\n        - {name: m, image: m:1}\n",
    });
    const report = await lintJson(["charts/web"], { cwd: dir });
    expect(of(report.findings, "hook-annotation-invalid")).toEqual(["hook-annotation-invalid charts/web/templates/hook.yaml:6:5 error"]);
    expect(report.findings.find((f) => f.ruleId === "hook-annotation-invalid")!.message).toContain('helm.sh/hook "pre-instal" names an event Helm does not know: Helm skips the whole object');
  });
});

describe("one set per cluster", () => {
  it("never lets one cluster's ConfigMap satisfy another cluster's workload", async () => {
    const sync = (cluster: string): string => kustomization("flux-system", `./clusters/${cluster}`);
    const optional = deployment("api").replace(
      "          image: registry.example.com/api:1.0.0\n",
      "          image: registry.example.com/api:1.0.0\n          env:\n            - name: FQDN\n              valueFrom:\n                configMapKeyRef: {name: fqdn, key: fqdn, optional: true}\n",
    );
    const dir = repository({
      "clusters/a/flux-system/gotk-sync.yaml": sync("a"),
      "clusters/a/api.yaml": optional.replace("name: api\nspec", "name: api\n  namespace: apps\nspec"),
      "clusters/b/flux-system/gotk-sync.yaml": sync("b"),
      "clusters/b/fqdn.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fqdn\n  namespace: apps\ndata:\n  fqdn: b.example.com\n",
    });
    const report = await lintJson(["clusters"], { cwd: dir });
    expect(of(report.findings, "optional-ref-without-reload")).toEqual([expect.stringMatching(/^optional-ref-without-reload Deployment\/apps\/api clusters\/a\/api\.yaml:/)]);
  });

  // Without Flux roots in the repository (flux bootstrap writes them on the cluster; fluxcd/flux2-multi-tenancy
  // keeps a placeholder), the directories that define the same Flux object twice are the clusters.
  const clusterFiles = (cluster: string, domain: string): Record<string, string> => ({
    [`clusters/${cluster}/infra.yaml`]: [
      kustomization("infra", "./infrastructure", "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n"),
      kustomization("policies", "./policies"),
    ].join("---\n"),
    [`clusters/${cluster}/vars.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-vars\n  namespace: flux-system\ndata:\n  domain: ${domain}\n`,
  });
  const SHARED = {
    "infrastructure/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - issuer.yaml\n",
    "infrastructure/issuer.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: issuer\n  namespace: infra\ndata:\n  host: ${domain}\n",
    "policies/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - policy.yaml\n",
    "policies/policy.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: policy\n  namespace: infra\ndata:\n  level: strict\n",
  };
  const twoClustersWithoutRoots = (): string => repository({ ...clusterFiles("production", "prod.example.com"), ...clusterFiles("staging", "staging.example.com"), ...SHARED });

  it("tells apart clusters without a Flux root by the directories that define the same Kustomization", async () => {
    const dir = twoClustersWithoutRoots();
    const report = await lintJson(["."], { cwd: dir });
    // each cluster's build once, in a set of its own: no resource is defined twice in Kustomization flux-system/infra
    expect(of(report.findings, "duplicate-resource")).toEqual([]);
    expect(report.findings.filter((f) => f.severity === "error").map(at)).toEqual([]);
    expect(report.notes).toEqual([
      "clusters/production, clusters/staging define the same Flux objects (Kustomization flux-system/infra, Kustomization flux-system/policies) and no Flux root says which cluster applies which: each was linted as a cluster of its own",
    ]);
    // from inside one of them, with the other reached through ..
    const inside = await lintJson([".."], { cwd: path.join(dir, "clusters", "production") });
    expect(of(inside.findings, "duplicate-resource")).toEqual([]);
    expect(inside.notes).toEqual([expect.stringMatching(/^\., \.\.\/staging define the same Flux objects/)]);
  });

  it("compares each cluster with the base revision when the change adds a cluster directory beside it", async () => {
    const web = (selector: string): string => deployment("web").replace("name: web\nspec", "name: web\n  namespace: infra\nspec").replaceAll("app: web}", `app: ${selector}}`);
    const dir = repository({ ...clusterFiles("production", "prod.example.com"), ...SHARED, "infrastructure/kustomization.yaml": SHARED["infrastructure/kustomization.yaml"] + "  - web.yaml\n", "infrastructure/web.yaml": web("web") });
    write(dir, { ...clusterFiles("staging", "staging.example.com"), "infrastructure/web.yaml": web("web-v2") });
    commit(dir, "staging, and a new selector");
    const report = await lintJson([".", "--base", "HEAD~1"], { cwd: dir });
    expect(of(report.findings, "immutable-field-changed")).toEqual([expect.stringMatching(/^immutable-field-changed Deployment\/infra\/web infrastructure\/web\.yaml:\d+:\d+ error$/)]);
  });

  it("builds each such cluster's Kustomization with that cluster's own post-build variables", async () => {
    const dir = twoClustersWithoutRoots();
    const hosts = (await objects(dir, ["."])).filter((o) => o.kind === "ConfigMap" && o.name === "issuer").map((o) => getPath(o.body, ["data", "host"]));
    expect(hosts.sort()).toEqual(["prod.example.com", "staging.example.com"]);
  });

  it("counts a unit both clusters reach and neither can build once, as it reports it", async () => {
    const dir = twoClustersWithoutRoots();
    write(dir, {
      "infrastructure/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - issuer.yaml\n  - vendor.yaml\n",
      "infrastructure/vendor.yaml": kustomization("vendor", "./", "").replace("kind: GitRepository\n    name: flux-system", "kind: OCIRepository\n    name: vendor"),
    });
    const report = await lintJson(["."], { cwd: dir });
    expect(of(report.findings, "not-rendered")).toEqual(["not-rendered Kustomization/flux-system/vendor infrastructure/vendor.yaml:8:3 info"]);
    expect(report.summary.notRendered).toBe(1);
  });
});

describe("--base over renders: objects compared by identity, whatever file they came from", () => {
  const flip = (f: JsonFinding): boolean => f.ruleId === "strategy-flip-without-force" && f.severity === "error";

  it("a chart directory: the template that flips the strategy", async () => {
    const dir = repository(CHART);
    write(dir, { "charts/web/values.yaml": "strategy: Recreate\nmode: default\n" });
    commit(dir, "flip");
    const report = await lintJson(["charts/web", "--base", "HEAD~1"], { cwd: dir });
    expect(report.findings.filter(flip).map(at)).toEqual([expect.stringMatching(/ charts\/web\/templates\/deployment\.yaml:7:\d+ error$/)]);
  });

  it("an overlay, a Flux Kustomization and a HelmRelease, with a file renamed on the way", async () => {
    const dir = repository({
      ...CHART,
      "clusters/prod/flux-system/gotk-sync.yaml": kustomization("flux-system", "./clusters/prod"),
      "clusters/prod/apps.yaml": kustomization("apps", "./apps/prod"),
      "clusters/prod/web.yaml":
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  interval: 10m\n" +
        "  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef: {kind: GitRepository, name: flux-system}\n  values:\n    strategy: RollingUpdate\n",
      "apps/base/kustomization.yaml": "resources: [api.yaml]\n",
      "apps/base/api.yaml": deployment("api"),
      "apps/prod/kustomization.yaml": "resources: [../base]\n",
    });
    // The change: the overlay flips api (and the base file is renamed), the HelmRelease flips web.
    renameSync(path.join(dir, "apps/base/api.yaml"), path.join(dir, "apps/base/api-deployment.yaml"));
    write(dir, {
      "apps/base/kustomization.yaml": "resources: [api-deployment.yaml]\n",
      "apps/prod/kustomization.yaml": "resources: [../base]\npatches:\n  - target: {kind: Deployment, name: api}\n    patch: |\n      - op: add\n        path: /spec/strategy\n        value: {type: Recreate}\n",
    });
    write(dir, { "clusters/prod/web.yaml": readFileSync(path.join(dir, "clusters/prod/web.yaml"), "utf8").replace("strategy: RollingUpdate", "strategy: Recreate") });
    commit(dir, "flip both");
    const report = await lintJson(["clusters/prod", "--base", "HEAD~1"], { cwd: dir });
    expect(report.findings.filter(flip).map((f) => `${f.object!.name} ${f.file}`).sort()).toEqual(["api apps/base/api-deployment.yaml", "web-web charts/web/templates/deployment.yaml"]);
    expect(report.findings.filter((f) => f.ruleId === "base-unavailable")).toEqual([]);
    // The same without --base: the flips are only suspected.
    expect((await lintJson(["clusters/prod"], { cwd: dir })).findings.filter(flip)).toEqual([]);
  });
});

describe("--base auto", () => {
  function flippedRepository(): string {
    const dir = repository({ "apps/api.yaml": deployment("api") });
    git(dir, "update-ref", "refs/remotes/origin/main", "HEAD");
    git(dir, "checkout", "-q", "-b", "feature");
    write(dir, { "apps/api.yaml": deployment("api", "  strategy:\n    type: Recreate\n") });
    return dir;
  }
  const flips = (findings: JsonFinding[]): string[] => findings.filter((f) => f.ruleId === "strategy-flip-without-force").map((f) => f.severity);
  // Plain manifests default to client-side kubectl apply, under which the flip is harmless: these name Flux.
  const FLUX = ["--applier", "flux-kustomize"];

  it("compares a GitHub Actions pull request with the merge base of its base branch", async () => {
    const dir = flippedRepository();
    commit(dir, "flip");
    const env = { GITHUB_ACTIONS: "true", GITHUB_BASE_REF: "main", GITHUB_EVENT_NAME: "pull_request" };
    expect(flips((await lintJson(["apps", "--base", "auto", ...FLUX], { cwd: dir, env })).findings)).toEqual(["error"]);
    // A base branch the clone does not have (a shallow checkout): linted without it (the flip is then only possible), and said.
    const shallow = await lintJson(["apps", "--base", "auto", ...FLUX], { cwd: dir, env: { ...env, GITHUB_BASE_REF: "release" } });
    expect(flips(shallow.findings)).toEqual(["info"]);
    expect(shallow.findings.find((f) => f.ruleId === "base-unavailable")!.message).toContain("origin/release is not in this clone; check out with fetch-depth: 0");
  });

  it("compares the staged change with HEAD under pre-commit", async () => {
    const dir = flippedRepository();
    git(dir, "add", "-A"); // staged, not committed: what pre-commit checks
    expect(flips((await lintJson(["apps/api.yaml", "--base", "auto", ...FLUX], { cwd: dir, env: { PRE_COMMIT: "1" } })).findings)).toEqual(["error"]);
  });
});
