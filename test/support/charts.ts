import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ensureHelm, TOOL_ENV } from "./helm.js";

/** `helm template` with a real Helm v4 binary; stdout is the rendered stream. */
export function helmTemplate(chartDir: string, release = "rel", cwd?: string): string {
  return execFileSync(ensureHelm(), ["template", release, chartDir], { encoding: "utf8", ...(cwd ? { cwd } : {}), env: { ...process.env, ...TOOL_ENV } });
}

export interface TemplateMarker {
  /** Relative to `base`, forward slashes. */
  file: string;
  line: number;
  column: number;
  ruleId: string;
}

/**
 * `# expect: <rule-id> [col=N]` comments in a chart's templates: the finding must be mapped to the next
 * line, at its key (after `- `) or at column N. Comments survive `helm template`, so the markers sit in
 * the templates themselves.
 */
export function templateMarkers(chartDir: string, base: string): TemplateMarker[] {
  const markers: TemplateMarker[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry) && full.includes(`${path.sep}templates${path.sep}`)) {
        const lines = readFileSync(full, "utf8").split("\n");
        lines.forEach((text, i) => {
          const match = /^\s*#\s*expect:\s*([a-z0-9-]+)(?:\s+col=(\d+))?\s*$/.exec(text);
          if (!match) return;
          const next = lines[i + 1] ?? "";
          const column = match[2] ? Number(match[2]) : (/^[\s-]*/.exec(next)?.[0].length ?? 0) + 1;
          markers.push({ file: path.relative(base, full).split(path.sep).join("/"), line: i + 2, column, ruleId: match[1]! });
        });
      }
    }
  };
  walk(chartDir);
  return markers;
}
