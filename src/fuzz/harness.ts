import fc from "fast-check";
import { rules } from "../../rules/index.js";
import { lintSets } from "../cli/lint-sets.js";
import type { AnyRule } from "../engine/rule.js";
import { DEFAULT_LIMITS, type LoadLimits } from "../load/limits.js";
import { loadFile, prepareFile } from "../load/load-file.js";
import type { LoadedFile } from "../load/types.js";
import { ManifestSet } from "../model/manifest-set.js";
import { FORMATTERS } from "../report/formats.js";
import { NO_PAINT } from "../report/paint.js";

/**
 * Fuzzing the loader and every rule: bytes in, and then
 *  - nothing throws (loader, rules, position resolution, formatters);
 *  - no rule reports a failure (a rule that throws is caught by the engine and reported as a failure);
 *  - every document the input was split into is either linted (has a value) or has a problem: nothing
 *    is skipped silently, so a run can never exit 0 over a document it could not read.
 */
export interface Crash {
  input: string;
  error: string;
}

const LIMITS: LoadLimits = { ...DEFAULT_LIMITS, maxFileSize: 4 * 1024 * 1024, maxDocuments: 5000, maxAliasNodes: 200_000 };

export function checkInput(bytes: Uint8Array, ruleList: AnyRule[] = rules): void {
  const file = "fuzz.yaml";
  const loaded = loadFile(file, bytes, LIMITS);
  const { sources, problems: fileProblems } = prepareFile(file, bytes, LIMITS);
  const parsedIndexes = new Set(loaded.documents.map((d) => d.source.index));
  const problemIndexes = new Set(loaded.problems.flatMap((p) => (p.document ? [p.document.index] : [])));
  const fileLevelProblem = fileProblems.length > 0 || loaded.problems.some((p) => !p.document);
  for (const source of sources) {
    if (!parsedIndexes.has(source.index) && !problemIndexes.has(source.index) && !fileLevelProblem) {
      throw new Error(`document ${source.index} (line ${source.startLine}) was neither linted nor reported`);
    }
  }
  // Files that are valid UTF-8 reach the loader as the text Node decoded (load-many.ts): that must load
  // exactly like the bytes.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  if (!text.includes("\uFFFD") && outcome(loadFile(file, text, LIMITS)) !== outcome(loaded)) throw new Error("loading the decoded text differs from loading the bytes");
  for (const document of loaded.documents) {
    if (isCyclic(document.value)) throw new Error(`document ${document.source.index} has a value that contains itself (a recursive alias)`);
  }
  const set = new ManifestSet();
  set.add(loaded);
  const result = lintSets([set], ruleList, { severities: new Map(), options: new Map(), settings: {} });
  if (result.failures.length > 0) throw new Error(result.failures.join("; "));
  for (const finding of result.findings) {
    if (!(finding.line >= 1 && finding.column >= 1)) throw new Error(`finding without a position: ${JSON.stringify(finding)}`);
  }
  for (const format of Object.values(FORMATTERS)) format(result, { paint: NO_PAINT });
}

function outcome(loaded: LoadedFile): string {
  const problems = loaded.problems.map(({ document, ...problem }) => ({ ...problem, index: document?.index }));
  return JSON.stringify({ problems, documents: loaded.documents.map((d) => [d.source.index, d.source.startLine, d.source.text, d.value]) });
}

function isCyclic(root: unknown): boolean {
  const visiting = new Set<object>();
  const done = new Set<object>();
  const visit = (node: unknown): boolean => {
    if (node === null || typeof node !== "object" || done.has(node)) return false;
    if (visiting.has(node)) return true;
    visiting.add(node);
    for (const child of Object.values(node)) if (visit(child)) return true;
    visiting.delete(node);
    done.add(node);
    return false;
  };
  return visit(root);
}

// ---- generators ---------------------------------------------------------------------------------

const TOKENS = [
  "---", "...", "- ", ": ", "? ", "{", "}", "[", "]", ",", "&a ", "*a", "&b ", "*b", "a: &r [*r]", "k: &s {x: *s}", "<<: *a", "!!merge <<: *a", "!!str ", "!!binary ", "!ruby/object ",
  "|", ">-", "|+", "'", '"', "\\", "#", "%YAML 1.2", "%TAG ! tag:x,2000:", "\t", "  ", "\n", "\r\n", "{{ .Values.x }}", "{{", "}}", "\u0000", "\uFEFF",
  "\u00e9", "\ud83d\ude00", "0x1F", "1e400", "-.inf", ".nan", "null", "~", "yes", "on", "2024-01-01", "=", "@", "`",
];

const KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "Service", "ConfigMap", "Secret", "Ingress", "HelmRelease", "Kustomization",
  "CustomResourceDefinition", "ServiceAccount", "Role", "RoleBinding", "ClusterRole", "PersistentVolumeClaim", "NetworkPolicy", "HorizontalPodAutoscaler",
  "PodDisruptionBudget", "List", "GitRepository", "HelmRepository", "Namespace"];

/** Any JSON-ish value, including the types rules do not expect where they look (numbers for names, maps for lists). */
const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 65536, "", "10m", "1h30m", "abc", "*", "{{ x }}", "Always", "Never", "pre-install,post-upgrade", "hook-succeeded", "0x10", "100Mi"),
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom("name", "image", "command", "args", "env", "ports", "containers", "initContainers", "spec", "template", "metadata", "annotations", "labels", "value", "valueFrom", "configMapKeyRef", "secretKeyRef", "key", "volumes", "volumeMounts", "timeout", "interval", "items", "kind", "apiVersion", "namespace", "selector", "matchLabels", "data", "stringData", "hooks", "install", "upgrade", "chart", "sourceRef", "dependsOn", "jobTemplate", "backoffLimit", "restartPolicy", "<<"), tie("value"), { maxKeys: 5 }),
  ),
})).value;

const SKELETON_PATHS = [
  ["spec"], ["spec", "template"], ["spec", "template", "spec"], ["spec", "template", "spec", "containers"], ["spec", "template", "spec", "containers", 0],
  ["spec", "template", "spec", "containers", 0, "env"], ["spec", "template", "spec", "containers", 0, "command"], ["spec", "template", "spec", "volumes"],
  ["metadata"], ["metadata", "annotations"], ["metadata", "labels"], ["metadata", "name"], ["metadata", "namespace"], ["spec", "jobTemplate"],
  ["spec", "values"], ["spec", "timeout"], ["spec", "chart"], ["items"], ["data"], ["spec", "selector"], ["spec", "ports"], ["spec", "rules"],
] as const;

function skeleton(kind: string): Record<string, unknown> {
  return {
    apiVersion: kind === "HelmRelease" ? "helm.toolkit.fluxcd.io/v2" : kind.endsWith("Job") ? "batch/v1" : "apps/v1",
    kind,
    metadata: { name: "x", namespace: "ns", annotations: { "helm.sh/hook": "pre-install", "helm.sh/hook-delete-policy": "before-hook-creation" }, labels: { app: "x" } },
    spec: {
      selector: { matchLabels: { app: "x" } },
      template: {
        metadata: { labels: { app: "x" } },
        spec: { containers: [{ name: "c", image: "i:1", command: ["/bin/sh", "-c", "echo hi && exit 1"], env: [{ name: "A", value: "b" }] }], volumes: [] },
      },
    },
  };
}

function setAt(root: Record<string, unknown>, path: ReadonlyArray<string | number>, value: unknown): void {
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (node === null || typeof node !== "object") return;
    node = (node as Record<string | number, unknown>)[path[i]!];
  }
  if (node !== null && typeof node === "object") (node as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}

/** Kubernetes-shaped objects with random values at the places rules read. */
const manifestText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...KINDS), fc.array(fc.tuple(fc.constantFrom(...SKELETON_PATHS), anyValue), { maxLength: 4 }))
  .map(([kind, edits]) => {
    const object = skeleton(kind);
    for (const [path, value] of edits) setAt(object, path, value);
    return JSON.stringify(object, null, 1); // JSON is YAML; block style comes from the other generators
  });

/** Random token soup: mostly broken YAML that stresses the splitter, both parsers and positions. */
const tokenSoup: fc.Arbitrary<string> = fc.array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })), { maxLength: 60 }).map((parts) => parts.join(""));

const deepNesting: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom("[", "{a: ", "- ", "a:\n ")).map(([depth, open]) =>
  open === "a:\n " ? Array.from({ length: Math.min(depth, 3000) }, (_, i) => `${" ".repeat(i)}a:`).join("\n") : open.repeat(depth),
);

const hugeScalar: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 10_000, max: 1_000_000 }), fc.constantFrom("plain", "quoted", "block")).map(([n, style]) =>
  style === "plain" ? `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: ${"x".repeat(n)}}\n`
    : style === "quoted" ? `k: "${"\\u00e9".repeat(n / 6)}"\n` : `k: |\n${"  line\n".repeat(n / 7)}`,
);

const aliasBomb: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 12 }), fc.boolean()).map(([levels, width, merge]) => {
  const lines = ["l0: &l0 [lol]"];
  for (let i = 1; i <= levels; i++) {
    lines.push(merge ? `l${i}: &l${i}\n  <<: [${Array.from({ length: width }, () => `*l${i - 1}`).join(", ")}]\n  k${i}: [${Array(width).fill(`*l${i - 1}`).join(", ")}]` : `l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(", ")}]`);
  }
  return `${lines.join("\n")}\n`;
});

const binary: fc.Arbitrary<Uint8Array> = fc.uint8Array({ maxLength: 300 });

/** Real rendered documents (the corpus) cut, spliced and corrupted. */
function mutated(seeds: string[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 }))), { maxLength: 6 }), fc.option(fc.nat()), fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0x80, max: 0xff }))))
    .map(([seed, edits, truncate, badByte]) => {
      let text = seed;
      for (const [at, remove, insert] of edits) {
        const i = text.length === 0 ? 0 : at % text.length;
        text = text.slice(0, i) + insert + text.slice(i + remove);
      }
      if (truncate !== null && text.length > 0) text = text.slice(0, truncate % text.length);
      const bytes = Buffer.from(text, "utf8");
      if (badByte !== null && bytes.length > 0) bytes[badByte[0] % bytes.length] = badByte[1];
      return new Uint8Array(bytes);
    });
}

const utf8 = (a: fc.Arbitrary<string>): fc.Arbitrary<Uint8Array> => a.map((s) => new Uint8Array(Buffer.from(s, "utf8")));

/** Every generator, weighted; `seeds` are documents from real rendered charts. */
export function inputs(seeds: string[]): fc.Arbitrary<Uint8Array> {
  const multi = fc.array(fc.oneof(manifestText, tokenSoup), { minLength: 1, maxLength: 4 }).map((docs) => docs.join("\n---\n"));
  return fc.oneof(
    { weight: 5, arbitrary: utf8(manifestText) },
    { weight: 3, arbitrary: utf8(multi) },
    { weight: 4, arbitrary: utf8(tokenSoup) },
    { weight: seeds.length > 0 ? 6 : 0, arbitrary: seeds.length > 0 ? mutated(seeds) : binary },
    { weight: 1, arbitrary: utf8(deepNesting) },
    { weight: 1, arbitrary: utf8(hugeScalar) },
    { weight: 1, arbitrary: utf8(aliasBomb) },
    { weight: 1, arbitrary: binary },
  );
}

/** Documents from the given rendered files, as mutation seeds (bounded in size to keep iterations fast). */
export function seedsFrom(texts: string[], max = 400): string[] {
  const seeds: string[] = [];
  for (const text of texts) {
    for (const doc of text.split(/^---$/m)) {
      if (doc.trim() !== "" && doc.length < 20_000) seeds.push(doc);
      if (seeds.length >= max) return seeds;
    }
  }
  return seeds;
}

/** Runs `iterations` inputs; returns the crashes (shrunk counterexamples are not needed: the input is printed). */
export function fuzz(options: { iterations: number; seed: number; seeds: string[]; onProgress?: (done: number) => void }): { iterations: number; crashes: Crash[]; slowest: { ms: number; input: string } } {
  const crashes: Crash[] = [];
  let done = 0;
  let slowest = { ms: 0, input: "" };
  fc.assert(
    fc.property(inputs(options.seeds), (bytes) => {
      const started = performance.now();
      try {
        checkInput(bytes);
      } catch (error) {
        crashes.push({ input: preview(bytes), error: (error as Error).stack?.split("\n").slice(0, 4).join(" | ") ?? String(error) });
      }
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { ms, input: preview(bytes) };
      done++;
      if (done % 500 === 0) options.onProgress?.(done);
      return true;
    }),
    { numRuns: options.iterations, seed: options.seed, endOnFailure: false },
  );
  return { iterations: done, crashes, slowest };
}

function preview(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString("utf8");
  return JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}… (${bytes.length} bytes)` : text);
}
