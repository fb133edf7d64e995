import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import jsYaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { renderChart } from "../src/bench/corpus.js";
import { astBlockLiteral, astRange, parseForPositions } from "../src/load/ast-positions.js";
import { LineScan } from "../src/load/scan-positions.js";
import { splitDocuments } from "../src/load/split-documents.js";
import type { NodePath } from "../src/load/types.js";

// The line scan (src/load/scan-positions.ts) places findings without the yaml AST; where it answers, its
// answer must be the AST's (src/load/ast-positions.ts), which is what positions were before it existed.

/** Every path to a node of the value, and a missing child of each collection (findings point at absent keys too). */
function pathsOf(value: unknown): NodePath[] {
  const out: NodePath[] = [];
  const seen = new Set<object>();
  const walk = (node: unknown, at: NodePath): void => {
    out.push(at);
    if (node === null || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, [...at, i]));
      out.push([...at, node.length]);
    } else {
      for (const [key, child] of Object.entries(node)) walk(child, [...at, key]);
      out.push([...at, "missing"], [...at, 0]);
    }
  };
  walk(value, []);
  return out;
}

/** Compares scan and AST on every path of a document; returns how many paths the scan answered. */
function compare(text: string, paths: NodePath[] = pathsOf(jsYaml.load(text, { json: true }))): { scanned: number; paths: number } {
  const { doc } = parseForPositions(text);
  const scan = new LineScan(text);
  const differences: unknown[] = [];
  let scanned = 0;
  for (const at of paths) {
    const range = scan.range(at);
    if (range) {
      scanned++;
      const ast = astRange(doc, at);
      // positions use max(start, end): an empty value's end may sit before its key's start in both
      if (range.range[0] !== ast.range[0] || Math.max(...range.range) !== Math.max(...ast.range) || range.depth !== ast.depth) differences.push({ at, range, ast });
    }
    const literal = scan.blockLiteral(at);
    if (literal !== undefined && JSON.stringify(literal) !== JSON.stringify(astBlockLiteral(doc, at))) differences.push({ at, literal, ast: astBlockLiteral(doc, at) });
  }
  expect({ text, differences }).toEqual({ text, differences: [] });
  return { scanned, paths: paths.length };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return yamlFiles(file);
    return /\.ya?ml$/.test(name) ? [file] : [];
  });
}

function parsable(text: string): boolean {
  try {
    jsYaml.load(text, { json: true });
    return true;
  } catch {
    return false;
  }
}

describe("the line scan gives the AST's ranges", () => {
  it("on every path of every fixture document", () => {
    let documents = 0;
    for (const file of yamlFiles("fixtures")) {
      for (const document of splitDocuments(file, readFileSync(file, "utf8").replace(/\r\n?/g, "\n"))) {
        if (!parsable(document.text)) continue;
        documents++;
        compare(document.text);
      }
    }
    expect(documents).toBeGreaterThan(300);
  });

  it("and reads rendered charts without the AST, but for the paths through merge keys", () => {
    const documents = [1, 2].flatMap((i) => splitDocuments("chart.yaml", renderChart(i).text));
    let scanned = 0;
    let total = 0;
    for (const document of documents) {
      const result = compare(document.text);
      scanned += result.scanned;
      total += result.paths;
      // the generated workloads share their labels through `&labels` and `<<: *labels`
      if (!document.text.includes("<<")) expect(result).toEqual({ scanned: result.paths, paths: result.paths });
    }
    expect(scanned / total).toBeGreaterThan(0.9);
  });

  it("on values written in the styles YAML writers use, with comments and blank lines among them", () => {
    const key = fc.constantFrom("a", "name", "app.kubernetes.io/name", "80", "0x1F", "True", "key with space", "it's", "#h", "<<", "x:y");
    const scalar = fc.oneof(
      fc.constantFrom("", " lead", "trail ", "a: b", "x # y", "multi\nline\n", "multi\nline", "l1\n\nl3\n\n", "  indented\nnext", "*star", "{a}", "- item", "123", "yes", "~"),
      fc.string({ maxLength: 12 }),
      fc.integer(),
      fc.constant(null),
      fc.lorem({ maxCount: 30 }),
    );
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, fc.array(tie("value"), { maxLength: 4 }), fc.dictionary(key, tie("value"), { maxKeys: 4 })),
    }));
    const writer = fc.oneof(
      fc.record({ indent: fc.constantFrom(1, 2, 4), noArrayIndent: fc.boolean(), flowLevel: fc.constantFrom(-1, -1, 2), lineWidth: fc.constantFrom(20, 80) }).map((o) => (v: unknown) => jsYaml.dump(v, o)),
      fc.record({ indentSeq: fc.boolean(), lineWidth: fc.constantFrom(20, 80), blockQuote: fc.constantFrom(true, "literal", "folded") }).map((o) => (v: unknown) => stringify(v, o)),
    );
    // after some lines: a comment at some column, a blank line, or a comment after the value
    const decorations = fc.array(fc.tuple(fc.nat(200), fc.constantFrom("\n# c", "\n      # c", "\n", "   # c", "  ")), { maxLength: 6 });
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }), writer, decorations, (object, write, decorate) => {
        const lines = write(object).split("\n");
        for (const [at, text] of decorate) if (lines.length > 0) lines[at % lines.length] += text;
        const text = lines.join("\n");
        if (parsable(text)) compare(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the line scan", () => {
  const range = (text: string, at: NodePath): string | undefined => {
    const found = new LineScan(text).range(at);
    return found && text.slice(found.range[0], found.range[1]);
  };

  it("ends a pair with its value, a collection past the newline of its last line", () => {
    const text = "---\n# Source: a/b.yaml\nspec:\n  containers:\n  - name: a\n    image: x   # pinned\n\nstatus: {}\n";
    compare(text);
    expect(range(text, ["spec", "containers", 0, "image"])).toBe("image: x");
    expect(range(text, ["spec", "containers"])).toBe("containers:\n  - name: a\n    image: x   # pinned\n");
    expect(range(text, ["spec", "containers", 0, "ports", 0])).toBe("name: a\n    image: x   # pinned\n");
  });

  it("takes the last of duplicate keys, and a literal block's value line for line", () => {
    const text = "a: 1\nscript: |-\n  set -e\n\n  sleep 10 # wait\nscript: |\n  echo\nb: 2\n";
    compare(text);
    expect(range(text, ["script"])).toBe("script: |\n  echo\n");
    expect(new LineScan(text).blockLiteral(["script"])).toEqual({ value: "echo\n", range: [text.lastIndexOf("|"), text.indexOf("b: 2")] });
    expect(new LineScan(text).blockLiteral(["a"])).toBeNull();
  });

  it("leaves to the AST what it would have to guess", () => {
    const cases: Array<[string, NodePath]> = [
      ["a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\n", ["c", "b"]], // a key a merge may hold
      ["a: [1, {b: 2}, {b: }]\n", ["a", 2, "b"]], // a flow pair without a value
      ["a:\n  b: 1\n  # about b\nc: 2\n", ["a"]], // yaml ends `a` after the comment
      ["a: |+\n  x\n\nb: 1\n", ["a"]], // kept trailing lines
      ["a: |2\n    x\n", ["a"]], // an indentation indicator
      ["0x10: a\n", ["16"]], // a key the core schema reads as a number
      ["- &i x\n- *i\n", [1]], // an alias as an item: its anchor's range
    ];
    for (const [text, at] of cases) {
      expect({ text, found: new LineScan(text).range(at) }).toEqual({ text, found: undefined });
      expect(astRange(parseForPositions(text).doc, at).depth).toBeGreaterThan(0);
    }
    // the same shapes off the path do not matter
    expect(range("a: &x {b: 1}\nc:\n  <<: *x\n  b: 2\n", ["c", "b"])).toBe("b: 2");
    expect(range("a: [1, {b: 2}, {b: }]\nb:\n  c: 1\n  # about c\n", ["b", "c"])).toBe("c: 1");
    expect(range("a: [1, {b: 2}, {b: }]\n", ["a", 1, "b"])).toBe("b: 2");
  });
});
