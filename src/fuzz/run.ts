import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT } from "../package-root.js";
import { fuzz, seedsFrom } from "./harness.js";
import { scriptFlags } from "../util/script-flags.js";

// `npm run fuzz -- --iterations 20000 [--seed 42] [--corpus DIR]`: prints the iteration count and every crash; exit 1 on a crash.
const args = process.argv.slice(2);
const flag = scriptFlags(args);
const iterations = Number(flag("--iterations", "2000"));
const seed = Number(flag("--seed", String(Date.now() % 2 ** 31)));
// Seeds: the fixtures, plus the rendered charts of `--corpus DIR` when given.
const corpus = flag("--corpus");
const texts = corpus === undefined ? [] : readdirSync(corpus).filter((f) => /\.ya?ml$/.test(f)).map((f) => readFileSync(path.join(corpus, f), "utf8"));
texts.push(...readdirSync(path.join(PACKAGE_ROOT, "fixtures"), { recursive: true, encoding: "utf8" })
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => readFileSync(path.join(PACKAGE_ROOT, "fixtures", f), "utf8")));

const started = performance.now();
const result = fuzz({ iterations, seed, seeds: seedsFrom(texts, 2000), onProgress: (n) => process.stderr.write(`  ${n} iterations…\n`) });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`fuzz: ${result.iterations} iterations, seed ${seed}, ${seconds} s, ${result.crashes.length} crash(es); slowest input ${result.slowest.ms.toFixed(0)} ms: ${result.slowest.input.slice(0, 120)}`);
for (const crash of result.crashes.slice(0, 20)) console.log(`CRASH ${crash.error}\n  input: ${crash.input}`);
process.exitCode = result.crashes.length > 0 ? 1 : 0;
