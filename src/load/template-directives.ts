import type { CST } from "yaml";
import { yamlLib } from "./lazy-yaml.js";

export interface DirectiveHit {
  offset: number;
  text: string;
}

/**
 * Finds the first Go-template directive (`{{ … }}`) that sits in YAML *structure*: a flow mapping that
 * opens with another flow mapping, which is how YAML reads `{{`. Braces inside scalars (quoted strings,
 * block scalars, plain text such as `summary: {{ $labels.instance }} is down` rendered from Helm's
 * escaping) are data and are never reported.
 */
export function findTemplateDirective(text: string): DirectiveHit | undefined {
  if (!text.includes("{{")) return undefined;
  let hit: number | undefined;
  const consider = (token: CST.Token | undefined): void => {
    if (hit !== undefined || !token) return;
    if (token.type === "flow-collection" && token.start.source === "{") {
      const first = token.items[0];
      const inner = first?.key ?? first?.value;
      if (inner && inner.type === "flow-collection" && inner.start.source === "{" && inner.offset === token.start.offset + 1) {
        hit = token.offset;
      }
    }
  };
  const { CST: cst, Parser } = yamlLib();
  for (const token of new Parser().parse(text)) {
    if (hit !== undefined) break;
    if (token.type !== "document") continue;
    consider(token.value);
    if (token.value) {
      cst.visit(token, (item) => {
        consider(item.key ?? undefined);
        consider(item.value ?? undefined);
        return hit !== undefined ? cst.visit.BREAK : undefined;
      });
    }
  }
  if (hit === undefined) return undefined;
  const close = text.indexOf("}}", hit);
  const end = close === -1 ? Math.min(text.length, hit + 60) : close + 2;
  return { offset: hit, text: text.slice(hit, end).split("\n")[0]! };
}
