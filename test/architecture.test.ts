import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { REPO } from "./support/cli.js";

// The pipeline reads in one direction (docs/architecture.md): a folder imports only from the stages before it.
// Files directly in src/ (the package root, the bundle's version) are below everything.
const LAYERS = ["util", "load", "shell", "model", "render", "diff", "engine", "rules", "docs", "locate", "suppress", "report", "cli", "fuzz", "build", "bench"];

function sources(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join(dir, f));
}

/** The layer of a file: rules/ is one; under src/, its first folder; "" for files directly in src/. */
function layerOf(file: string): string {
  const parts = file.split(path.sep);
  if (parts[0] === "rules") return "rules";
  return parts.length > 2 ? parts[1]! : "";
}

it("every import goes to the same folder or an earlier stage of the pipeline", () => {
  const wrong: string[] = [];
  for (const file of [...sources("src"), ...sources("rules")]) {
    const from = layerOf(file);
    for (const match of readFileSync(path.join(REPO, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = path.relative(REPO, path.resolve(REPO, path.dirname(file), match[1]!));
      const to = layerOf(target);
      if (to === "" || to === from) continue;
      expect(LAYERS, `${file} is in an unknown folder`).toContain(from);
      expect(LAYERS, `${target} is in an unknown folder`).toContain(to);
      if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) wrong.push(`${file} (${from}) imports ${target} (${to})`);
    }
  }
  expect(wrong).toEqual([]);
});
