import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readInputs } from "../src/cli/read-inputs.js";
import { lintSets } from "../src/cli/lint-sets.js";
import { defineRule } from "../src/engine/rule.js";
import { availableBefore } from "../src/model/apply-unit.js";
import { getPath } from "../src/util/json.js";
import { ManifestSet } from "../src/model/manifest-set.js";
import type { K8sObject } from "../src/model/objects.js";
import { defaultRenderOptions, type RenderOptions } from "../src/render/context.js";
import { lintJson, REPO, spawnCli, type JsonFinding } from "./support/cli.js";
import { ensureHelm } from "./support/helm.js";

// Rendering runs real processes; a busy machine must not time the tests out.
vi.setConfig({ testTimeout: 60_000 });

// Rendering runs real tools: Helm v4 from the npm registry (ensureHelm) and the kubectl on PATH.
const FIXTURES = "test/fixtures/render";
const FLEET = `${FIXTURES}/fleet`;
let helm = "";

beforeAll(() => {
  helm = ensureHelm();
}, 180_000);

/** Everything read, in one set (the run lints each cluster's set apart; these tests look at objects and units). */
async function read(args: string[], render: Partial<RenderOptions> = {}, cwd = REPO, env: NodeJS.ProcessEnv = process.env): Promise<ManifestSet> {
  const result = await readInputs(args, {
    cwd,
    stdinName: "<stdin>",
    readStdin: async () => Buffer.from(""),
    env,
    render: { ...defaultRenderOptions(), helm, ...render },
  });
  const all = new ManifestSet();
  for (const set of result.sets) {
    for (const file of set.reads) all.add(file);
    all.addProblems(set.problems.filter((p) => !set.reads.some((r) => r.problems.includes(p))));
  }
  return all;
}

function one(set: ManifestSet, kind: string, name: string): K8sObject {
  const found = set.objects.filter((o) => o.kind === kind && o.name === name);
  expect(found.map((o) => `${o.kind}/${o.name}`)).toEqual([`${kind}/${name}`]);
  return found[0]!;
}

/** Findings about the input itself: a template read raw, or anything that could not be rendered or read. */
const inputFindings = (findings: JsonFinding[]): JsonFinding[] => findings.filter((f) => f.ruleId === "invalid-input" || f.ruleId === "unrendered-template");

/** A chart written to a temporary directory for `run`, removed afterwards. */
async function inTempChart(files: Record<string, string>, run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-chart-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    await run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A chart that needs `common` 0.1.3 from a registry, which is never vendored here. */
const NEEDS_COMMON = "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: common\n    version: 0.1.3\n    repository: oci://registry.example.com/charts\n";
const COMMON_LEFT_OUT =
  "; it was rendered without its dependencies common 0.1.3 (oci://registry.example.com/charts) (not vendored in charts/, not in this repository at those versions), which its templates may need: " +
  "run `helm dependency build .` (or pass --dependency-update with registry access) and lint again";

describe("chart directories", () => {
  it("renders a chart with helm template instead of reading its templates", async () => {
    const report = await lintJson([`${FLEET}/charts/platform`, "--helm", helm]);
    expect(inputFindings(report.findings)).toEqual([]);
    expect(report.summary.objects).toBe(2);
  });

  it("marks rendered documents with their chart directory and template, and applies --set, --values, release name and namespace", async () => {
    const set = await read([`${FLEET}/charts/platform`], { set: ["replicaCount=4"], releaseName: "edge", namespace: "edge-ns", values: [`${FIXTURES}/platform-values.yaml`] });
    const api = one(set, "Deployment", "edge-api");
    expect(api.source.chartDir).toBe(`${FLEET}/charts/platform`);
    expect(api.source.helmSource).toBe("platform/templates/api.yaml");
    expect(getPath(api.body, ["spec", "replicas"])).toBe(4);
    expect(getPath(api.body, ["spec", "template", "spec", "containers", 0, "image"])).toBe("ghcr.io/acme/api:2.0.0");
    expect(api.source.unit).toBeUndefined();
  });

  it("walking a directory renders the charts in it and never reads their templates raw", async () => {
    const report = await lintJson([`${FLEET}/charts`, "--helm", helm]);
    expect(report.findings.filter((f) => f.ruleId === "unrendered-template")).toEqual([]);
    expect(report.summary.objects).toBe(2);
  });

  it("passes paths to helm as arguments, never through a shell", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-chart-"));
    try {
      const odd = path.join(dir, "a chart; touch pwned $(id)");
      cpSync(path.join(REPO, FLEET, "charts/platform"), odd, { recursive: true });
      const report = await lintJson([path.basename(odd), "--helm", helm, "--set", "image=x; echo $(id)"], { cwd: dir });
      expect(inputFindings(report.findings)).toEqual([]);
      expect(report.summary.objects).toBe(2);
      expect(existsSync(path.join(dir, "pwned"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("renders a chart without the dependencies it cannot find, and says which were left out and how to build them", () => {
    const result = spawnCli([`${FIXTURES}/chart-missing-dep`, "--helm", helm, "-f", "json"]);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as { findings: Array<{ ruleId: string; severity: string; file: string; line: number; message: string }>; summary: { objects: number } };
    // The chart's own template is rendered and linted; the left-out dependency is an info, so the run passes.
    expect(report.summary.objects).toBe(1);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ ruleId: "render-incomplete", severity: "info", file: `${FIXTURES}/chart-missing-dep/Chart.yaml`, line: 5, column: 1 });
    expect(report.findings[0]!.message).toContain("without its dependencies common 2.x.x (oci://registry-1.docker.io/bitnamicharts)");
    expect(report.findings[0]!.message).toContain(`helm dependency build ${FIXTURES}/chart-missing-dep`);
    expect(result.code).toBe(0);
  });


  describe("leaves out of render-incomplete the dependencies Helm disables with the render's values", () => {
    // redis-ha: `condition: redis-ha.enabled`, false in values.yaml; postgresql: `condition: database.bundled,postgresql.enabled`,
    // the first absent and the second false; minio (alias store): `tags: [storage, objects]`, storage false; common: always on.
    const CHART = `${FIXTURES}/chart-conditional-deps`;
    const REDIS = "redis-ha 4.x.x (https://dandydeveloper.github.io/charts)";
    const POSTGRESQL = "postgresql 15.x.x (oci://registry-1.docker.io/bitnamicharts)";
    const MINIO = "minio 5.x.x (https://charts.min.io)";
    const COMMON = "common 2.x.x (oci://registry-1.docker.io/bitnamicharts)";
    // The notice sits at the Chart.yaml entry of the first dependency it names.
    const ENTRY_LINE: Record<string, number> = { [REDIS]: 5, [POSTGRESQL]: 9, [MINIO]: 13, [COMMON]: 18 };
    const notice = (what: string, names: string[], file = `${CHART}/Chart.yaml`, line = ENTRY_LINE[names[0]!]!, column = 1): Pick<JsonFinding, "ruleId" | "file" | "line" | "column" | "message"> => ({
      ruleId: "render-incomplete",
      file,
      line,
      column,
      message:
        `${what} was rendered without its dependencies ${names.join(", ")}: they are not vendored in charts/ and not in this repository at those versions, so their templates were not linted; ` +
        `run \`helm dependency build ${CHART}\` (or pass --dependency-update with registry access) to lint them too`,
    });
    const incomplete = async (args: string[], options: { stdin?: string } = {}): Promise<Array<Pick<JsonFinding, "ruleId" | "file" | "line" | "column" | "message">>> =>
      (await lintJson([...args, "--helm", helm], options)).findings
        .filter((f) => f.ruleId === "render-incomplete")
        .map(({ ruleId, file, line, column, message }) => ({ ruleId, file, line, column, message }));
    const chart = `the Helm chart ${CHART}`;

    it("names only the dependency no condition or tag turns off", async () => {
      expect(await incomplete([CHART])).toEqual([notice(chart, [COMMON])]);
    });

    it("names a dependency again when --set turns its condition on", async () => {
      expect(await incomplete([CHART, "--set", "redis-ha.enabled=true"])).toEqual([notice(chart, [REDIS, COMMON])]);
    });

    it("decides a condition list by its first path that holds a boolean", async () => {
      expect(await incomplete([CHART, "--set", "database.bundled=true"])).toEqual([notice(chart, [POSTGRESQL, COMMON])]);
      // A string is not a boolean: Helm goes on to postgresql.enabled, which is false.
      expect(await incomplete([CHART, "--set", "database.bundled=maybe"])).toEqual([notice(chart, [COMMON])]);
    });

    it("names a dependency whose tags include one set true", async () => {
      expect(await incomplete([CHART, "--set", "tags.objects=true"])).toEqual([notice(chart, [MINIO, COMMON])]);
    });

    it("names every dependency when the values cannot be read exactly, and a condition set to a string", async () => {
      // A list index and a YAML merge key are not interpreted; --set-string "false" is a string, which Helm's condition
      // ignores (enabled).
      expect(await incomplete([CHART, "--set", "extra[0]=x"])).toEqual([notice(chart, [REDIS, POSTGRESQL, MINIO, COMMON])]);
      expect(await incomplete([CHART, "--values", `${FIXTURES}/conditional-deps-merge-key.yaml`])).toEqual([notice(chart, [REDIS, COMMON])]);
      expect(await incomplete([CHART, "--set-string", "redis-ha.enabled=false"])).toEqual([notice(chart, [REDIS, COMMON])]);
    });

    it("evaluates a HelmRelease's values, and names every dependency when its valuesFrom cannot be read", async () => {
      const release = (extra: string): string =>
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: web}\nspec:\n  chart:\n    spec:\n" +
        `      chart: ./${CHART}\n      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}\n${extra}`;
      const of = (suffix = ""): string => `the chart ${CHART} of HelmRelease "web/web"${suffix}`;
      expect(await incomplete(["-"], { stdin: release("  values:\n    redis-ha: {enabled: true}\n") })).toEqual([notice(of(), [REDIS, COMMON], "<stdin>", 7, 7)]);
      expect(await incomplete(["-"], { stdin: release("  valuesFrom:\n    - {kind: ConfigMap, name: web-values}\n") })).toEqual([
        notice(of(" (valuesFrom ConfigMap/web-values (not in the input) could not be read, so the render lacks those values)"), [REDIS, POSTGRESQL, MINIO, COMMON], "<stdin>", 7, 7),
        // and the values themselves, said at valuesFrom whatever else the render says
        {
          ruleId: "render-incomplete",
          file: "<stdin>",
          line: 9,
          column: 3,
          message: 'HelmRelease "web/web" was rendered without the values of valuesFrom ConfigMap/web-values (not in the input); what they set was not linted (lint the file that holds them with the release)',
        },
      ]);
    });
  });

  it("reports a template failure with Helm's message and no temp paths", async () => {
    const report = await lintJson([`${FIXTURES}/chart-required-value`, "--helm", helm]);
    expect(report.code).toBe(1);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]!.message).toContain("set image to the container image");
    expect(report.findings[0]).toMatchObject({ file: `${FIXTURES}/chart-required-value/templates/pod.yaml`, line: 9, column: 16 });
    expect(JSON.stringify(report)).not.toContain(os.tmpdir());
    const fixed = await lintJson([`${FIXTURES}/chart-required-value`, "--helm", helm, "--set", "image=busybox:1.36"]);
    expect(fixed.findings).toEqual([]);
  });

  it("names the versions the repository has of a dependency it left out, so a version bump is not mistaken for a missing chart", async () => {
    const report = await lintJson([`${FIXTURES}/chart-other-version`, "--helm", helm]);
    expect(report.findings.map((f) => [f.ruleId, f.file, f.line])).toEqual([["render-incomplete", `${FIXTURES}/chart-other-version/Chart.yaml`, 5]]);
    expect(report.findings[0]!.message).toContain("without its dependencies gitops-lint-fixture-lib 2.x.x (oci://registry.example.com/charts; this repository has 1.0.0)");
  });

  it("points at the template line of Helm 4's multi-line error and says a left-out dependency may be why", async () => {
    const report = await lintJson([`${FIXTURES}/chart-dep-helper`, "--helm", helm]);
    expect(report.code).toBe(1);
    expect(report.findings.map((f) => [f.ruleId, f.severity, f.file, f.line, f.column])).toEqual([["render-failed", "error", `${FIXTURES}/chart-dep-helper/templates/service.yaml`, 5, 14]]);
    const message = report.findings[0]!.message;
    // the include chain and its cause in one sentence, no slog lines
    expect(message).toMatch(/^`helm template` failed for the Helm chart test\/fixtures\/render\/chart-dep-helper: uses-common\/templates\/service\.yaml:5:14 executing .* no template "common\.labels\.standard"/);
    expect(message).not.toContain("level=");
    expect(message).toContain("; it was rendered without its dependencies common 2.x.x (oci://registry-1.docker.io/bitnamicharts) (not vendored in charts/, not in this repository at those versions), which its templates may need: run `helm dependency build test/fixtures/render/chart-dep-helper`");
  });

  it("does not blame a left-out dependency for the chart's own required check", async () => {
    const report = await lintJson([`${FIXTURES}/chart-dep-required`, "--helm", helm]);
    expect(report.findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.message])).toEqual([
      [
        "render-failed",
        `${FIXTURES}/chart-dep-required/templates/deployment.yaml`,
        16,
        60,
        `\`helm template\` failed for the Helm chart ${FIXTURES}/chart-dep-required: execution error at (adapter/templates/deployment.yaml:16:60): adapter.image.tag MUST be SHA-pinned by the per-cluster overlay`,
      ],
    ]);
  });

  it.each([
    ["a named template of the dependency, by the template action", `{{ template "common.names.fullname" . }}`, true,
      'app/templates/cm.yaml:6:17 executing "app/templates/cm.yaml" at <{{template "common.names.fullname" .}}>: template "common.names.fullname" not defined'],
    ["a field of the dependency's absent values", "{{ .Values.common.image.tag }}", true,
      'app/templates/cm.yaml:6:15 executing "app/templates/cm.yaml" at <.Values.common.image.tag>: nil pointer evaluating interface {}.image'],
    ["the dependency's values, by name", `{{ index .Values "common" "tag" }}`, true,
      'template: app/templates/cm.yaml:6:8: executing "app/templates/cm.yaml" at <index .Values "common" "tag">: error calling index: index of nil pointer'],
    ["the chart's own fail", `{{ fail "set tag" }}`, false, "execution error at (app/templates/cm.yaml:6:8): set tag"],
    ["the chart's own required, whatever its text names", `{{ required "set .Values.common.tag" .Values.tag }}`, false, "execution error at (app/templates/cm.yaml:6:8): set .Values.common.tag"],
    ["a function given a value of the chart's own", "{{ .Values.tag | upper }}", false, 'app/templates/cm.yaml:6:22 executing "app/templates/cm.yaml" at <upper>: invalid value; expected string'],
  ])("blames a left-out dependency only when it can explain the failure: %s", async (_, expression, hint, error) => {
    await inTempChart({ "Chart.yaml": NEEDS_COMMON, "templates/cm.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: ${expression}\n` }, async (dir) => {
      const report = await lintJson([".", "--helm", helm], { cwd: dir });
      expect(report.findings.map((f) => [f.ruleId, f.message])).toEqual([["render-failed", `\`helm template\` failed for the Helm chart .: ${error}${hint ? COMMON_LEFT_OUT : ""}`]]);
    });
  });

  it("does not blame a left-out dependency that the chart's values turn off: Helm would not render it either", async () => {
    const files = {
      "Chart.yaml": `${NEEDS_COMMON}    condition: common.enabled\n`,
      "values.yaml": "common:\n  enabled: false\n",
      "templates/cm.yaml": 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: {{ template "common.names.fullname" . }}\n',
    };
    await inTempChart(files, async (dir) => {
      const error = '`helm template` failed for the Helm chart .: app/templates/cm.yaml:6:17 executing "app/templates/cm.yaml" at <{{template "common.names.fullname" .}}>: template "common.names.fullname" not defined';
      const failures = async (...args: string[]): Promise<unknown[][]> => (await lintJson([".", "--helm", helm, ...args], { cwd: dir })).findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.message]);
      expect(await failures()).toEqual([["render-failed", "templates/cm.yaml", 6, 17, error]]);
      expect(await failures("--set", "common.enabled=true")).toEqual([["render-failed", "templates/cm.yaml", 6, 17, `${error}${COMMON_LEFT_OUT}`]]);
    });
  });

  it("keeps a left-out dependency named when its condition reads a key a vendored subchart's own values fill", async () => {
    // charts/bundled holds the chart `sub`, whose values.yaml sets extraEnabled: true. Helm coalesces those under `sub`,
    // so `condition: sub.extraEnabled,extra.enabled` turns extra on (helm template with extra vendored too renders it);
    // a subchart's values are not read here, so extra stays named. A user value for that key decides it again.
    const files = {
      "Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: extra\n    version: 1.x.x\n    repository: https://charts.example.com\n    condition: sub.extraEnabled,extra.enabled\n",
      "values.yaml": "extra:\n  enabled: false\n",
      "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
      "charts/bundled/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
      "charts/bundled/values.yaml": "extraEnabled: true\n",
    };
    await inTempChart(files, async (dir) => {
      const notices = async (...args: string[]): Promise<unknown[][]> =>
        (await lintJson([".", "--helm", helm, ...args], { cwd: dir })).findings.filter((f) => f.ruleId === "render-incomplete").map((f) => [f.ruleId, f.file, f.line, f.column, f.message]);
      const message =
        "the Helm chart . was rendered without its dependencies extra 1.x.x (https://charts.example.com): they are not vendored in charts/ and not in this repository at those versions, so their templates were not linted; " +
        "run `helm dependency build .` (or pass --dependency-update with registry access) to lint them too";
      expect(await notices()).toEqual([["render-incomplete", "Chart.yaml", 5, 1, message]]);
      expect(await notices("--set", "sub.extraEnabled=false")).toEqual([]);
    });
  });

  it("says a left-out dependency may be why when the failing expression reads its values (under its alias)", async () => {
    const report = await lintJson([`${FIXTURES}/chart-dep-values`, "--helm", helm]);
    expect(report.findings.map((f) => [f.ruleId, f.file, f.line, f.column])).toEqual([["render-failed", `${FIXTURES}/chart-dep-values/templates/cm.yaml`, 6, 11]]);
    expect(report.findings[0]!.message).toBe(
      `\`helm template\` failed for the Helm chart ${FIXTURES}/chart-dep-values: template: uses-db/templates/cm.yaml:6:11: executing "uses-db/templates/cm.yaml" at <index .Values.db "port">: error calling index: index of untyped nil` +
        `; it was rendered without its dependencies postgresql 15.x.x (oci://registry-1.docker.io/bitnamicharts) (not vendored in charts/, not in this repository at those versions), which its templates may need: run \`helm dependency build ${FIXTURES}/chart-dep-values\` (or pass --dependency-update with registry access) and lint again`,
    );
  });

  it("says what is missing and how to install it when helm is not installed, and lints the rest", async () => {
    // no --helm, and a PATH without helm on it
    const result = spawnCli([`${FLEET}/charts/platform`, `${FLEET}/infrastructure/base/platform-settings.yaml`, "-f", "json"], { env: { PATH: "/nonexistent" } });
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { findings: Array<{ ruleId: string; file: string; message: string }>; summary: { objects: number } };
    expect(parsed.findings).toHaveLength(1);
    expect(parsed.findings[0]!.file).toBe(`${FLEET}/charts/platform/Chart.yaml`);
    expect(parsed.findings[0]!.message).toMatch(/`helm` is not on PATH; install Helm .*--helm PATH/);
    expect(parsed.summary.objects).toBe(1);
  });
});

// Rules written for these tests only: they report at fixed key paths, so positions can be checked.
const atPath = (id: string, kind: string, keyPath: (string | number)[]) =>
  defineRule({
    meta: {
      id,
      description: "test",
      rationale: "test",
      remediation: "test",
      defaultSeverity: "error",
      example: { bad: "", good: "" },
      tags: [],
      precision: "high",
    },
    check({ set, report }) {
      for (const object of set.ofKind(kind)) report({ object, path: [...object.basePath, ...keyPath], message: `${id} on ${object.name}` });
    },
  });

describe("kustomizations", () => {
  const config = { severities: new Map(), options: new Map(), settings: {} };

  it("builds an overlay, strips origin annotations, and maps findings to the source file and key", async () => {
    const set = await read([`${FIXTURES}/overlay/prod`]);
    const api = one(set, "Deployment", "prod-api");
    expect(api.annotations).toEqual({ team: "platform" });
    expect(api.namespace).toBe("prod");
    const generated = set.objects.find((o) => o.kind === "ConfigMap" && o.name.startsWith("prod-api-settings-"))!;
    expect(getPath(generated.body, ["metadata", "annotations"])).toBeUndefined();

    const rules = [
      atPath("test-strategy-rule", "Deployment", ["spec", "strategy", "type"]),
      atPath("test-replicas-rule", "Deployment", ["spec", "replicas"]),
      atPath("test-env-rule", "Deployment", ["spec", "template", "spec", "containers", 0, "env"]),
      atPath("test-data-rule", "ConfigMap", ["data"]),
    ];
    const result = lintSets([set], rules, config);
    const where = (id: string, name?: string) =>
      result.findings
        .filter((f) => f.ruleId === id && (name === undefined || f.object?.name === name))
        .map((f) => ({ file: f.file, line: f.line, column: f.column, rendered: f.rendered?.file, suppressed: f.suppressed }));
    const rendered = `${FIXTURES}/overlay/prod (kustomize build)`;
    expect(where("test-strategy-rule")).toEqual([{ file: `${FIXTURES}/overlay/base/api.yaml`, line: 16, column: 5, rendered, suppressed: false }]);
    // replicas comes from a patch: the base has no such key, so the finding sits on `spec` there
    expect(where("test-replicas-rule")).toEqual([{ file: `${FIXTURES}/overlay/base/api.yaml`, line: 14, column: 1, rendered, suppressed: false }]);
    // a `# gitops-lint-ignore` comment in the base works, although kustomize drops comments
    expect(where("test-env-rule")).toEqual([{ file: `${FIXTURES}/overlay/base/api.yaml`, line: 28, column: 11, rendered, suppressed: true }]);
    // the ConfigMap named like a base object maps into the base; the generated one to its generator entry
    expect(where("test-data-rule", "prod-unrelated")).toEqual([{ file: `${FIXTURES}/overlay/base/api.yaml`, line: 5, column: 1, rendered, suppressed: false }]);
    expect(where("test-data-rule", generated.name)).toEqual([{ file: `${FIXTURES}/overlay/prod/kustomization.yaml`, line: 10, column: 5, rendered, suppressed: false }]);
    for (const f of result.findings) expect(f.rendered!.line).toBeGreaterThan(0);
  });

  it("treats a base referenced by an overlay in the same walk as part of the overlay", async () => {
    const set = await read([`${FIXTURES}/overlay`]);
    expect(set.objects.map((o) => `${o.namespace ?? ""}/${o.name}`).sort()).toEqual(
      expect.arrayContaining(["prod/prod-api", "prod/prod-unrelated"]),
    );
    expect(set.objects.filter((o) => o.kind === "Deployment")).toHaveLength(1);
    expect(set.files).toEqual([`${FIXTURES}/overlay/prod (kustomize build)`]);
  });

  it("does not build kustomize Components or library charts on their own, nor read their files raw", async () => {
    const report = await lintJson([`${FIXTURES}/walk-skips`, "--helm", helm]);
    expect(report.findings).toEqual([]);
    expect(report.summary.objects).toBe(1);
  });

  it("says what is missing when neither kustomize nor kubectl is installed", () => {
    const result = spawnCli([`${FIXTURES}/overlay/prod`, "-f", "json"], { env: { PATH: "/nonexistent" } });
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { findings: Array<{ file: string; message: string }> };
    expect(parsed.findings).toHaveLength(1);
    expect(parsed.findings[0]!.file).toBe(`${FIXTURES}/overlay/prod/kustomization.yaml`);
    expect(parsed.findings[0]!.message).toMatch(/neither `kustomize` nor `kubectl` is on PATH; install kubectl/);
  });

  it("reports a failing build without temp paths", async () => {
    const dir = mkdtempSync(path.join(REPO, "test", ".tmp-broken-"));
    try {
      mkdirSync(path.join(dir, "k"));
      cpSync(path.join(REPO, FIXTURES, "overlay/prod/kustomization.yaml"), path.join(dir, "k/kustomization.yaml"));
      const report = await lintJson([path.relative(REPO, path.join(dir, "k"))]);
      expect(report.code).toBe(1);
      expect(report.findings).toHaveLength(1);
      expect(report.findings[0]!.message).toMatch(/kubectl kustomize .*failed/);
      expect(JSON.stringify(report)).not.toContain(os.tmpdir());
      expect(JSON.stringify(report)).not.toContain("../../");
      // The resource as the user wrote it, not resolved against gitops-lint's wrapper kustomization.
      expect(report.findings[0]!.message).toContain("'../base'");
      expect(report.findings[0]!.message).not.toMatch(/run\.go|E\d{4} /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a kustomization that does not decode at the field kustomize names, without kustomize's try at the directory as a file", async () => {
    const dir = mkdtempSync(path.join(REPO, "test", ".tmp-broken-"));
    try {
      mkdirSync(path.join(dir, "k"));
      // Argo CD's kustomized-helm example: a patch given as a bare path, which kustomize v5 refuses
      writeFileSync(path.join(dir, "k/kustomization.yaml"), "namePrefix: p-\n\nresources:\n- ./cm.yaml\n\npatches:\n- overlays/patch.yaml\n");
      writeFileSync(path.join(dir, "k/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n");
      const k = path.relative(REPO, path.join(dir, "k"));
      const report = await lintJson([k]);
      expect(report.findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.message])).toEqual([
        ["render-failed", `${k}/kustomization.yaml`, 6, 1, `\`kubectl kustomize ${k}\` failed: invalid Kustomization: json: cannot unmarshal string into Go struct field Kustomization.patches of type types.Patch`],
      ]);
      // the same mistake in a base the overlay reaches: not at the overlay's own patches
      mkdirSync(path.join(dir, "overlay"));
      writeFileSync(path.join(dir, "overlay/kustomization.yaml"), "resources:\n- ../k\npatches:\n- path: p.yaml\n");
      const overlay = path.relative(REPO, path.join(dir, "overlay"));
      expect((await lintJson([overlay])).findings.map((f) => [f.ruleId, f.file, f.line, f.column])).toEqual([["render-failed", `${overlay}/kustomization.yaml`, 1, 1]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a Flux fleet repository", () => {
  it("treats an optional ConfigMap from a Flux unit that is not ordered first as late, and one from a dependsOn unit as present", async () => {
    const report = await lintJson(["clusters/prod", "--helm", helm, "--repo-root", "."], { cwd: path.join(REPO, FLEET) });
    const late = report.findings.filter((f) => f.ruleId === "optional-ref-without-reload");
    // sovereign-fqdn comes from the sovereign-tls Kustomization, which nothing orders before the release;
    // platform-settings comes from infrastructure, a dependsOn of apps: only the first is the incident race.
    expect(late.map((f) => f.target?.name)).toEqual(["sovereign-fqdn"]);
    expect(late[0]!.message).toContain("applied by Kustomization flux-system/sovereign-tls");
  });

  let set: ManifestSet;
  beforeAll(async () => {
    set = await read(["clusters/prod"], { repoRoot: "." }, path.join(REPO, FLEET));
  }, 60_000);

  it("builds every Flux Kustomization's path as its own apply unit", () => {
    expect(one(set, "Kustomization", "apps").source.unit).toBe("Kustomization flux-system/flux-system");
    expect(one(set, "GitRepository", "flux-system").source.unit).toBe("Kustomization flux-system/flux-system");
    expect(one(set, "ConfigMap", "platform-settings").source.unit).toBe("Kustomization flux-system/infrastructure");
    // a path without a kustomization file: Flux applies every manifest below it
    expect(one(set, "ConfigMap", "sovereign-fqdn").source.unit).toBe("Kustomization flux-system/sovereign-tls");
    // built like Flux builds it (a generated kustomization over the path), and mapped back to its file
    expect(one(set, "ConfigMap", "sovereign-fqdn").source.origin?.file).toBe("infrastructure/sovereign-tls/sovereign-fqdn.yaml");
    expect(one(set, "HelmRelease", "platform").source.unit).toBe("Kustomization flux-system/apps");
    expect(one(set, "HelmRelease", "platform").source.origin?.file).toBe("apps/base/platform/helmrelease.yaml");
  });

  it("renders a HelmRelease's Git chart with the release's own values, name and namespace", () => {
    const api = one(set, "Deployment", "platform-api");
    const job = one(set, "Job", "platform-token-mint");
    const release = one(set, "HelmRelease", "platform");
    expect(getPath(api.body, ["spec", "replicas"])).toBe(2); // the prod overlay's patch of spec.values
    expect(String(getPath(job.body, ["spec", "template", "spec", "containers", 0, "command", 2]))).toContain("seq 1 168");
    for (const o of [api, job]) {
      expect(o.source.unit).toBe("HelmRelease platform/platform");
      expect(o.source.chartDir).toBe("charts/platform");
      expect(o.source.helmRelease).toEqual({ namespace: release.namespace, name: release.name });
    }
  });

  it("knows which objects are applied together, and which Flux applies first", () => {
    const api = one(set, "Deployment", "platform-api");
    const fqdn = one(set, "ConfigMap", "sovereign-fqdn");
    const settings = one(set, "ConfigMap", "platform-settings");
    const job = one(set, "Job", "platform-token-mint");
    const release = one(set, "HelmRelease", "platform");
    expect(set.find("ConfigMap", "sovereign-fqdn", api)).toBe(fqdn);
    // sovereign-tls runs concurrently with apps: nothing orders it before the release
    expect(availableBefore(fqdn, api, set)).toBe(false);
    // apps dependsOn infrastructure, and the release's chart is applied after the apps Kustomization
    expect(availableBefore(settings, api, set)).toBe(true);
    expect(availableBefore(release, api, set)).toBe(true);
    expect(availableBefore(job, api, set)).toBe(true);
    expect(availableBefore(api, release, set)).toBe(false);
  });

  it("renders the chart once, with the release's values, when the walk also finds the chart itself", async () => {
    const whole = await read(["."], { repoRoot: "." }, path.join(REPO, FLEET));
    expect(whole.objects.filter((o) => o.kind === "Deployment").map((o) => o.name)).toEqual(["platform-api"]);
    expect(whole.objects.filter((o) => o.kind === "HelmRelease")).toHaveLength(1);
    expect(whole.problems).toEqual([]);
  });

  it("does not render a HelmRelease's chart again when the input already has that chart's helm template output", async () => {
    const rendered = spawnSync(helm, ["template", "platform", `${FLEET}/charts/platform`], { cwd: REPO, encoding: "utf8" }).stdout;
    const report = await lintJson(["-", `${FLEET}/apps/base/platform/helmrelease.yaml`, "--repo-root", FLEET, "--helm", helm], { stdin: rendered });
    expect(report.summary.objects).toBe(3);
    expect(report.summary.files).toBe(2);
  });

  it("gives each rendered hook the timeouts of the HelmRelease it was rendered for, not of another release of the same chart", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-fleet-"));
    try {
      cpSync(path.join(REPO, FLEET), dir, { recursive: true });
      // A second release of the same chart, listed first, whose 2h timeouts leave room for the 1344 s wait loop.
      const canary = [
        "apiVersion: helm.toolkit.fluxcd.io/v2",
        "kind: HelmRelease",
        "metadata: { name: canary, namespace: canary }",
        "spec:",
        "  chart: { spec: { chart: ./charts/platform, sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system } } }",
        "  install: { timeout: 2h }",
        "  upgrade: { timeout: 2h }",
        "  values: { waitIterations: 168 }",
        "",
      ].join("\n");
      writeFileSync(path.join(dir, "apps/base/platform/canary.yaml"), canary);
      writeFileSync(path.join(dir, "apps/base/platform/kustomization.yaml"), "resources:\n  - canary.yaml\n  - helmrelease.yaml\n");
      const report = await lintJson(["clusters/prod", "--helm", helm, "--repo-root", "."], { cwd: dir });
      const hooks = report.findings.filter((f) => f.ruleId === "hook-budget-exceeds-timeout");
      expect(hooks.map((f) => f.object?.name)).toEqual(["platform-token-mint"]);
      expect(hooks[0]!.message).toContain("platform/platform");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds the repository root from .git when --repo-root is not given", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-fleet-"));
    try {
      cpSync(path.join(REPO, FLEET), dir, { recursive: true });
      mkdirSync(path.join(dir, ".git"));
      const report = await lintJson(["clusters/prod", "--helm", helm], { cwd: dir });
      expect(inputFindings(report.findings)).toEqual([]);
      expect(report.summary.objects).toBe(set.objects.length);
      expect(JSON.stringify(report)).not.toContain(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
