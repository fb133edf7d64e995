import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { BIN, lintJson, spawnCli, type JsonReport } from "./support/cli.js";

// Several tests start the real binary; a busy machine must not time them out.
vi.setConfig({ testTimeout: 60_000 });

const GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\ndata:\n  a: b\n";
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A temporary folder holding `files` (text or raw bytes). */
function folder(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-malformed-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function invalid(report: JsonReport): Array<{ file: string; line: number; column: number; message: string }> {
  return report.findings.filter((f) => f.ruleId === "invalid-input").map(({ file, line, column, message }) => ({ file, line, column, message }));
}

describe("each malformed input is one finding at its position, and the other files are still linted", () => {
  it("YAML syntax error", async () => {
    const dir = folder({ "bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [1, 2\n", "good.yaml": GOOD });
    const report = await lintJson(["."], { cwd: dir });
    // The unclosed flow sequence is reported at the end of its line, not on the line after the document.
    expect(invalid(report)).toEqual([expect.objectContaining({ file: "bad.yaml", line: 6, column: 11, message: expect.stringMatching(/^YAML syntax error/) })]);
    expect(report.summary.objects).toBe(1);
    expect(report.code).toBe(1);
  });

  it("a broken document does not take its neighbours in the same file down", async () => {
    const dir = folder({ "all.yaml": `${GOOD}---\nkey: "unterminated\n---\n${GOOD.replace("fine", "fine2")}` });
    const report = await lintJson(["all.yaml"], { cwd: dir });
    expect(invalid(report)).toHaveLength(1);
    expect(invalid(report)[0]!.line).toBeGreaterThanOrEqual(8);
    expect(report.summary.objects).toBe(2);
  });

  it("duplicate key: reported at the second key, the document is linted with the last value", async () => {
    const dir = folder({ "dup.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n  name: two\n" });
    const report = await lintJson(["dup.yaml"], { cwd: dir });
    // The message names the object as linted: the last value wins.
    expect(invalid(report)).toEqual([{ file: "dup.yaml", line: 5, column: 3, message: expect.stringMatching(/^ConfigMap "two": duplicate key "name"/) }]);
    expect(report.summary.objects).toBe(1);
  });

  it("unrendered {{ }} template", async () => {
    const dir = folder({ "t.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n", "good.yaml": GOOD });
    const report = await lintJson(["."], { cwd: dir });
    const found = report.findings.filter((f) => f.ruleId === "unrendered-template");
    expect(found).toEqual([expect.objectContaining({ file: "t.yaml", line: 4, column: 9 })]);
    expect(report.summary.objects).toBe(1);
    expect(report.code).toBe(1);
  });

  it("non-UTF-8 bytes: at the first bad byte", async () => {
    const latin1 = Buffer.concat([Buffer.from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf"), Buffer.from([0xe9]), Buffer.from("\n")]);
    const dir = folder({ "latin1.yaml": latin1, "good.yaml": GOOD });
    const report = await lintJson(["."], { cwd: dir });
    expect(invalid(report)).toEqual([{ file: "latin1.yaml", line: 4, column: 12, message: expect.stringContaining("UTF-8") }]);
    expect(report.summary.objects).toBe(1);
  });

  it("NUL bytes and binary files", async () => {
    const dir = folder({ "image.yaml": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), "good.yaml": GOOD });
    const report = await lintJson(["."], { cwd: dir });
    expect(invalid(report)).toEqual([{ file: "image.yaml", line: 1, column: 1, message: expect.stringContaining("binary data") }]);
    expect(report.summary.objects).toBe(1);
  });

  it("binary data is judged by the first 8 KiB of bytes, also when the file is valid UTF-8 read as text", async () => {
    // "é" is two bytes: a NUL after 3,000 of them is at byte 6,000, one after 5,000 at byte 10,000.
    const comment = (n: number) => `${GOOD}# ${"é".repeat(n)}\u0000\n`;
    const dir = folder({ "early.yaml": comment(3000), "late.yaml": comment(5000) });
    const report = await lintJson(["."], { cwd: dir });
    expect(invalid(report).map((f) => [f.file, f.message.split(":")[0]])).toEqual([
      ["early.yaml", `binary data (a NUL byte at offset ${Buffer.byteLength(`${GOOD}# `) + 6000})`],
      ["late.yaml", "a NUL byte"],
    ]);
  });

  it("a real U+FFFD in valid UTF-8 is text, not a decoding error", async () => {
    const dir = folder({ "replacement.yaml": GOOD.replace("fine", "fine-\uFFFD") });
    const report = await lintJson(["."], { cwd: dir });
    expect(invalid(report)).toEqual([]);
    expect(report.summary.objects).toBe(1);
  });

  it("a NUL byte late in a big file is a finding, not a crash", async () => {
    const dir = folder({ "late.yaml": `${GOOD}# ${"x".repeat(10_000)}\n---\nkey: "a\u0000b"\n` });
    const report = await lintJson(["late.yaml"], { cwd: dir });
    expect(invalid(report)).toHaveLength(1);
    expect(report.summary.objects).toBe(1);
  });

  it("missing paths and patterns that match nothing", async () => {
    const dir = folder({ "good.yaml": GOOD });
    const report = await lintJson(["good.yaml", "absent.yaml", "nothing/*.yaml"], { cwd: dir });
    expect(invalid(report)).toEqual([
      { file: "absent.yaml", line: 1, column: 1, message: "no such file or directory: absent.yaml" },
      { file: "nothing/*.yaml", line: 1, column: 1, message: expect.stringContaining("no files match") },
    ]);
    expect(report.summary.objects).toBe(1);
    expect(report.code).toBe(1);
  });

  // Tests run as root, where chmod 000 still reads. What really cannot be read inside a walked
  // folder: a broken symbolic link, a link loop, and a pipe (reading one with no writer would hang).
  it("unreadable entries in a walked folder: broken link, link loop, pipe", async () => {
    const dir = folder({ "good.yaml": GOOD, "real/shared.yaml": GOOD.replace("fine", "shared") });
    symlinkSync("missing.yaml", path.join(dir, "broken.yaml"));
    symlinkSync("loop-b.yaml", path.join(dir, "loop-a.yaml"));
    symlinkSync("loop-a.yaml", path.join(dir, "loop-b.yaml"));
    symlinkSync("real/shared.yaml", path.join(dir, "linked.yaml")); // read once, not twice
    symlinkSync(".", path.join(dir, "real", "self")); // a directory loop is not followed
    execFileSync("mkfifo", [path.join(dir, "pipe.yaml")]);
    const report = await lintJson(["."], { cwd: dir });
    expect(invalid(report).map((f) => [f.file, f.line, f.column])).toEqual([
      ["broken.yaml", 1, 1],
      ["loop-a.yaml", 1, 1],
      ["loop-b.yaml", 1, 1],
      ["pipe.yaml", 1, 1],
    ]);
    expect(invalid(report)[0]!.message).toContain("broken symbolic link");
    expect(invalid(report)[1]!.message).toContain("link loop");
    expect(invalid(report)[3]!.message).toContain("not a regular file");
    expect(report.summary.objects).toBe(2);
    expect(report.code).toBe(1);
  });

  it("a directory in the walk that cannot be read is an error, and the rest is still linted", () => {
    const dir = folder({ "good.yaml": GOOD, "locked/inner.yaml": GOOD.replace("fine", "inner") });
    chmodSync(dir, 0o755);
    chmodSync(path.join(dir, "locked"), 0o000);
    // As root every directory reads: run the binary as nobody there.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const result = spawnSync(process.execPath, [BIN, ".", "-f", "json"], { cwd: dir, encoding: "utf8", ...asUser });
    chmodSync(path.join(dir, "locked"), 0o755);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(invalid(report)).toEqual([{ file: "locked", line: 1, column: 1, message: "cannot read the directory locked: permission denied; nothing in it was linted" }]);
    expect(report.summary.objects).toBe(1);
    expect(result.status).toBe(1);
  });

  it("a directory with nothing to lint is an error, not a silent pass", async () => {
    const dir = folder({ "notes/README.md": "no manifests here\n", "libs/common/Chart.yaml": "apiVersion: v2\nname: common\ntype: library\nversion: 1.0.0\n" });
    const report = await lintJson(["notes", "libs"], { cwd: dir });
    expect(invalid(report)).toEqual([
      { file: "libs", line: 1, column: 1, message: "nothing to lint in libs: no manifests (*.yaml, *.yml, *.json), charts or kustomizations were found: the library chart libs/common, which gitops-lint renders only through the charts or kustomizations that use them" },
      { file: "notes", line: 1, column: 1, message: "nothing to lint in notes: no manifests (*.yaml, *.yml, *.json), charts or kustomizations were found" },
    ]);
    expect(report.code).toBe(1);
  });

  it("a link loop named on the command line", async () => {
    const dir = folder({ "good.yaml": GOOD });
    symlinkSync("x.yaml", path.join(dir, "y.yaml"));
    symlinkSync("y.yaml", path.join(dir, "x.yaml"));
    const report = await lintJson(["x.yaml", "good.yaml"], { cwd: dir });
    expect(invalid(report)).toEqual([{ file: "x.yaml", line: 1, column: 1, message: expect.stringContaining("link loop") }]);
    expect(report.summary.objects).toBe(1);
  });
});

describe("limits", () => {
  it("an alias bomb is refused quickly with a finding at its first alias", async () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const dir = folder({ "bomb.yaml": `${levels.join("\n")}\n`, "good.yaml": GOOD });
    const report = await lintJson(["."], { cwd: dir });
    expect(invalid(report)).toEqual([{ file: "bomb.yaml", line: 2, column: 8, message: expect.stringContaining("alias bomb") }]);
    expect(report.summary.objects).toBe(1);
    // Under a duplicate key, whose copies are compared to tell whether they differ: comparing them expanded would not end.
    for (let i = 9; i < 12; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    const duplicated = await lintJson(["-"], { stdin: `${levels.join("\n")}\nz: *l\nz: *l\n` });
    expect(invalid(duplicated)).toEqual([{ file: "<stdin>", line: 2, column: 8, message: expect.stringContaining("alias bomb") }]);
  });

  it("an alias inside its own anchor (an infinite value) is refused, not walked", async () => {
    const report = await lintJson(["-"], { stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: x\n  self: *m\n" });
    expect(invalid(report)).toEqual([{ file: "<stdin>", line: 5, column: 9, message: expect.stringContaining("contains it") }]);
    expect(report.summary.objects).toBe(0);
    // A wide one: walking it as a tree until the alias limit would need gigabytes of stack.
    const wide = await lintJson(["-"], { stdin: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: &a [${Array(100).fill("*a").join(", ")}]\n` });
    expect(invalid(wide)).toEqual([{ file: "<stdin>", line: 5, column: 11, message: expect.stringContaining("contains it") }]);
    // Many small ones: each is refused at the cost of its own size.
    const many = await lintJson(["-"], { stdin: Array(300).fill("a: &a [*a]\n").join("---\n") });
    expect(invalid(many)).toHaveLength(300);
  });

  it("nesting too deep for the parsers is one finding that says so, at any depth and either way it breaks", () => {
    // js-yaml stops at its depth limit; a document it rejects for another reason (here: unclosed) is not
    // handed to the fallback parser when it nests absurdly, as that parser slows down near its stack limit.
    for (const depth of [600, 900, 1200, 2000]) {
      const unclosed = `${"{a: ".repeat(depth)}1\n`;
      const closed = `${"{a: ".repeat(depth)}1${"}".repeat(depth)}\n`;
      for (const stdin of depth >= 1200 ? [unclosed, closed] : [unclosed]) {
        const result = spawnCli(["-", "-f", "json"], { stdin });
        expect(result.stderr).toBe("");
        const findings = JSON.parse(result.stdout).findings as Array<{ ruleId: string; message: string }>;
        expect(findings.map((f) => [f.ruleId, f.message])).toEqual([["invalid-input", expect.stringMatching(/^nested .* deep/)]]);
      }
    }
  });

  it("a document that shares anchors legitimately stays under the alias limit", async () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: &l {a: b}\n  annotations: *l\ndata: {}\n";
    const report = await lintJson(["-"], { stdin: text });
    expect(invalid(report)).toEqual([]);
  });

  it("--max-documents reports the first document over the limit; those before it are linted", async () => {
    const dir = folder({ "many.yaml": [1, 2, 3].map((i) => GOOD.replace("fine", `cm${i}`)).join("---\n") });
    const report = await lintJson(["many.yaml", "--max-documents", "2"], { cwd: dir });
    expect(invalid(report)).toEqual([{ file: "many.yaml", line: 14, column: 1, message: expect.stringContaining("more than the limit of 2") }]);
    expect(report.summary.objects).toBe(2);
    expect(report.code).toBe(1);
  });

  it("--max-file-size skips (and reports) bigger files, stdin included", async () => {
    const dir = folder({ "big.yaml": GOOD + `# ${"x".repeat(2000)}\n`, "good.yaml": GOOD });
    const report = await lintJson([".", "--max-file-size", "1KB"], { cwd: dir });
    expect(invalid(report)).toEqual([{ file: "big.yaml", line: 1, column: 1, message: expect.stringContaining("more than the limit of") }]);
    expect(report.summary.objects).toBe(1);
    const stdin = await lintJson(["-", "--max-file-size", "20"], { stdin: GOOD });
    expect(invalid(stdin)).toHaveLength(1);
  });

  it("--max-file-size reads back in the units it was given in", async () => {
    const dir = folder({ "big.yaml": GOOD + `# ${"x".repeat(3000 - GOOD.length - 3)}\n` });
    const message = async (size: string): Promise<string> => invalid(await lintJson(["big.yaml", "--max-file-size", size], { cwd: dir }))[0]!.message;
    expect(await message("2KB")).toBe("file is 3 KB, more than the limit of 2 KB: it was not linted; raise limits.maxFileSize (--max-file-size) if it really is one render");
    expect(await message("2KiB")).toMatch(/^file is 2\.9 KiB, more than the limit of 2 KiB:/);
    expect(await message("2048")).toMatch(/^file is 2\.9 KiB, more than the limit of 2 KiB:/);
  });

  it("limits in .gitops-lint.yaml, with a positioned error for a bad value", async () => {
    const dir = folder({ ".gitops-lint.yaml": "limits:\n  maxDocuments: 1\n", "two.yaml": `${GOOD}---\n${GOOD.replace("fine", "other")}` });
    const report = await lintJson(["two.yaml"], { cwd: dir });
    expect(invalid(report)).toEqual([expect.objectContaining({ file: "two.yaml", line: 7 })]);
    writeFileSync(path.join(dir, ".gitops-lint.yaml"), "limits:\n  maxFileSize: lots\n");
    const bad = spawnCli(["two.yaml"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^gitops-lint: \.gitops-lint\.yaml:2:3: invalid config: limits\.maxFileSize/);
  });

  it("bad limit flags are usage errors", () => {
    expect(spawnCli(["-", "--max-documents", "0"]).code).toBe(2);
    expect(spawnCli(["-", "--max-file-size", "big"]).stderr).toContain("--max-file-size expects a size");
  });
});

describe("the process: exit codes, no stack traces", () => {
  it("binary on stdin: exit 1 with a finding and no stack trace", () => {
    const result = spawnCli(["-", "-f", "json"], { stdin: Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0]) });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).findings[0].ruleId).toBe("invalid-input");
    expect(result.stderr).toBe("");
  });

  it("a missing file among good ones: exit 1, the good ones still reported on", () => {
    const dir = folder({ "good.yaml": GOOD });
    const result = spawnCli(["good.yaml", "gone.yaml"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("gone.yaml:1:1");
    expect(result.stdout).toContain("1 object in 1 file");
    expect(result.stderr).not.toMatch(/\bat .*:\d+:\d+\)?$/m);
  });

  it("clean input exits 0", () => {
    expect(spawnCli(["-"], { stdin: GOOD }).code).toBe(0);
  });

  it("empty stdin is a usage error (a renderer failed upstream), unless --allow-empty; comment-only input is clean", () => {
    for (const stdin of ["", " \n\t\r\n"]) {
      const empty = spawnCli(["-"], { stdin });
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain("stdin was empty — did the renderer fail?");
      expect(spawnCli(["-", "--allow-empty"], { stdin }).code).toBe(0);
    }
    expect(spawnCli(["-"], { stdin: "# nothing\n---\n...\n" }).code).toBe(0);
  });
});
