import { isDeepStrictEqual } from "node:util";
import jsYaml from "js-yaml";
import { withoutCrdSchema } from "./crd-schema.js";
import { yamlLib } from "./lazy-yaml.js";
import { DEFAULT_LIMITS } from "./limits.js";
import { findTemplateDirective } from "./template-directives.js";
import { lineColumnAt } from "./text-position.js";
import type { LoadProblem, SourceDocument } from "./types.js";
import { thousands } from "../util/thousands.js";

// Kubernetes reads YAML with merge keys (`<<: *anchor`, also `!!merge <<:`); plain data otherwise,
// so no timestamps or binary types turn strings into objects.
// (@types/js-yaml does not declare the `types` export that js-yaml has. `merge` must be an *implicit*
// type: given to extend() as a plain list it would only match an explicit `!!merge` tag, and a plain
// `<<` would stay a key named "<<".)
const SCHEMA = jsYaml.CORE_SCHEMA.extend({ implicit: [(jsYaml as unknown as { types: { merge: jsYaml.Type } }).types.merge] });

/** Nesting depth js-yaml accepts (its own default is 100, which a deep CRD schema could approach). */
const MAX_DEPTH = 1000;

export interface ParseResult {
  value?: unknown;
  problems: LoadProblem[];
}

export function parseSourceDocument(doc: SourceDocument, maxAliasNodes: number = DEFAULT_LIMITS.maxAliasNodes): ParseResult {
  // An unrendered template wins over whatever else is wrong with the document: it explains the rest.
  const unrendered = (): ParseResult | undefined => {
    const directive = doc.text.includes("{{") ? findTemplateDirective(doc.text) : undefined;
    if (!directive) return undefined;
    return {
      problems: [
        problemAt(doc, "unrendered-template", directive.offset,
          `unrendered template directive \`${directive.text}\`: this is a Helm template, not a manifest (kustomize fails on it with "yaml: invalid map key"); lint the \`helm template\` output instead`),
      ],
    };
  };
  const nul = doc.text.indexOf("\0");
  if (nul !== -1) {
    // js-yaml stops reading at a NUL and would return a truncated document.
    return unrendered() ?? { problems: [problemAt(doc, "invalid-input", nul, "a NUL byte: YAML does not allow control characters, so this is corrupt or not text; the document was not linted")] };
  }
  let value: unknown;
  let problems: LoadProblem[] = [];
  try {
    // Fast path: js-yaml is several times faster than a full AST parse, and strict about duplicate keys.
    value = jsYaml.load(doc.text, { schema: SCHEMA, maxDepth: MAX_DEPTH } as jsYaml.LoadOptions);
  } catch (error) {
    const directive = unrendered();
    if (directive) return directive;
    // Nesting deep enough to exhaust the stack: no manifest looks like that, and the other parser
    // would only spend seconds failing the same way.
    if (error instanceof RangeError) return { problems: [tooDeep(doc, deepestOffset(doc.text))] };
    const mark = (error as { mark?: { position?: number } }).mark;
    if (/nesting exceeded maxDepth/.test(String((error as Error).message))) return { problems: [tooDeep(doc, mark?.position ?? deepestOffset(doc.text), `more than ${MAX_DEPTH} levels`)] };
    // Slow path, only for documents js-yaml rejects: `yaml` gives exact positions, names every
    // duplicate key, and still builds the value (last key wins) so the document is linted anyway.
    ({ value, problems } = parseTolerantly(doc, maxAliasNodes));
  }
  const expanded = value !== undefined && mayHaveAliases(doc.text) ? expandedSize(value, maxAliasNodes, doc.text.length) : 0;
  if (expanded === Infinity) {
    const at = Math.max(0, doc.text.indexOf("*", doc.text.search(ALIAS)));
    return unrendered() ?? {
      problems: [
        problemAt(doc, "invalid-input", at,
          "an alias refers to a node that contains it (the value would be infinite); Kubernetes rejects this, so the document was not linted"),
      ],
    };
  }
  if (expanded > maxAliasNodes) {
    const at = Math.max(0, doc.text.indexOf("*", doc.text.search(ALIAS)));
    return unrendered() ?? {
      problems: [
        problemAt(doc, "invalid-input", at,
          `aliases expand this document past ${thousands(maxAliasNodes)} nodes (an alias bomb?), so it was not linted; ` +
            "write the repeated parts out or raise limits.maxAliasNodes in .gitops-lint.yaml"),
      ],
    };
  }
  // `{{` is common inside strings (dashboards, alert templates, CRD descriptions), where it is data; in
  // the structure, js-yaml either fails (handled above) or reads `{{ x }}` as a mapping used as a key,
  // which it names "[object Object]" (inside a key: "a,[object Object]"). A merge key can drop the
  // mapping that held it (`<<: {a: {{ x }}}` next to `a: 1`). Only then is the exact scan (a full CST
  // parse) worth running.
  if (doc.text.includes("{{") && (doc.text.includes("<<") || hasMappingAsKey(value))) {
    const directive = unrendered();
    if (directive) return directive;
  }
  return value === undefined ? { problems } : { value: withoutCrdSchema(value, doc.text), problems };
}

/** What js-yaml makes of a mapping used as a key (`{{ x }}` reads as one), alone or inside a sequence key. */
const MAPPING_KEY = "[object Object]";

/** Whether a value has a key js-yaml made from a mapping. Shared nodes are visited once (an alias the size checks missed cannot make this loop). */
function hasMappingAsKey(root: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object" || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const child of node) stack.push(child);
      continue;
    }
    for (const key in node) {
      if (key.includes(MAPPING_KEY)) return true;
      stack.push((node as Record<string, unknown>)[key]);
    }
  }
  return false;
}

type YamlDocument = ReturnType<ReturnType<typeof yamlLib>["parseDocument"]>;

function parseTolerantly(doc: SourceDocument, maxAliasNodes: number): ParseResult {
  // The yaml package is not for absurd nesting: near its stack limit it records an overflow at every
  // level and goes on, which took seconds for a 4 KB line of `{a: ` (found by the fuzzer).
  const absurd = absurdNestingAt(doc.text);
  if (absurd !== undefined) return { problems: [tooDeep(doc, absurd)] };
  let parsed: YamlDocument;
  try {
    parsed = yamlLib().parseDocument(doc.text, { uniqueKeys: true, merge: true, prettyErrors: false, logLevel: "error" });
  } catch (error) {
    if (error instanceof RangeError) return { problems: [tooDeep(doc, deepestOffset(doc.text))] };
    return { problems: [problemAt(doc, "invalid-input", 0, `cannot read this document: ${firstLine(String((error as Error).message))}`)] };
  }
  // The yaml package records a stack overflow on deep nesting as one of its errors instead of throwing it.
  if (parsed.errors.some((e) => /Maximum call stack size exceeded/.test(e.message))) return { problems: [tooDeep(doc, deepestOffset(doc.text))] };
  const problems: LoadProblem[] = [];
  let fatal = false;
  const duplicates = parsed.errors.filter((e) => e.code === "DUPLICATE_KEY");
  const copiesAt = duplicates.length > 0 ? equalCopies(parsed, new Set(duplicates.map((e) => e.pos[0])), maxAliasNodes, doc.text.length) : new Map<number, number>();
  for (const error of parsed.errors) {
    if (error.code === "DUPLICATE_KEY") {
      const key = keyAt(doc.text, error.pos[0]);
      const copies = copiesAt.get(error.pos[0]) ?? 0;
      const message = copies > 0
        ? `duplicate key "${key}" is rejected by strict field validation, though ${copies === 2 ? "both copies" : `all ${copies} copies`} have the same value; remove ${copies === 2 ? "one" : "all but one"}`
        : `duplicate key "${key}" is rejected by strict field validation, and tools disagree on which copy wins; remove one (the last one is linted)`;
      problems.push({ ...problemAt(doc, "invalid-input", error.pos[0], message), duplicateKey: key });
    } else if (!fatal) {
      // Only the first: the errors after it mostly follow from it (an unclosed `[` is reported once per level).
      fatal = true;
      problems.push(problemAt(doc, "invalid-input", error.pos[0], `YAML syntax error: ${firstLine(error.message)}; the document was not linted`));
    }
  }
  if (fatal) return { problems };
  try {
    return { value: parsed.toJS({ maxAliasCount: -1 }), problems };
  } catch (error) {
    problems.push(problemAt(doc, "invalid-input", 0, `cannot read this document: ${firstLine(String((error as Error).message))}`));
    return { problems };
  }
}

/**
 * For each duplicate key the yaml package reports (at the offset of a later copy; it keeps every pair in the map):
 * how many copies of the key the mapping holds when all have the same value, else 0. Equal copies leave nothing for
 * tools to disagree on (a template that includes both selector and common labels writes such a pair).
 */
function equalCopies(parsed: YamlDocument, offsets: Set<number>, maxAliasNodes: number, textLength: number): Map<number, number> {
  const yaml = yamlLib();
  const found = new Map<number, number>();
  const value = (node: unknown): unknown => (yaml.isNode(node) ? node.toJS(parsed, { maxAliasCount: -1 }) : node);
  // Each copy is converted on its own, so a node two copies share by alias is two objects: comparing alias bombs (or
  // cycles) would expand them. The document is rejected for those anyway.
  const comparable = (v: unknown): boolean => expandedSize(v, maxAliasNodes, textLength) <= maxAliasNodes;
  yaml.visit(parsed, {
    Map(_, map) {
      // The yaml package's own test for a duplicate (uniqueKeys: true): scalars of the same value.
      const copies = new Map<unknown, { first: unknown; count: number; equal: boolean; later: number[] }>();
      for (const pair of map.items) {
        if (!yaml.isScalar(pair.key)) continue;
        const seen = copies.get(pair.key.value);
        if (!seen) {
          copies.set(pair.key.value, { first: pair.value, count: 1, equal: true, later: [] });
          continue;
        }
        seen.count++;
        if (seen.count === 2) seen.first = value(seen.first);
        if (seen.equal) {
          const next = value(pair.value);
          seen.equal = comparable(seen.first) && comparable(next) && isDeepStrictEqual(seen.first, next);
        }
        const at = pair.key.range?.[0];
        if (at !== undefined && offsets.has(at)) seen.later.push(at);
      }
      // Every later copy is told how many there are in all, once the whole mapping is read.
      for (const { count, equal, later } of copies.values()) for (const at of later) found.set(at, equal ? count : 0);
    },
  });
  return found;
}

/** `depth`: what was exceeded, the depth limit or (by default) the parser's stack. */
function tooDeep(doc: SourceDocument, offset: number, depth = "too many levels"): LoadProblem {
  return problemAt(doc, "invalid-input", offset,
    `nested ${depth} deep: no manifest looks like this, the file is probably generated wrongly; the document was not linted`);
}

/** Where nesting first gets absurd (flow brackets or indentation), for the finding's position. */
function deepestOffset(text: string): number {
  return absurdNestingAt(text) ?? 0;
}

/** Where flow brackets nest past 500 levels or a line is indented past 1000 columns, if anywhere. */
function absurdNestingAt(text: string): number | undefined {
  let depth = 0;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x0a) lineStart = i + 1;
    if (depth > 500 || (c !== 0x20 && c !== 0x2d && c !== 0x0a && i - lineStart > 1000 && /^[ -]*$/.test(text.slice(lineStart, i)))) return i;
  }
  return undefined;
}

function problemAt(doc: SourceDocument, kind: LoadProblem["kind"], offset: number, message: string): LoadProblem {
  // "Unexpected end" errors point past the document's last line (past its closing newline and any blank
  // lines after it, which is where the next document starts): the end of its last content is meant.
  const last = doc.text.trimEnd().length;
  const { line, column } = lineColumnAt(doc.text, Math.min(offset, last));
  return { kind, file: doc.file, line: doc.startLine + line - 1, column, message, document: doc };
}

function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 200).split("\n")[0]!;
  const colon = rest.search(/:(\s|$)/);
  return (colon === -1 ? rest : rest.slice(0, colon)).trim().replace(/^["']|["']$/g, "");
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

// An anchor (`&a`) and an alias (`*a`) where YAML allows node properties: after a space, a line start,
// a flow indicator, or the `:` after a JSON-style key (`{"b":*a}`). Without both, no node is shared and
// the value cannot be bigger than the text, so the walk below is skipped (`*` alone is common: globs,
// RBAC verbs, cron schedules).
const ANCHOR = /(?:^|[\s[{,:])&[^\s[\]{},]/m;
const ALIAS = /(?:^|[\s[{,:])\*[^\s[\]{},]/m;

function mayHaveAliases(text: string): boolean {
  return text.includes("&") && text.includes("*") && ANCHOR.test(text) && ALIAS.test(text);
}

/**
 * Size of the value with aliases expanded; Infinity when a node contains itself. A plain count of the
 * tree is cheap while the tree is no bigger than its text, as it is without aliases (every node is
 * written out). Past that, or once the nodes counted and still to count pass the limit, the value is
 * walked again, memoised per shared node, which is linear in the nodes actually written and tells an
 * alias bomb from a cycle without expanding either.
 */
function expandedSize(root: unknown, limit: number, textLength: number): number {
  const bound = Math.min(limit, textLength);
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    if (count + stack.length > bound) return sharedSize(root, limit);
    const node = stack.pop();
    count++;
    if (Array.isArray(node)) for (const child of node) stack.push(child);
    else if (node !== null && typeof node === "object") for (const key in node) stack.push((node as Record<string, unknown>)[key]);
  }
  return count;
}

function sharedSize(root: unknown, limit: number): number {
  const memo = new Map<object, number>();
  const visiting = new Set<object>();
  let cyclic = false;
  const size = (node: unknown): number => {
    if (node === null || typeof node !== "object") return 1;
    if (visiting.has(node)) {
      cyclic = true;
      return 1;
    }
    const known = memo.get(node);
    if (known !== undefined) return known;
    visiting.add(node);
    let total = 1;
    for (const child of Object.values(node)) {
      total += size(child);
      if (total > limit || cyclic) break;
    }
    visiting.delete(node);
    memo.set(node, total);
    return total;
  };
  const total = size(root);
  return cyclic ? Infinity : total;
}
