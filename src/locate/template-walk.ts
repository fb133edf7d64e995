import type { KeyShapes, PathStep } from "./rendered-path.js";
import { canRender, type OutlineNode, type TemplateDocument } from "./template-outline.js";

export interface WalkResult {
  /** The deepest template node the path reached; the root when not even the first key was found. */
  node: OutlineNode;
  /** How many steps of the path were matched. */
  depth: number;
}

/**
 * Follows a rendered key path through a template outline as far as the template shows it literally.
 * Keys match by name (if/else branches that both write a key: the copy whose literal value matches
 * the rendered one, else the first). Sequence items match by their `name` or scalar; by position only
 * when the template lists exactly as many items as were rendered and none come from a directive; and a
 * single templated item (the body of a `range`) takes every rendered item no literal item claims.
 * Anything else stops the walk at the nearest ancestor: no guessing.
 */
export function walkOutline(document: TemplateDocument, steps: PathStep[]): WalkResult {
  let node = document.root;
  let depth = 0;
  for (const step of steps) {
    const next = "key" in step ? matchKey(node, step) : matchItem(node, step);
    if (!next) break;
    node = next;
    depth++;
  }
  return { node, depth };
}

function matchKey(parent: OutlineNode, step: { key: string; occurrence: number; scalar?: string }): OutlineNode | undefined {
  const candidates = parent.children.filter((c) => c.kind === "key" && c.key === step.key);
  if (candidates.length <= 1) return candidates[0];
  if (step.occurrence > 0 && step.occurrence < candidates.length) return candidates[step.occurrence];
  return (step.scalar !== undefined ? candidates.find((c) => c.value === step.scalar) : undefined) ?? candidates[0];
}

function matchItem(parent: OutlineNode, step: { index: number; length: number; identity?: string; leaves?: Map<string, string>; keys?: KeyShapes }): OutlineNode | undefined {
  const items = parent.children.filter((c) => c.kind === "item");
  if (items.length === 0) return undefined;
  if (step.identity !== undefined) {
    const named = items.find((item) => identityOf(item) === step.identity);
    if (named) return named;
  }
  const similar = step.leaves ? mostSimilar(items, step.leaves) : undefined;
  if (similar) return similar;
  const shaped = step.keys ? sameShape(items, step.keys) : undefined;
  if (shaped) return shaped;
  if (parent.children.some((c) => c.kind === "opaque")) return undefined;
  if (items.length === step.length) return items[step.index];
  const templated = items.filter((item) => identityOf(item) === undefined && isTemplated(item));
  return templated.length === 1 ? templated[0] : undefined;
}

/** Keys an item shares with a rendered item before it counts as that item's shape: `name` + `value` fits any env entry. */
const MIN_SHAPE_KEYS = 3;

/**
 * The one literal item that writes every key of the rendered item (at least MIN_SHAPE_KEYS of them, each literally)
 * under a name its templated name can render (`{{ .Chart.Name }}-reload` never renders `alertmanager`), when no other
 * rendered sibling fits it: a container whose name and values are all templated, in a list that
 * `{{ toYaml .Values.extraContainers }}` may extend, is still the one the template writes out. Items that a
 * directive writes (whose keys the template does not show) never fit, so neither can be confused with it.
 */
function sameShape(items: OutlineNode[], keys: KeyShapes): OutlineNode | undefined {
  const fits = (rendered: { keys: string[]; identity?: string }, item: OutlineNode): boolean => {
    const literal = new Set(item.children.flatMap((c) => (c.kind === "key" && c.key !== undefined ? [c.key] : [])));
    const name = item.children.find((c) => c.kind === "key" && c.key === "name");
    const named = name === undefined || rendered.identity === undefined || canRender(name, rendered.identity);
    return named && rendered.keys.length >= MIN_SHAPE_KEYS && rendered.keys.every((key) => literal.has(key));
  };
  const candidates = items.filter((item) => fits(keys.own, item));
  if (candidates.length !== 1) return undefined;
  return keys.siblings.filter((sibling) => fits(sibling, candidates[0]!)).length === 1 ? candidates[0] : undefined;
}

/**
 * The one item whose literal values agree with the rendered item's most often and never disagree
 * (`- type: Resource` + `resource.name: cpu` tells the cpu metric from the memory one).
 */
function mostSimilar(items: OutlineNode[], leaves: Map<string, string>): OutlineNode | undefined {
  let best: OutlineNode | undefined;
  let bestScore = 0;
  let tie = false;
  for (const item of items) {
    let score = 0;
    let conflict = false;
    for (const [key, value] of literalLeaves(item)) {
      const rendered = leaves.get(key);
      if (rendered === undefined) continue;
      if (rendered === value) score++;
      else conflict = true;
    }
    if (conflict || score === 0) continue;
    if (score > bestScore) {
      best = item;
      bestScore = score;
      tie = false;
    } else if (score === bestScore) tie = true;
  }
  return tie ? undefined : best;
}

function literalLeaves(node: OutlineNode, prefix = "", out = new Map<string, string>()): Map<string, string> {
  for (const child of node.children) {
    if (child.kind !== "key" || child.key === undefined) continue;
    if (child.value !== undefined && !child.dynamicValue) {
      if (!/^[|>]/.test(child.value)) out.set(prefix + child.key, child.value); // a block scalar's text is on later lines
    }
    else if (child.open) literalLeaves(child, `${prefix}${child.key}.`, out);
  }
  return out;
}

function identityOf(item: OutlineNode): string | undefined {
  if (item.value !== undefined) return item.value;
  return item.children.find((c) => c.kind === "key" && c.key === "name")?.value;
}

function isTemplated(item: OutlineNode): boolean {
  if (item.dynamicValue) return true;
  const name = item.children.find((c) => c.kind === "key" && c.key === "name");
  return name?.dynamicValue === true;
}

/** 1-based column where a node's text starts: the key, or for an item the key written on the same line. */
export function columnOf(node: OutlineNode): number {
  if (node.kind === "item") {
    const sameLine = node.children.find((c) => c.line === node.line);
    if (sameLine) return columnOf(sameLine);
    if (node.textCol !== undefined) return node.textCol + 1;
  }
  return Math.max(0, node.col) + 1;
}
