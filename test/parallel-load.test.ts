import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { renderChart } from "../src/bench/corpus.js";
import { collectInputs } from "../src/load/inputs.js";
import { loadMany } from "../src/load/load-many.js";

const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-parallel-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CRD_WITH_DUPLICATE_KEY =
  "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n" +
  "spec:\n  group: example.com\n  group: example.org\n";

it("parsing in worker threads gives exactly the sequential result, in the same order", async () => {
  for (let i = 0; i < 8; i++) {
    let { name, text } = renderChart(i, 7);
    // Broken documents spread over the files: their problems must come back attached to the right document.
    if (i % 4 === 1) text += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n  name: dup2\n";
    if (i % 4 === 2) text += "---\nkey: [unclosed\n";
    if (i % 4 === 3) text += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.x }}\n";
    // CRDs are parsed in their own batches (workers first): their results must still come back in place.
    if (i % 2 === 0) text = `${CRD_WITH_DUPLICATE_KEY}---\n${text}`;
    if (i === 5) text += "---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
    writeFileSync(path.join(dir, name), text);
  }
  const { files } = await collectInputs([dir], { cwd: dir, stdinName: "<stdin>" });
  const readStdin = async (): Promise<Uint8Array> => new Uint8Array();
  const limits = { maxFileSize: 1e9, maxDocuments: 1e6, maxAliasNodes: 500 };
  const told = { sequential: [] as unknown[], parallel: [] as unknown[] };
  let bytes = 0;
  const sequential = await loadMany(files, { readStdin, limits, workers: 0, onFileLoaded: (f) => told.sequential.push(f), onInputSize: (n) => (bytes = n) });
  const parallel = await loadMany(files, { readStdin, limits, workers: 2, onFileLoaded: (f) => told.parallel.push(f) });
  // Each file is told once its documents are parsed, as it is returned (the shell worker is sent its scripts then).
  expect(told.sequential).toEqual(sequential.files);
  expect(told.parallel).toEqual(parallel.files);
  expect(bytes).toBe(files.reduce((sum, f) => sum + statSync(f.absolutePath!).size, 0));
  expect(parallel.files.length).toBeGreaterThan(3);
  expect(JSON.stringify(parallel)).toBe(JSON.stringify(sequential));
  const problems = sequential.files.flatMap((f) => f.problems);
  expect(problems.some((p) => p.message.includes("duplicate key") && p.document?.index === 0)).toBe(true);
  expect(problems.some((p) => p.message.includes("duplicate key") && p.document?.index !== 0)).toBe(true);
  expect(problems.some((p) => p.message.includes("alias bomb"))).toBe(true);
  expect(problems.some((p) => p.kind === "unrendered-template")).toBe(true);
  // Every problem points into its own document.
  for (const p of problems) expect(p.document && p.line >= p.document.startLine).toBe(true);
}, 60_000);
