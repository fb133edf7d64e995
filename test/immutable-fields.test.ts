import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintJson, REPO, type JsonFinding } from "./support/cli.js";
import { fixtureCases } from "./support/fixture-expectations.js";
import { ensureHelm } from "./support/helm.js";

// immutable-field-changed end to end: exact findings and messages through --base-file, the same fixture pairs
// through --base REV in a generated git repository, and a chart whose selector changes between two commits.

const RULE = "immutable-field-changed";
const of = (findings: JsonFinding[], ruleId: string): JsonFinding[] => findings.filter((f) => f.ruleId === ruleId);
const git = (cwd: string, ...args: string[]): string =>
  execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" });

describe("--base-file", () => {
  const pair = (name: string, ...extra: string[]) =>
    lintJson([`fixtures/${RULE}/${name}/current.yaml`, "--base-file", `fixtures/${RULE}/${name}/base.yaml.orig`, ...extra]);

  it("quotes the API server's error for a selector change, at the added label", async () => {
    const report = await pair("workload-selectors");
    const [api] = of(report.findings, RULE);
    expect(api).toMatchObject({ severity: "error", file: `fixtures/${RULE}/workload-selectors/current.yaml`, line: 15, column: 7, object: { kind: "Deployment", name: "api" } });
    expect(api!.message).toBe(
      `Deployment "api" changed since fixtures/${RULE}/workload-selectors/base.yaml.orig: spec.selector matchLabels added app.kubernetes.io/version: "1.2.0"; ` +
        "keep the selector of the base, or delete the object before applying. kubectl apply (client-side) fails, with the API server's error: " +
        'Deployment.apps "api" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"api", "app.kubernetes.io/version":"1.2.0"}, ' +
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable",
    );
    expect(report.code).toBe(1);
  });

  it("grades each StatefulSet change, and follows --kube-version for revisionHistoryLimit", async () => {
    const bySeverity = (findings: JsonFinding[]) => of(findings, RULE).map((f) => [f.object?.name, f.severity]);
    expect(bySeverity((await pair("statefulset-fixed-fields")).findings)).toEqual([
      ["db", "error"],
      ["cache", "error"],
      ["queue", "error"],
      ["history", "warning"],
    ]);
    const old = of((await pair("statefulset-fixed-fields", "--kube-version", "1.31")).findings, RULE);
    expect(old.find((f) => f.object?.name === "history")).toMatchObject({ severity: "error", line: 71, column: 3 });
    const db = old.find((f) => f.object?.name === "db")!;
    expect(db.message).toContain('volumeClaimTemplates[0] (data) spec.resources.requests.storage: "10Gi" → "20Gi"');
    expect(db.message).toContain(
      "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    );
    expect(db.remediation).toContain("kubectl delete statefulset db --cascade=orphan");
  });

  it("says a headless Service stays headless, and weighs an allocated address against a fixed one", async () => {
    const findings = of((await pair("service-addresses")).findings, RULE);
    expect(findings.find((f) => f.object?.name === "headless")).toMatchObject({ severity: "warning", line: 12, column: 1 });
    expect(findings.find((f) => f.object?.name === "headless")!.message).toContain('the API server keeps the live "None": the Service stays headless');
    expect(findings.find((f) => f.object?.name === "newly-pinned")).toMatchObject({ severity: "warning" });
    expect(findings.find((f) => f.object?.name === "newly-pinned")!.message).toContain("unless the cluster happened to allocate 10.96.0.52 to it");
    expect(findings.find((f) => f.object?.name === "made-headless")!.message).toContain('spec.clusterIPs[0]: Invalid value: []string{"None"}: may not change once set');
  });

  it("turns a recreation by the applier into a warning about its price, and stays silent where it costs nothing", async () => {
    const flux = of((await pair("recreated-by-flux", "--applier", "flux-kustomize")).findings, RULE);
    expect(flux.map((f) => [f.object?.name, f.severity])).toEqual([
      ["forced", "warning"],
      ["store", "warning"],
    ]);
    const store = flux.find((f) => f.object?.name === "store")!;
    expect(store.message).toContain("Flux kustomize-controller (--applier flux-kustomize, force enabled by the object's kustomize.toolkit.fluxcd.io/force) deletes and recreates it instead of failing");
    expect(store.message).toContain("persistentVolumeClaimRetentionPolicy.whenDeleted: Delete deletes their claims: data loss");
    expect(store.message).toContain("kubectl delete statefulset store --cascade=orphan");
    // The same pair applied by plain kubectl: the switch is Flux's, nothing recreates the objects.
    const kubectl = of((await pair("recreated-by-flux")).findings, RULE);
    expect(kubectl.map((f) => [f.object?.name, f.severity])).toEqual([
      ["forced", "error"],
      ["store", "error"],
      ["seed", "error"],
    ]);
    expect(kubectl[0]!.message).toContain("(kustomize.toolkit.fluxcd.io/force does nothing under kubectl apply (client-side)). kubectl apply (client-side) fails, with the API server's error:");

    const argo = of((await pair("recreated-by-argo-cd")).findings, RULE);
    expect(argo.map((f) => [f.object?.name, f.severity])).toEqual([
      ["replaced", "warning"],
      ["server-side", "error"],
      ["forced-client-side", "warning"],
      ["replaced-only", "error"],
    ]);
    expect(argo[0]!.message).toContain("Argo CD (Force=true,Replace=true: delete and create) deletes and recreates it instead of failing: the Service gets a new cluster IP");
  });

  it("names the shrink of a claim and the class that cannot expand", async () => {
    const findings = of((await pair("claim-spec")).findings, RULE);
    expect(findings.find((f) => f.object?.name === "shrunk")!.message).toContain("spec.resources.requests.storage: Forbidden: field can not be less than status.capacity");
    expect(findings.find((f) => f.object?.name === "grown-fixed-class")!.message).toContain(
      'persistentvolumeclaims "grown-fixed-class" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
    );
  });

  it("points at the deepest key the head kept when a change removes a field", async () => {
    const findings = of((await pair("removed-fields")).findings, RULE);
    const file = `fixtures/${RULE}/removed-fields/current.yaml`;
    // The Job lost an env entry: its env list; the StatefulSet lost podManagementPolicy: its spec.
    expect(findings.map((f) => [f.ruleId, f.object?.kind, f.object?.name, f.file, f.line, f.column, f.severity])).toEqual([
      [RULE, "Job", "report", file, 16, 11, "error"],
      [RULE, "StatefulSet", "ledger", file, 24, 1, "error"],
    ]);
    expect(findings[0]!.message).toContain('template.spec.containers[0].env[1]: {"name":"LEGACY_FORMAT","value":"true"} → (unset)');
    expect(findings[1]!.message).toContain('podManagementPolicy: "Parallel" → "OrderedReady"');
  });

  it("names what a recreation costs for each kind that pays for it", async () => {
    const report = await pair("recreation-price-by-kind", "--applier", "flux-kustomize");
    const findings = of(report.findings, RULE);
    expect(findings.map((f) => [f.ruleId, `${f.object?.kind}/${f.object?.name}`, f.line, f.column, f.severity])).toEqual([
      [RULE, "DaemonSet/node-agent", 15, 7, "warning"],
      [RULE, "ReplicaSet/pool", 33, 7, "warning"],
      [RULE, "StatefulSet/cache", 62, 13, "warning"],
      [RULE, "PersistentVolumeClaim/scratch", 72, 3, "warning"],
      [RULE, "CustomResourceDefinition/widgets.example.com", 87, 3, "warning"],
    ]);
    const cost = (i: number): string => findings[i]!.message.split(" deletes and recreates it instead of failing: ")[1]!;
    expect(cost(0)).toBe("its Pods are deleted with it, so every replica stops at once until the new ones are ready");
    expect(cost(1)).toBe("its Pods are deleted with it, so every replica stops at once until the new ones are ready");
    // No whenDeleted: Delete retention policy: the claims outlive the StatefulSet.
    expect(cost(2)).toBe(
      "its Pods are deleted with it (all at once); the claims of its volumeClaimTemplates stay and are reattached; " +
        "to keep the Pods running, run kubectl delete statefulset cache --cascade=orphan before the change is applied",
    );
    expect(cost(3)).toBe("the claim is deleted, and with the usual reclaimPolicy Delete its volume and the data on it: data loss");
    expect(cost(4)).toBe("deleting a CustomResourceDefinition deletes every custom resource of its kind: data loss");
    expect(report.code).toBe(0);
  });

  it("tells a ClusterRoleBinding to bind the new role under a new name, as a RoleBinding", async () => {
    const findings = of((await pair("bindings-and-classes")).findings, RULE);
    const auditor = findings.find((f) => f.object?.kind === "ClusterRoleBinding");
    expect(auditor).toMatchObject({ ruleId: RULE, severity: "error", line: 73, column: 3, object: { name: "auditor" } });
    expect(auditor!.message).toContain("roleRef ClusterRole/view → ClusterRole/cluster-reader; create a new binding instead. kubectl apply (client-side) fails, with the API server's error:");
    expect(auditor!.remediation).toBe("Bind the new role under a new binding name, or delete the binding and apply again.");
  });

  it("is an error when one change is certain, and names every condition when none is", async () => {
    // An address pinned where the cluster allocated one may be the same address; the IP family change is rejected anyway.
    const service = of((await pair("service-addresses")).findings, RULE).find((f) => f.object?.name === "moved-to-ipv6");
    expect(service).toMatchObject({ ruleId: RULE, severity: "error", line: 85, column: 3, object: { kind: "Service" } });
    expect(service!.message).toContain('clusterIP (allocated) → "fd00:10:96::a"; ipFamilies[0] "IPv4" → "IPv6"');
    expect(service!.message).toContain("kubectl apply (client-side) fails, with the API server's error:");
    expect(service!.message).not.toContain("unless");
    // Two versions that were only served, dropped at once: either may have been stored.
    const crd = of((await pair("custom-resource-definitions")).findings, RULE).find((f) => f.object?.name === "doohickeys.example.com");
    expect(crd).toMatchObject({ ruleId: RULE, severity: "warning", line: 63, column: 3, object: { kind: "CustomResourceDefinition" } });
    expect(crd!.message).toContain(
      "fails unless no object was ever stored as v1alpha1, or the stored objects were migrated and v1alpha1 was removed from status.storedVersions; " +
        "and no object was ever stored as v1beta1, or the stored objects were migrated and v1beta1 was removed from status.storedVersions, with the API server's error:",
    );
  });

  it("leaves an Argo CD hook alone: it is created anew, never updated", async () => {
    const findings = of((await pair("job-fields")).findings, RULE);
    // db-migrate changes its template like migrate does, but is annotated argocd.argoproj.io/hook.
    expect(findings.map((f) => f.object?.name)).toEqual(["migrate", "batch", "cleaned-up"]);
  });
});

describe("--base REV over the same fixture pairs", () => {
  let repo: string;
  const cases = fixtureCases(REPO, RULE).filter((c) => existsSync(path.join(REPO, c.name, "base.yaml.orig")));

  beforeAll(() => {
    repo = mkdtempSync(path.join(tmpdir(), "gitops-lint-immutable-"));
    git(repo, "init", "-q", "-b", "main");
    for (const c of cases) {
      mkdirSync(path.join(repo, path.basename(c.name)));
      copyFileSync(path.join(REPO, c.name, "base.yaml.orig"), path.join(repo, path.basename(c.name), "manifests.yaml"));
    }
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "base");
    for (const c of cases) copyFileSync(path.join(REPO, c.name, "current.yaml"), path.join(repo, path.basename(c.name), "manifests.yaml"));
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("has a pair for every kind and exception", () => {
    expect(cases.map((c) => path.basename(c.name))).toEqual(
      readdirSync(path.join(REPO, "fixtures", RULE), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort(),
    );
  });

  it.each(cases.map((c) => [path.basename(c.name), c] as const))("%s: the findings of --base-file, read from the revision", async (name, c) => {
    const otherArgs = c.args.filter((a, i) => a !== "--base-file" && c.args[i - 1] !== "--base-file");
    const report = await lintJson([`${name}/manifests.yaml`, "--base", "HEAD", ...otherArgs], { cwd: repo });
    const actual = of(report.findings, RULE).map((f) => ({ kind: f.object?.kind, name: f.object?.name, line: f.line, column: f.column }));
    const expected = c.expectations.filter((e) => e.ruleId === RULE).map((e) => ({ kind: e.kind, name: e.name, line: e.line, column: e.column }));
    expect(actual).toEqual(expected);
    for (const finding of of(report.findings, RULE)) expect(finding.message).toContain("changed since HEAD");
  });
});

describe("a chart whose selector gains app.kubernetes.io/version between two commits", () => {
  // Both ways the base can be given: the previous render with --base-file (piped helm template), and the chart
  // directory with --base REV, which renders the revision the same way.
  let repo: string;
  let helm: string;
  const HELPERS = (selector: string): string =>
    `{{- define "app.selectorLabels" -}}\napp.kubernetes.io/name: app\napp.kubernetes.io/instance: {{ .Release.Name }}\n${selector}{{- end }}\n`;
  const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-app
spec:
  selector:
    matchLabels:
      {{- include "app.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "app.selectorLabels" . | nindent 8 }}
    spec:
      containers:
        - name: app
          image: app:{{ .Chart.AppVersion }}
`;
  const render = (): string => execFileSync(helm, ["template", "rel", "chart"], { cwd: repo, encoding: "utf8" });

  beforeAll(() => {
    helm = ensureHelm();
    repo = mkdtempSync(path.join(tmpdir(), "gitops-lint-immutable-chart-"));
    git(repo, "init", "-q", "-b", "main");
    mkdirSync(path.join(repo, "chart", "templates"), { recursive: true });
    writeFileSync(path.join(repo, "chart", "Chart.yaml"), "apiVersion: v2\nname: app\nversion: 1.0.0\nappVersion: 2.4.0\n");
    writeFileSync(path.join(repo, "chart", "templates", "_helpers.tpl"), HELPERS(""));
    writeFileSync(path.join(repo, "chart", "templates", "deployment.yaml"), DEPLOYMENT);
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "chart");
    writeFileSync(path.join(repo, "chart", "templates", "_helpers.tpl"), HELPERS("app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}\n"));
    git(repo, "commit", "-q", "-am", "version in the selector");
  }, 180_000);
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("is caught at the template line, by both rules", async () => {
    git(repo, "checkout", "-q", "HEAD~1");
    writeFileSync(path.join(repo, "previous.yaml"), render());
    git(repo, "checkout", "-q", "main");
    const report = await lintJson(["-", "--base-file", "previous.yaml", "--chart-dir", "chart"], { cwd: repo, stdin: render() });
    const changed = of(report.findings, RULE);
    expect(changed.map((f) => [f.severity, f.object?.name, f.file, f.line])).toEqual([["error", "rel-app", "chart/templates/deployment.yaml", 7]]);
    expect(changed[0]!.message).toContain('spec.selector matchLabels added app.kubernetes.io/version: "2.4.0"');
    const predicted = of(report.findings, "release-label-in-immutable-field");
    expect(predicted.map((f) => [f.severity, f.file, f.line])).toEqual([["warning", "chart/templates/deployment.yaml", 7]]);
    // The chart directory itself with --base: both revisions rendered the same way, the same findings.
    const direct = await lintJson(["chart", "--base", "HEAD~1"], { cwd: repo });
    expect(of(direct.findings, RULE).map((f) => [f.severity, f.object?.name, f.file, f.line])).toEqual([["error", "release-name-app", "chart/templates/deployment.yaml", 7]]);
    // The first commit's render is clean for both.
    const before = await lintJson(["previous.yaml", "--chart-dir", "chart"], { cwd: repo });
    expect([...of(before.findings, RULE), ...of(before.findings, "release-label-in-immutable-field")]).toEqual([]);
  });
});
