import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/**
 * A fixture states its own expected findings: a comment `# expect: <rule-id> [<Kind>/<name>] [file=F] [line=N] [col=N]` on
 * the line above the key a finding must point at (or naming the file and line, for a finding about a whole input). The expected column is where that next line's key
 * starts (after any `- `) unless `col=` says otherwise; findings about input that is not an object
 * (syntax errors) name no object. Files without markers are near-misses: the rule must stay silent.
 * A line `# test-args: …` anywhere in a case adds command-line arguments.
 */
export interface Expectation {
  ruleId: string;
  kind: string;
  name: string;
  file: string;
  line: number;
  column: number;
}

export interface FixtureCase {
  /** Fixture path relative to the repo: a file, or a directory whose files are linted together. */
  name: string;
  files: string[];
  args: string[];
  expectations: Expectation[];
}

const EXPECT = /^\s*#\s*expect:\s*([a-z0-9-]+)(?:\s+([A-Za-z0-9]+)\/(\S+))?(?:\s+file=(\S+))?(?:\s+line=(\d+))?(?:\s+col=(\d+))?\s*$/;
const ARGS = /^\s*#\s*test-args:\s*(.+?)\s*$/;

export function fixtureCases(repo: string, ruleId: string): FixtureCase[] {
  const dir = path.join(repo, "fixtures", ruleId);
  return readdirSync(dir)
    .sort()
    .map((entry) => {
      const full = path.join(dir, entry);
      const isDirectory = statSync(full).isDirectory();
      const files = isDirectory ? readdirSync(full).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().map((f) => path.join(full, f)) : [full];
      // Markers may also sit in files a case's Flux Kustomization builds from its subdirectories (findings land there).
      const marked = isDirectory ? manifestsBelow(full) : files;
      return caseOf(repo, path.relative(repo, full), files, marked);
    })
    .filter((c) => c.files.length > 0);
}

function manifestsBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

function caseOf(repo: string, name: string, files: string[], marked: string[]): FixtureCase {
  const expectations: Expectation[] = [];
  const args: string[] = [];
  for (const file of marked) {
    const rel = path.relative(repo, file).split(path.sep).join("/");
    const lines = readFileSync(file, "utf8").split(/\r?\n/);
    lines.forEach((text, i) => {
      const args_ = files.includes(file) ? ARGS.exec(text) : null;
      if (args_) args.push(...args_[1]!.split(/\s+/));
      const match = EXPECT.exec(text);
      if (!match) return;
      const next = lines[i + 1] ?? "";
      const column = match[6] ? Number(match[6]) : (/^[\s-]*/.exec(next)?.[0].length ?? 0) + 1;
      expectations.push({ ruleId: match[1]!, kind: match[2] ?? "", name: match[3] ?? "", file: match[4] ?? rel, line: match[5] ? Number(match[5]) : i + 2, column });
    });
  }
  return { name: name.split(path.sep).join("/"), files: files.map((f) => path.relative(repo, f).split(path.sep).join("/")), args, expectations };
}
