import { describe, expect, it } from "vitest";
import type { SourceDocument } from "../src/load/types.js";
import { renderedPathAt } from "../src/locate/rendered-path.js";
import { outlineTemplate } from "../src/locate/template-outline.js";
import { columnOf, walkOutline } from "../src/locate/template-walk.js";

/**
 * Maps the position marked `^` in `rendered` to a template position, the way the CLI does for a finding
 * there; `@` marks where it must land. Both marks are removed from the text.
 */
function mapMarked(template: string, rendered: string): { line: number; column: number; expected: { line: number; column: number } } {
  const renderedLines = rendered.split("\n");
  const markerLine = renderedLines.findIndex((l) => l.includes("^"));
  const column = renderedLines[markerLine]!.indexOf("^") + 1;
  renderedLines[markerLine] = renderedLines[markerLine]!.replace("^", "");
  const document: SourceDocument = { file: "r.yaml", index: 0, text: renderedLines.join("\n"), startLine: 1 };
  const templateLines = template.split("\n");
  const expectedLine = templateLines.findIndex((l) => l.includes("@"));
  const expectedColumn = templateLines[expectedLine]!.indexOf("@") + 1;
  const outline = outlineTemplate(templateLines.map((l) => l.replace("@", "")).join("\n"));
  const walked = walkOutline(outline[0]!, renderedPathAt(document, markerLine + 1, column).steps);
  const line = walked.depth > 0 ? walked.node.line : outline[0]!.firstContentLine ?? outline[0]!.firstLine;
  return { line, column: walked.depth > 0 ? columnOf(walked.node) : 1, expected: { line: expectedLine + 1, column: expectedColumn } };
}

function expectMapped(template: string, rendered: string): void {
  const { line, column, expected } = mapMarked(template, rendered);
  expect({ line, column }).toEqual(expected);
}

describe("template source mapping", () => {
  it("walks nested keys through with/if blocks and directive-only lines", () => {
    expectMapped(
      ["apiVersion: v1", "kind: Pod", "spec:", "  {{- with .Values.sc }}", "  securityContext:", "  {{- if .Values.strict }}", "    @runAsUser: {{ .uid }}", "  {{- end }}", "  {{- end }}"].join("\n"),
      ["apiVersion: v1", "kind: Pod", "spec:", "  securityContext:", "    ^runAsUser: 1000"].join("\n"),
    );
  });

  it("falls back to the nearest ancestor when the key comes from toYaml | nindent", () => {
    expectMapped(
      ["kind: Deployment", "spec:", "  template:", "    spec:", "      @nodeSelector:", "        {{- toYaml .Values.nodeSelector | nindent 8 }}"].join("\n"),
      ["kind: Deployment", "spec:", "  template:", "    spec:", "      nodeSelector:", "        ^disk: ssd"].join("\n"),
    );
  });

  it("does not take text inside a block scalar for keys", () => {
    expectMapped(
      ["kind: ConfigMap", "data:", "  app.conf: |", "    mode: fast", "  @mode: safe"].join("\n"),
      ["kind: ConfigMap", "data:", "  app.conf: |", "    mode: fast", "  ^mode: safe"].join("\n"),
    );
  });

  it("matches sequence items by name when a conditional item was not rendered", () => {
    expectMapped(
      [
        "spec:",
        "  containers:",
        "    {{- if .Values.sidecar }}",
        "    - name: sidecar",
        "      image: proxy",
        "    {{- end }}",
        "    - name: app",
        "      @image: app",
      ].join("\n"),
      ["spec:", "  containers:", "    - name: app", "      ^image: app"].join("\n"),
    );
  });

  it("maps every item a range writes to the single templated item", () => {
    expectMapped(
      ["env:", "  - name: FIXED", "    value: x", "  {{- range .Values.env }}", "  - name: {{ .name }}", "    @value: {{ .value }}", "  {{- end }}"].join("\n"),
      ["env:", "  - name: FIXED", "    value: x", "  - name: A", "    value: a", "  - name: B", "    ^value: b"].join("\n"),
    );
  });

  it("matches items of a compact sequence (`key:` then `- item` at the same indent) by position", () => {
    expectMapped(
      ["args:", "- --one", "- @--two"].join("\n"),
      ["args:", "- --one", "- ^--two"].join("\n"),
    );
  });

  it("chooses the if/else branch whose literal value was rendered", () => {
    expectMapped(
      ["spec:", "  {{- if .Values.a }}", "  type: NodePort", "  {{- else }}", "  @type: ClusterIP", "  {{- end }}"].join("\n"),
      ["spec:", "  ^type: ClusterIP"].join("\n"),
    );
  });

  it("stops at the parent when a templated key could have written the key", () => {
    expectMapped(
      ["kind: ConfigMap", "@data:", "  {{ .Values.key }}: {{ .Values.value }}"].join("\n"),
      ["kind: ConfigMap", "data:", "  ^anything: 1"].join("\n"),
    );
  });

  it("does not guess among several items when the rendered item has no name and the counts differ", () => {
    expectMapped(
      ["ports:", "  {{- if .Values.http }}", "  - port: 80", "  {{- end }}", "  - port: 443", "  {{- toYaml .Values.extraPorts | nindent 2 }}"].join("\n").replace("ports:", "@ports:"),
      ["ports:", "  - port: 443", "  - ^port: 8443"].join("\n"),
    );
  });

  // prometheus-community's alertmanager chart: one container written out, every value templated, then extraContainers.
  const containers = (probe: string): string =>
    [
      "spec:",
      "  containers:",
      "    - name: {{ .Chart.Name }}",
      '      image: "{{ .Values.image.repository }}"',
      "      ports:",
      "        - containerPort: 9093",
      `      ${probe}livenessProbe:`,
      "        {{- toYaml .Values.livenessProbe | nindent 12 }}",
      "  {{- with .Values.extraContainers }}",
      "  {{- toYaml . | nindent 4 }}",
      "  {{- end }}",
    ].join("\n");
  const renderedContainer = (name: string, probe = ""): string[] => [`    - name: ${name}`, "      image: am", "      ports:", "        - containerPort: 9093", `      ${probe}livenessProbe:`, "        httpGet: {path: /}"];

  it("finds the one item the template writes out by its keys, although a directive may add items and every value is templated", () => {
    expectMapped(containers("@"), ["spec:", "  containers:", ...renderedContainer("alertmanager", "^")].join("\n"));
  });

  it("tells two items written out with the same keys apart by what their templated names can render", () => {
    const reloader = ["    {{- if .Values.reload }}", "    - name: {{ .Chart.Name }}-reload", "      image: reload", "      ports:", "        - containerPort: 9533", "      livenessProbe:", "        httpGet: {path: /}", "    {{- end }}"];
    const template = containers("@").split("\n");
    expectMapped([...template.slice(0, 2), ...reloader, ...template.slice(2)].join("\n"), ["spec:", "  containers:", ...renderedContainer("alertmanager", "^")].join("\n"));
  });

  it("does not take an item's keys for its identity when another rendered item has the same keys", () => {
    expectMapped(
      containers("").replace("  containers:", "  @containers:"),
      ["spec:", "  containers:", ...renderedContainer("alertmanager", "^"), ...renderedContainer("copy")].join("\n"),
    );
  });

  it("does not take an item's keys for its identity when the rendered item has a key the template item does not write", () => {
    expectMapped(containers("").replace("  containers:", "  @containers:"), ["spec:", "  containers:", ...renderedContainer("alertmanager", "^"), "      args: [--x]"].join("\n"));
  });

  it("tells unnamed items apart by their literal values when a conditional item was not rendered", () => {
    expectMapped(
      [
        "metrics:",
        "  {{- if .Values.cpu }}",
        "  - type: Resource",
        "    resource:",
        "      name: cpu",
        "      target: {{ .Values.cpu }}",
        "  {{- end }}",
        "  {{- if .Values.memory }}",
        "  - type: Resource",
        "    resource:",
        "      name: memory",
        "      @target: {{ .Values.memory }}",
        "  {{- end }}",
      ].join("\n"),
      ["metrics:", "  - type: Resource", "    resource:", "      name: memory", "      ^target: 80"].join("\n"),
    );
  });

  it("reads quoted keys", () => {
    expectMapped(
      ["metadata:", "  annotations:", "    @\"helm.sh/hook\": pre-install"].join("\n"),
      ["metadata:", "  annotations:", "    ^helm.sh/hook: pre-install"].join("\n"),
    );
  });

  it("splits a template into its documents", () => {
    const docs = outlineTemplate("kind: A\n---\n{{- if .x }}\nkind: B\n{{- end }}\n---\n");
    expect(docs.map((d) => d.firstContentLine)).toEqual([1, 4]);
  });
});
