import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintJson } from "./support/cli.js";
import { ensureHelm } from "./support/helm.js";

// The strategy family on real `helm template` output: provenance from the `# Source:` comments, a values-driven
// strategy flip between two renders (the old one given with --base-file), and a chart that renders
// `rollingUpdate:` as null for Recreate.
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-api
  {{- with .Values.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  strategy:
    type: {{ .Values.strategy }}
    rollingUpdate:
      {{- if eq .Values.strategy "RollingUpdate" }}
      maxSurge: 0
      {{- with .Values.maxUnavailable }}
      maxUnavailable: {{ . }}
      {{- end }}
      {{- end }}
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: api:1
`;

describe("helm template output", () => {
  let dir: string;
  let helm: string;
  const render = (...sets: string[]): string =>
    execFileSync(helm, ["template", "rel", path.join(dir, "chart"), ...sets.flatMap((s) => ["--set", s])], { encoding: "utf8" });

  beforeAll(() => {
    helm = ensureHelm();
    dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-helm-strategy-"));
    mkdirSync(path.join(dir, "chart", "templates"), { recursive: true });
    writeFileSync(path.join(dir, "chart", "Chart.yaml"), "apiVersion: v2\nname: app\nversion: 1.0.0\n");
    // maxUnavailable left out by default: the API server defaults it, and server-side apply never removes a defaulted field
    writeFileSync(path.join(dir, "chart", "values.yaml"), "strategy: RollingUpdate\nannotations: {}\n");
    writeFileSync(path.join(dir, "chart", "templates", "deployment.yaml"), DEPLOYMENT);
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports a values-driven flip between two renders as an error, without offering the Flux switch", async () => {
    writeFileSync(path.join(dir, "old.yaml"), render());
    const report = await lintJson(["-", "--base-file", "old.yaml"], { cwd: dir, stdin: render("strategy=Recreate") });
    const flips = report.findings.filter((f) => f.ruleId === "strategy-flip-without-force");
    expect(flips.map((f) => [f.severity, f.object?.name])).toEqual([["error", "rel-api"]]);
    expect(flips[0]!.message).not.toContain("kustomize.toolkit.fluxcd.io/force");
    expect(flips[0]!.message).toContain("RollingUpdate → Recreate under Helm 4 (server-side apply)");
    expect(flips[0]!.remediation).toContain("Helm-delivered (rendered by helm template from app/templates/deployment.yaml)");
    expect(flips[0]!.remediation).toContain("helm-controller ignores it");
    // `rollingUpdate:` with nothing under it renders as null: no block, not invalid.
    expect(report.findings.filter((f) => f.ruleId === "recreate-with-rolling-update")).toEqual([]);
  });

  it("grades a flip from a base that declared the whole rollingUpdate block a warning: server-side apply removes what its own manager wrote", async () => {
    writeFileSync(path.join(dir, "old.yaml"), render("maxUnavailable=1"));
    const report = await lintJson(["-", "--base-file", "old.yaml"], { cwd: dir, stdin: render("strategy=Recreate") });
    const flips = report.findings.filter((f) => f.ruleId === "strategy-flip-without-force");
    expect(flips.map((f) => [f.severity, f.object?.name])).toEqual([["warning", "rel-api"]]);
    expect(flips[0]!.message).toContain(
      "RollingUpdate → Recreate under Helm 4 (server-side apply); old.yaml declared the whole rollingUpdate block, which server-side apply removes if this applier's field manager wrote it; " +
        "if the live block was defaulted or written by another manager (the object predates this applier), every apply fails",
    );
  });

  it("marks the Flux switch in a chart as inert under helm-controller (info), and still reports the flip it does not prevent", async () => {
    const forced = render("strategy=Recreate", "annotations.kustomize\\.toolkit\\.fluxcd\\.io/force=enabled");
    const report = await lintJson(["-"], { cwd: dir, stdin: forced });
    const inert = report.findings.filter((f) => f.ruleId === "force-annotation-ineffective");
    expect(inert.map((f) => f.severity)).toEqual(["info"]);
    expect(inert[0]!.message).toContain("helm-controller");
    expect(inert[0]!.message).toContain("maxSurge: 0, maxUnavailable: 1");
    // Helm never reads the switch: without a base the flip is possible, so it is an info that says so.
    const flip = report.findings.filter((f) => f.ruleId === "strategy-flip-without-force");
    expect(flip.map((f) => [f.severity, f.object?.name])).toEqual([["info", "rel-api"]]);
    expect(flip[0]!.message).toContain("One revision cannot show that");
    // With the previous render as base it is the error it would be without the switch.
    writeFileSync(path.join(dir, "old.yaml"), render());
    const base = await lintJson(["-", "--base-file", "old.yaml"], { cwd: dir, stdin: forced });
    expect(base.findings.filter((f) => f.ruleId === "strategy-flip-without-force").map((f) => f.severity)).toEqual(["error"]);
  });
});
