import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";

/** Scripts with every construct the shell analyses read. */
export const CONSTRUCTS = [
  "for i in $(seq 1 30); do curl -sf --max-time 3 http://x/$i || sleep 5; done",
  'until [[ $n -ge 5 ]]; do ((n++)); x=${a:-b}; y=${a/b/c}; z=${a:1:2}; echo "é $x" >&2 2>/dev/null <<EOF\nhi $x\nEOF\ndone',
  "case $x in a|b) echo a;; *) echo b;; esac; arr=(1 2 [3]=4); declare -A m; let 'x=1+2'; f() { local q=1; }",
  "coproc cat; time sleep 1; [[ -f x && ! -d y ]]; echo {1..5} a{b,c}; cat <(ls) >(wc); echo @(a|b) ${#a} ${!p} ${a[@]} ${a^^}",
  "set -e\nwhile read -r line; do echo $line; done < <(kubectl get pods)\n(cd /tmp && sleep 2) & wait",
  "for ((i = 0; i < 10; i++)); do if [ $i -gt 3 ]; then break; elif true; then :; else continue; fi; done | tee log",
  "export A=1 B=\"$A\"; readonly C; echo `date` $((1 + 2 * 3)) '$x' \"${x:-$(hostname)}\"; ! false",
];

/** Every `sh -c` script of the fixtures: what the rules read in the tests. */
export function fixtureScripts(): string[] {
  const out: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (typeof item === "string" && /^-[a-z]*c$/.test(item) && typeof value[i + 1] === "string") out.push(value[i + 1] as string);
        visit(item);
      });
    } else if (value && typeof value === "object") {
      Object.values(value).forEach(visit);
    }
  };
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.ya?ml$/.test(entry.name)) for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) if (!("empty" in doc)) visit(doc.toJS({ maxAliasCount: -1 }));
    }
  };
  walk("fixtures");
  return out;
}
