import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { positionOf, shellParser, type ShNode } from "../src/shell/parser.js";

// The shell analyses read mvdan-sh's tree as plain objects (src/shell/parser.ts). These tests read the same
// scripts through the package's own JavaScript API, node by node, and require the same tree: the types and
// order Go's syntax.Walk visits, each node's position, and every scalar field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Wrapped = any;
const go = (createRequire(import.meta.url)("mvdan-sh") as { syntax: Wrapped }).syntax;

const CONSTRUCTS = [
  "for i in $(seq 1 30); do curl -sf --max-time 3 http://x/$i || sleep 5; done",
  'until [[ $n -ge 5 ]]; do ((n++)); x=${a:-b}; y=${a/b/c}; z=${a:1:2}; echo "é $x" >&2 2>/dev/null <<EOF\nhi $x\nEOF\ndone',
  "case $x in a|b) echo a;; *) echo b;; esac; arr=(1 2 [3]=4); declare -A m; let 'x=1+2'; f() { local q=1; }",
  "coproc cat; time sleep 1; [[ -f x && ! -d y ]]; echo {1..5} a{b,c}; cat <(ls) >(wc); echo @(a|b) ${#a} ${!p} ${a[@]} ${a^^}",
  "set -e\nwhile read -r line; do echo $line; done < <(kubectl get pods)\n(cd /tmp && sleep 2) & wait",
  "for ((i = 0; i < 10; i++)); do if [ $i -gt 3 ]; then break; elif true; then :; else continue; fi; done | tee log",
  "export A=1 B=\"$A\"; readonly C; echo `date` $((1 + 2 * 3)) '$x' \"${x:-$(hostname)}\"; ! false",
];

/** Every `sh -c` script of the fixtures: what the rules read in the tests. */
function fixtureScripts(): string[] {
  const out: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (typeof item === "string" && /^-[a-z]*c$/.test(item) && typeof value[i + 1] === "string") out.push(value[i + 1] as string);
        visit(item);
      });
    } else if (value && typeof value === "object") {
      Object.values(value).forEach(visit);
    }
  };
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.ya?ml$/.test(entry.name)) for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) if (!("empty" in doc)) visit(doc.toJS({ maxAliasCount: -1 }));
    }
  };
  walk("fixtures");
  return out;
}

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
      if (field === "type" || (value !== null && typeof value === "object")) continue;
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
