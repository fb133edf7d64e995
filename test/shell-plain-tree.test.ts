import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { positionOf, shellParser, type ShNode } from "../src/shell/parser.js";
import { CONSTRUCTS, fixtureScripts } from "./support/shell-scripts.js";

// The shell analyses read mvdan-sh's tree as plain objects (src/shell/parser.ts). These tests read the same
// scripts through the package's own JavaScript API, node by node, and require the same tree: the types and
// order Go's syntax.Walk visits, each node's position, and every scalar field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Wrapped = any;
const go = (createRequire(import.meta.url)("mvdan-sh") as { syntax: Wrapped }).syntax;

function goNodes(script: string): Wrapped[] {
  const nodes: Wrapped[] = [];
  go.Walk(go.NewParser(go.Variant(go.LangBash)).Parse(script, "script"), (node: Wrapped) => {
    nodes.push(node);
    return true;
  });
  return nodes;
}

function plainNodes(script: string): ShNode[] {
  const sh = shellParser();
  const nodes: ShNode[] = [];
  sh.syntax.Walk(sh.parse(script), (node) => {
    nodes.push(node);
    return true;
  });
  return nodes;
}

function differences(script: string): string[] {
  const want = goNodes(script);
  const got = plainNodes(script);
  const out: string[] = [];
  if (want.length !== got.length) out.push(`${want.length} nodes walked by Go, ${got.length} in the plain tree`);
  for (let i = 0; i < Math.min(want.length, got.length); i++) {
    const w = want[i];
    const g = got[i];
    if (w === null || g === null) {
      if (w !== g) out.push(`#${i}: end of node in one walk only`);
      continue;
    }
    const type = go.NodeType(w);
    if (g.type !== type) out.push(`#${i}: ${g.type} where Go has ${type}`);
    const at = positionOf(g);
    if (at.line !== w.Pos().Line() || at.col !== w.Pos().Col()) out.push(`#${i} ${type}: at ${at.line}:${at.col}, Go ${w.Pos().Line()}:${w.Pos().Col()}`);
    for (const [field, value] of Object.entries(g)) {
      if (field === "type" || field === "pos" || (value !== null && typeof value === "object")) continue;
      if (w[field] !== value) out.push(`#${i} ${type}.${field}: ${JSON.stringify(value)}, Go ${JSON.stringify(w[field])}`);
    }
  }
  return out;
}

describe("the plain shell tree", () => {
  it.each(CONSTRUCTS)("matches mvdan-sh's own reading of %j", (script) => {
    expect(differences(script)).toEqual([]);
  });

  it("matches it on every script of the fixtures", () => {
    const scripts = fixtureScripts().filter((script) => shellParser().parse(script) !== undefined);
    expect(scripts.length).toBeGreaterThan(20);
    const failing = scripts.map((script) => ({ script, differences: differences(script) })).filter((s) => s.differences.length > 0);
    expect(failing).toEqual([]);
  });

  it("decodes UTF-8 text and reads nil fields as null", () => {
    const file = shellParser().parse("echo é ${a}");
    const [echo, accent, param] = file.Stmts[0].Cmd.Args;
    expect(echo.Parts[0]).toMatchObject({ type: "Lit", Value: "echo" });
    expect(accent.Parts[0].Value).toBe("é");
    expect(param.Parts[0]).toMatchObject({ type: "ParamExp", Index: null, Slice: null, Exp: null, Param: { type: "Lit", Value: "a" } });
  });

  it("splits the braces of a literal word as Bash expands them", () => {
    const parts = shellParser().splitBraces("x{1..30..2}y{a,b}").Parts as ShNode[];
    expect(parts.map((p) => (p.type === "Lit" ? p.Value : p.type))).toEqual(["x", "BraceExp", "y", "BraceExp", ""]);
    expect(parts[1]).toMatchObject({ Sequence: true, Elems: [{ Parts: [{ Value: "1" }] }, { Parts: [{ Value: "30" }] }, { Parts: [{ Value: "2" }] }] });
    expect(parts[3].Elems).toHaveLength(2);
  });
});
