import { escapeRegExp } from "../util/escape-regexp.js";

/**
 * An indentation outline of a Helm template's YAML: which keys and sequence items sit where, without
 * evaluating any Go template. Helm has no line map from rendered output back to templates
 * (helm/helm#11552), but the YAML structure a template writes literally keeps its indentation, so the
 * keys of a rendered document can be found again in the template by walking this outline.
 *
 * What the outline knows: literal keys (plain or quoted), sequence items (`- `, also compact `key:\n- x`),
 * block scalars (their text is skipped, so embedded config files do not look like keys), and "opaque"
 * points where a directive writes YAML the template does not show (`{{ toYaml … | nindent 8 }}`,
 * `{{ include … }}`): keys below such a point come from values and have no template line of their own.
 * Directive-only lines (`{{- if }}`, `{{- range }}`, `{{- with }}`, `{{- end }}`) are skipped.
 */

export interface OutlineNode {
  kind: "root" | "key" | "item" | "opaque";
  /** 0-based column of the key, the dash, or where an opaque directive writes its output. */
  col: number;
  /** 1-based line in the template file. */
  line: number;
  /** 1-based column one past the line's last non-blank character. */
  endColumn: number;
  /** The key's text (unquoted); undefined when the key itself is templated. */
  key?: string;
  /** Literal inline value (unquoted) of a key, or the scalar of an item; undefined when templated or absent. */
  value?: string;
  /** 0-based column of an item's inline content (after `- `), when it has some on its own line. */
  textCol?: number;
  /** The key's or item's inline value contains a template directive. */
  dynamicValue?: boolean;
  /** A templated inline value, unquoted, with HOLE where each directive is (see `canRender`). */
  valueTemplate?: string;
  /** A key with nothing after the colon: its value is on the following lines. */
  open?: boolean;
  children: OutlineNode[];
}

export interface TemplateDocument {
  root: OutlineNode;
  /** First line of the document that is not blank or a comment (a directive counts), 1-based. */
  firstLine: number;
  /** First line holding YAML content (not a directive or comment), when there is one. */
  firstContentLine?: number;
}

const HOLE = "\u0001";
const CONTROL = /^\s*-?\s*(?:if|else|end|range|with|define|block|break|continue)\b|^\s*-?\s*\/\*|^\s*-?\s*\$[\w]*\s*:?=/;
const INDENT = /\b(n?indent)\s+(\d+)/;
const BLOCK_SCALAR = /^[|>][0-9+-]*\s*(?:#.*)?$/;
const DOCUMENT_MARKER = /^---(?:\s|$)/;

/** Splits a template into its YAML documents (at `---` lines) and outlines each. */
export function outlineTemplate(text: string): TemplateDocument[] {
  const { masked, actions } = maskActions(text.replace(/\r\n?/g, "\n"));
  const maskedLines = masked.split("\n");
  const originalLines = text.replace(/\r\n?/g, "\n").split("\n");
  const documents: TemplateDocument[] = [];
  let start = 0;
  for (let i = 0; i <= maskedLines.length; i++) {
    if (i === maskedLines.length || DOCUMENT_MARKER.test(maskedLines[i]!)) {
      if (i > start || documents.length === 0) documents.push(outlineLines(maskedLines, originalLines, actions, start, i));
      start = i + 1;
    }
  }
  const withContent = documents.filter((d) => d.root.children.length > 0);
  return withContent.length > 0 ? withContent : documents.slice(0, 1);
}

/** Replaces every `{{ … }}` action with HOLE characters (newlines kept), and lists the actions per line. */
function maskActions(text: string): { masked: string; actions: Map<number, string[]> } {
  const actions = new Map<number, string[]>();
  let out = "";
  let line = 0;
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("{{", i);
    if (open === -1) {
      out += text.slice(i);
      break;
    }
    const before = text.slice(i, open);
    out += before;
    line += count(before, "\n");
    const close = text.indexOf("}}", open + 2);
    const end = close === -1 ? text.length : close + 2;
    const action = text.slice(open, end);
    const list = actions.get(line) ?? [];
    list.push(action.slice(2, action.endsWith("}}") ? -2 : undefined));
    actions.set(line, list);
    out += action.replace(/[^\n]/g, HOLE);
    line += count(action, "\n");
    i = end;
  }
  return { masked: out, actions };
}

function count(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

function outlineLines(masked: string[], original: string[], actions: Map<number, string[]>, from: number, to: number): TemplateDocument {
  const root: OutlineNode = { kind: "root", col: -1, line: from + 1, endColumn: 1, children: [] };
  const stack: OutlineNode[] = [root];
  let blockScalarCol: number | undefined;
  let firstContentLine: number | undefined;
  let firstOutputLine: number | undefined;

  const top = (): OutlineNode => stack[stack.length - 1]!;
  const placeKey = (node: OutlineNode): void => {
    while (stack.length > 1 && top().col >= node.col) stack.pop();
    top().children.push(node);
    stack.push(node);
  };
  // An item (or opaque output) at the column of an open key continues that key: `args:\n- a` is valid YAML.
  const placeItem = (node: OutlineNode, push: boolean): void => {
    for (;;) {
      const t = top();
      if (stack.length === 1 || t.col < node.col) break;
      if (t.col === node.col && t.kind === "key" && t.open && t.children.every((c) => c.kind !== "key")) break;
      stack.pop();
    }
    top().children.push(node);
    if (push) stack.push(node);
  };

  for (let i = from; i < to; i++) {
    const raw = masked[i]!;
    const content = raw.replaceAll(HOLE, " ");
    const firstCol = content.search(/\S/);
    const lineActions = actions.get(i) ?? [];
    if (blockScalarCol !== undefined) {
      if (firstCol === -1 || firstCol > blockScalarCol) continue;
      blockScalarCol = undefined;
    }
    if (firstCol === -1) {
      if (raw.includes(HOLE)) firstOutputLine ??= i + 1;
      // A directive-only line: control flow is skipped; output directives write YAML we cannot see.
      const output = lineActions.find((a) => !CONTROL.test(a));
      if (output !== undefined && raw.includes(HOLE)) {
        const indent = INDENT.exec(output);
        const lead = raw.search(/[^ ]/);
        const col = indent ? (indent[1] === "nindent" ? Number(indent[2]) : lead + Number(indent[2])) : lead;
        placeItem({ kind: "opaque", col, line: i + 1, endColumn: raw.trimEnd().length + 1, children: [] }, false);
      }
      continue;
    }
    if (content[firstCol] === "#") continue;
    firstContentLine ??= i + 1;
    firstOutputLine ??= i + 1;
    const endColumn = content.trimEnd().length + 1;
    let col = firstCol;
    let rest = raw.slice(col);
    const text = original[i] ?? "";
    while (/^-(?: |$)/.test(rest)) {
      const item: OutlineNode = { kind: "item", col, line: i + 1, endColumn, children: [] };
      placeItem(item, true);
      const spaces = /^-( *)/.exec(rest)![1]!.length;
      col += 1 + spaces;
      rest = raw.slice(col);
      if (rest.trim() === "") break;
      item.textCol = col;
      const key = keyOf(rest);
      if (!key) {
        setValue(item, text.slice(col), rest);
        if (BLOCK_SCALAR.test(stripComment(rest).trim())) blockScalarCol = item.col; // `- |`: a script follows
        rest = "";
        break;
      }
    }
    if (rest.replaceAll(HOLE, "").trim() === "") continue;
    const key = keyOf(rest);
    if (!key) continue; // a continuation line of a multi-line scalar or flow collection
    const node: OutlineNode = { kind: "key", col, line: i + 1, endColumn, children: [] };
    if (!key.key.includes(HOLE)) node.key = key.key;
    const valueMasked = rest.slice(key.length);
    const valueText = text.slice(col + key.length);
    const bare = stripComment(valueMasked).trim();
    if (bare === "") node.open = true;
    else {
      setValue(node, valueText, valueMasked);
      if (BLOCK_SCALAR.test(bare)) blockScalarCol = col;
    }
    placeKey(node);
    // `key: {{- toYaml .Values.x | nindent 4 }}` writes the key's whole value from values.
    if (node.dynamicValue && lineActions.some((a) => !CONTROL.test(a) && /\bnindent\b/.test(a))) {
      node.children.push({ kind: "opaque", col: col + 2, line: i + 1, endColumn, children: [] });
    }
  }
  return { root, firstLine: firstOutputLine ?? from + 1, ...(firstContentLine !== undefined ? { firstContentLine } : {}) };
}

function keyOf(rest: string): { key: string; length: number } | undefined {
  const match =
    /^"((?:[^"\\]|\\.)*)"[ \t]*:(?:[ \t]|$)/.exec(rest) ??
    /^'((?:[^']|'')*)'[ \t]*:(?:[ \t]|$)/.exec(rest) ??
    /^([^\s"'#[\]{},|>][^\n]*?)[ \t]*:(?:[ \t]|$)/.exec(rest);
  if (!match) return undefined;
  const key = match[0].startsWith("'") ? match[1]!.replace(/''/g, "'") : match[1]!;
  return { key, length: match[0].length };
}

function setValue(node: OutlineNode, text: string, masked: string): void {
  const bare = stripComment(masked).trim();
  if (bare.includes(HOLE)) {
    node.dynamicValue = true;
    node.valueTemplate = /^"(.*)"$/.exec(bare)?.[1] ?? /^'(.*)'$/.exec(bare)?.[1] ?? bare;
    return;
  }
  const value = stripComment(text).trim();
  node.value = /^"(.*)"$/.test(value) ? value.slice(1, -1) : /^'(.*)'$/.test(value) ? value.slice(1, -1).replace(/''/g, "'") : value;
}

const renderable = new WeakMap<OutlineNode, RegExp>();

/** Whether a key's or item's inline value can render as `text`: its literal parts in order, anything where a directive is (`{{ .Chart.Name }}-reload` never renders `alertmanager`). */
export function canRender(node: OutlineNode, text: string): boolean {
  if (node.valueTemplate === undefined) return node.value === undefined || node.value === text;
  let pattern = renderable.get(node);
  if (!pattern) renderable.set(node, (pattern = new RegExp(`^${node.valueTemplate.split(HOLE_RUN).map(escapeRegExp).join("[^]*")}$`)));
  return pattern.test(text);
}

const HOLE_RUN = new RegExp(`${HOLE}+`);

function stripComment(text: string): string {
  const match = /(^|[ \t])#/.exec(text);
  return match ? text.slice(0, match.index) : text;
}
