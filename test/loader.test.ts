import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitWorkTreeOf } from "../src/load/git-work-tree.js";
import { collectInputs } from "../src/load/inputs.js";
import { loadFile } from "../src/load/load-file.js";
import { PositionResolver } from "../src/load/positions.js";
import { splitDocuments } from "../src/load/split-documents.js";
import { walkDirectory } from "../src/load/walk-directory.js";
import { globby } from "globby";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("loadFile", () => {
  it("resolves YAML 1.1 merge keys in both spellings, as Kubernetes does", () => {
    const loaded = loadFile("m.yaml", bytes("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\ny:\n  !!merge <<: *b\nz:\n  <<: [*b]\n"));
    expect(loaded.problems).toEqual([]);
    expect(loaded.documents[0]!.value).toEqual({ base: { a: 1, b: 2 }, x: { a: 1, b: 3 }, y: { a: 1, b: 2 }, z: { a: 1, b: 2 } });
  });

  it("keeps line numbers right with a BOM and CRLF line ends", () => {
    const loaded = loadFile("w.yaml", bytes("\uFEFFa: 1\r\n---\r\nb: 2\r\nb: 3\r\n"));
    expect(loaded.problems.map((p) => [p.line, p.column])).toEqual([[4, 1]]);
    expect(loaded.documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 3 }]);
  });

  it("isolates a broken document: its neighbours still load", () => {
    const loaded = loadFile("s.yaml", bytes("a: 1\n---\nb: [\n---\nc: 3\n"));
    expect(loaded.documents.map((d) => d.value)).toEqual([{ a: 1 }, { c: 3 }]);
    expect(loaded.problems).toHaveLength(1);
    expect(loaded.problems[0]!.line).toBe(3);
  });

  it("refuses an alias cycle written right after a JSON-style key, also with braces elsewhere", () => {
    const loaded = loadFile("c.yaml", bytes('a: "{{ x }}"\nfoo: &x {"b":*x}\n'));
    expect(loaded.documents).toEqual([]);
    expect(loaded.problems.map((p) => [p.line, p.message.split(" (")[0]])).toEqual([[2, "an alias refers to a node that contains it"]]);
  });

  it("tells template directives in the structure from braces in strings and mappings used as keys", () => {
    const docs = [
      "a: {{ .Values.a }}\n", // js-yaml reads it as a mapping used as a key
      "b: [x, {{ .Values.b }}]\n",
      "{{- if .Values.c }}\nc: 1\n{{- end }}\n", // js-yaml rejects it
      'd: "{{ .Values.d }}"\ne: |\n  {{ .Values.e }}\nf: x {{ y }}\n', // data
      "? {g: 1}\n: complex key\n", // a mapping as a key, without braces in the text
      "? {h: 1}\n: complex key, with {{ braces }} in a value\n",
      "[a, {{ .Values.i }}]: v\n", // js-yaml names this key "a,[object Object]"
      "<<: {j: {{ .Values.j }}}\nj: 1\n", // the merge drops the mapping that held the directive
    ];
    const loaded = loadFile("t.yaml", bytes(docs.join("---\n")));
    expect(loaded.problems.map((p) => [p.kind, p.line])).toEqual([
      ["unrendered-template", 1],
      ["unrendered-template", 3],
      ["unrendered-template", 5],
      ["unrendered-template", 20],
      ["unrendered-template", 22],
    ]);
    expect(loaded.documents.map((d) => d.source.index)).toEqual([3, 4, 5]);
  });

  it("reports one syntax error per document, not one per level of an unclosed nesting", () => {
    const loaded = loadFile("n.yaml", bytes(`a: 1\n---\nb: ${"[".repeat(300)}\n---\nc: 3\n`));
    expect(loaded.problems.map((p) => [p.line, p.message.split(":")[0]])).toEqual([[3, "YAML syntax error"]]);
    expect(loaded.documents.map((d) => d.value)).toEqual([{ a: 1 }, { c: 3 }]);
  });

  it("reports an unclosed collection at the end of its last line, not on blank lines after it", () => {
    const loaded = loadFile("s.yaml", bytes("a: [1, 2\n\n\n---\nb: 1\n"));
    expect(loaded.problems.map((p) => [p.line, p.column])).toEqual([[1, 9]]);
    expect(loaded.documents.map((d) => d.value)).toEqual([{ b: 1 }]);
  });

  it("counts a line of other whitespace (a BOM left mid-file by concatenation) as blank, not as a document", () => {
    const docs = splitDocuments("c.yaml", "a: 1\n---\n\uFEFF# from b.yaml\n---\nb: 2\n");
    expect(docs.map((d) => [d.index, d.startLine])).toEqual([[0, 1], [1, 4]]);
  });

  it("does not split on --- inside a block scalar that is indented, and records # Source", () => {
    const docs = splitDocuments("h.yaml", "---\n# Source: chart/templates/cm.yaml\ndata:\n  x: |\n    ---\n    y\n---\n# Source: chart/templates/b.yaml\nb: 1\n");
    expect(docs.map((d) => [d.startLine, d.helmSource])).toEqual([[1, "chart/templates/cm.yaml"], [7, "chart/templates/b.yaml"]]);
  });

  it("keeps %YAML directives with the document they introduce", () => {
    const loaded = loadFile("d.yaml", bytes("%YAML 1.2\n---\na: 1\n...\n%YAML 1.2\n---\nb: 2\n"));
    expect(loaded.problems).toEqual([]);
    expect(loaded.documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it("keeps a CRD's identity, names and versions, and of its schema only the branches to keyed lists, once the whole document has parsed", () => {
    const crd =
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n" +
      "spec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n" +
      "          type: object\n          properties:\n            spec:\n              type: object\n              description: a long text\n              properties:\n" +
      "                size: {type: integer}\n                ports:\n                  type: array\n                  x-kubernetes-list-type: map\n                  x-kubernetes-list-map-keys: [port, protocol]\n" +
      "                  items:\n                    type: object\n                    properties:\n                      port: {type: integer}\n                      protocol: {type: string, default: TCP}\n                      name: {type: string}\n";
    const loaded = loadFile("crd.yaml", bytes(`${crd}---\n${crd.replace("group: example.com", "group: example.com\n  group: example.org")}`));
    const summary = (group: string): unknown => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group,
        names: { kind: "Widget", plural: "widgets" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                properties: {
                  spec: {
                    properties: {
                      ports: {
                        "x-kubernetes-list-type": "map",
                        "x-kubernetes-list-map-keys": ["port", "protocol"],
                        items: { properties: { protocol: { default: "TCP" } } },
                      },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    });
    expect(loaded.documents.map((d) => d.value)).toEqual([summary("example.com"), summary("example.org")]);
    // The schema was still read: a duplicate key inside it is reported at its line.
    expect(loaded.problems.map((p) => [p.line, p.message.slice(0, 21)])).toEqual([[38, 'duplicate key "group"']]);
  });

  it("refuses an alias bomb quickly with a finding instead of expanding it", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) levels.push(`${"abcdefghi"[i]}: &${"abcdefghi"[i]} [${Array(10).fill(`*${"abcdefghi"[i - 1]}`).join(", ")}]`);
    const loaded = loadFile("bomb.yaml", bytes(levels.join("\n") + "\n"));
    expect(loaded.documents).toEqual([]);
    expect(loaded.problems[0]!.message).toMatch(/alias/);
  });
});

describe("PositionResolver", () => {
  it("points at the key of the path, through sequences and merges, in file coordinates", () => {
    const [, doc] = splitDocuments("p.yaml", "x: 1\n---\ndefaults: &d\n  image: nginx\nspec:\n  containers:\n    - name: a\n      <<: *d\n");
    const resolver = new PositionResolver();
    expect(resolver.resolve(doc!, ["spec", "containers", 0, "name"])).toMatchObject({ line: 7, column: 7 });
    // a merged key resolves to where it is written (the anchor), which is what the user must edit
    expect(resolver.resolve(doc!, ["spec", "containers", 0, "image"])).toMatchObject({ line: 4, column: 3 });
    // a path deeper than the document falls back to the deepest existing key
    expect(resolver.resolve(doc!, ["spec", "containers", 0, "env", 3])).toMatchObject({ line: 7, column: 7 });
  });
});

describe("collectInputs", () => {
  it("walks directories for *.yaml, *.yml and *.json, honouring the repository's .gitignore, and expands globs", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-inputs-"));
    execFileSync("git", ["init", "-q"], { cwd: dir });
    mkdirSync(path.join(dir, "apps", "ignored"), { recursive: true });
    for (const f of ["apps/a.yaml", "apps/b.yml", "apps/c.json", "apps/readme.md", "apps/ignored/x.yaml"]) writeFileSync(path.join(dir, f), "");
    writeFileSync(path.join(dir, ".gitignore"), "ignored/\n");
    const fromDir = await collectInputs(["apps"], { cwd: dir, stdinName: "<stdin>" });
    expect(fromDir.files.map((f) => f.name)).toEqual(["apps/a.yaml", "apps/b.yml", "apps/c.json"]);
    const fromGlob = await collectInputs(["apps/*.y*ml", "missing.yaml", "nothing/*.yaml"], { cwd: dir, stdinName: "<stdin>" });
    expect(fromGlob.files.map((f) => f.name)).toEqual(["apps/a.yaml", "apps/b.yml"]);
    expect(fromGlob.problems.map((p) => p.message)).toEqual(["no such file or directory: missing.yaml", 'no files match the pattern "nothing/*.yaml"']);
  });

  it("outside a Git work tree, a .gitignore ignores nothing (as for git)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-inputs-"));
    expect(gitWorkTreeOf(dir)).toBeUndefined();
    mkdirSync(path.join(dir, "apps", "ignored"), { recursive: true });
    for (const f of ["apps/a.yaml", "apps/ignored/x.yaml"]) writeFileSync(path.join(dir, f), "");
    writeFileSync(path.join(dir, ".gitignore"), "ignored/\n");
    expect((await collectInputs(["apps"], { cwd: dir, stdinName: "<stdin>" })).files.map((f) => f.name)).toEqual(["apps/a.yaml", "apps/ignored/x.yaml"]);
    expect((await collectInputs(["apps/**/*.yaml"], { cwd: dir, stdinName: "<stdin>" })).files.map((f) => f.name)).toEqual(["apps/a.yaml", "apps/ignored/x.yaml"]);
  });

  it("walks a directory as globby would (dot: false, no link following, every entry kind)", async () => {
    // Dot files and directories, links to files and directories, a directory link loop, a broken link,
    // a pipe, a directory named like a manifest, chart and kustomization markers, deep nesting.
    const root = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-walk-"));
    const tree = path.join(root, "tree");
    const files = ["a.yaml", "b.yml", "c.json", "d.YAML", "readme.md", ".hidden.yaml", ".dot/x.yaml", "n/.dot/y.yaml", "n/m/k/deep.yaml", "n/m/z.yml", "chart/Chart.yaml", "chart/templates/t.yaml", "kust/kustomization.yaml", "kust/r.yaml", "named.yaml/inner.yaml", "yaml"];
    for (const f of files) {
      mkdirSync(path.dirname(path.join(tree, f)), { recursive: true });
      writeFileSync(path.join(tree, f), "");
    }
    symlinkSync("a.yaml", path.join(tree, "link.yaml"));
    symlinkSync("n", path.join(tree, "dirlink.yaml"));
    symlinkSync("n", path.join(tree, "dirlink"));
    symlinkSync("..", path.join(tree, "n", "up"));
    symlinkSync("missing.yaml", path.join(tree, "broken.yaml"));
    execFileSync("mkfifo", [path.join(tree, "n", "pipe.yaml")]);
    expect(gitWorkTreeOf(root)).toBeUndefined();
    const wanted = (name: string) => /\.(?:yaml|yml|json)$/.test(name) || ["Chart.yaml", "kustomization.yaml", "kustomization.yml", "Kustomization"].includes(name);
    const options = { cwd: tree, absolute: true, followSymbolicLinks: false, suppressErrors: true, dot: false, onlyFiles: false } as const;
    const globbed = await globby(["**/*.{yaml,yml,json}", "**/{Chart.yaml,kustomization.yaml,kustomization.yml,Kustomization}"], options);
    expect(walkDirectory(tree, wanted).sort()).toEqual(globbed.filter((f) => !lstatSync(f).isDirectory()).sort());

    const inputs = await collectInputs(["tree"], { cwd: root, stdinName: "<stdin>" });
    expect(inputs.files.map((f) => f.name)).toEqual(["tree/a.yaml", "tree/b.yml", "tree/c.json", "tree/n/m/k/deep.yaml", "tree/n/m/z.yml", "tree/named.yaml/inner.yaml"]);
    expect(inputs.problems.map((p) => p.file)).toEqual(["tree/broken.yaml", "tree/n/pipe.yaml"]);
    expect(inputs.units.map((u) => [u.kind, path.relative(root, u.dir)])).toEqual([["helm-chart", "tree/chart"], ["kustomize", "tree/kust"]]);
  });

  it("inside a Git work tree, leaves out exactly what git ignores (nested .gitignore files, negations, parents)", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-gitignore-"));
    const home = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-home-")); // no user or system excludes file
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: "1" };
    execFileSync("git", ["init", "-q"], { cwd: root, env });
    const write = (f: string, text = "") => {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      writeFileSync(path.join(root, f), text);
    };
    write(".gitignore", "build\n*.tmp.yaml\n!keep.tmp.yaml\n/anchored.yaml\n**/deep/skip.yaml\nlocal/\nglob-*.yml\nUpper/\n*.YML\nreinc/\n");
    write("apps/.gitignore", "secret.yaml\n/only-here.yaml\n!anchored.yaml\n!reinc/\n");
    write("apps/team/.gitignore", "!secret.yaml\nsub/*.json\n");
    for (const f of [
      "anchored.yaml", "apps/anchored.yaml", "apps/a.yaml", "apps/x.tmp.yaml", "apps/keep.tmp.yaml", "apps/build/b.yaml", "apps/build.yaml",
      "apps/secret.yaml", "apps/team/secret.yaml", "apps/team/sub/c.json", "apps/team/sub/d.yaml", "apps/only-here.yaml", "apps/team/only-here.yaml",
      "apps/deep/skip.yaml", "apps/n/deep/skip.yaml", "apps/n/deep/ok.yaml", "apps/local/l.yaml", "apps/locals/l.yaml", "apps/glob-1.yml", "apps/team/glob-2.yml",
      "apps/upper/u.yaml", "apps/lower.yml", "apps/reinc/r.yaml", // case-sensitive; a directory re-included by a closer file
    ]) write(f);
    const byGit = execFileSync("git", ["ls-files", "-z", "--others", "--exclude-standard", "--", "apps"], { cwd: root, env, encoding: "utf8" })
      .split("\0")
      .filter((f) => /\.(?:yaml|yml|json)$/.test(f))
      .sort();
    const walked = (await collectInputs(["apps"], { cwd: root, stdinName: "<stdin>" })).files.map((f) => f.name);
    expect(walked).toEqual(byGit);
    expect(walked).toContain("apps/team/secret.yaml"); // re-included by the closer .gitignore
    expect(walked).not.toContain("apps/build/b.yaml"); // below an ignored directory
    expect(walked).not.toContain("apps/x.tmp.yaml"); // the parent directory's .gitignore applies to a walk started below it
    expect(walked).toEqual(expect.arrayContaining(["apps/upper/u.yaml", "apps/lower.yml", "apps/reinc/r.yaml"]));

    // A directory named on the command line is linted even when ignored (git would list nothing), with
    // the .gitignore files inside it; one reached through a link from outside the work tree too.
    write(".gitignore", "rendered/\n");
    write("rendered/.gitignore", "skip.yaml\n");
    for (const f of ["rendered/keep.yaml", "rendered/skip.yaml", "rendered/sub/keep.yaml", "rendered/sub/skip.yaml"]) write(f);
    const named = async (arg: string, cwd = root) => (await collectInputs([arg], { cwd, stdinName: "<stdin>" })).files.map((f) => path.relative(cwd, f.absolutePath!));
    expect(await named("rendered")).toEqual(["rendered/keep.yaml", "rendered/sub/keep.yaml"]);
    const outside = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-link-"));
    symlinkSync(path.join(root, "rendered", "sub"), path.join(outside, "link"));
    expect(await named("link", outside)).toEqual(["link/keep.yaml"]);
    // A .gitignore that is a link is not read, as git does not read one.
    write("linked/rules.txt", "a.yaml\n");
    write("linked/a.yaml");
    symlinkSync("rules.txt", path.join(root, "linked", ".gitignore"));
    expect(await named("linked")).toEqual(["linked/a.yaml"]);
  });
});
