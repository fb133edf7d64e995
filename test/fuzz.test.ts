import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import unrenderedTemplate from "../rules/unrendered-template.js";
import { defineRule } from "../src/engine/rule.js";
import { checkInput, fuzz, seedsFrom } from "../src/fuzz/harness.js";
import { REPO } from "./support/cli.js";

// A fixed-seed sample of the fuzzer (`npm run fuzz -- --iterations N` runs it at length): random and
// mutated YAML, truncations, deep nesting, huge scalars, alias bombs, invalid UTF-8, NUL and binary.
// Seeds come from the fixtures so the test does not depend on the shared corpus being present.
const fixtures = path.join(REPO, "fixtures");
const seeds = seedsFrom(
  readdirSync(fixtures, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => readFileSync(path.join(fixtures, f), "utf8")),
);

it("no fuzzed input crashes the loader or a rule, or is skipped without a finding", () => {
  const result = fuzz({ iterations: 150, seed: 20261123, seeds });
  expect(result.crashes).toEqual([]);
  expect(result.iterations).toBe(150);
}, 120_000);

it("the harness reports a rule that throws on odd input", () => {
  const fragile = defineRule({
    meta: { ...unrenderedTemplate.meta, id: "fragile" },
    check({ set }) {
      for (const object of set.objects) (object.body.spec as { replicas: number }).replicas.toFixed();
    },
  });
  const input = new Uint8Array(Buffer.from("apiVersion: v1\nkind: X\nmetadata: {name: a}\n"));
  expect(() => checkInput(input, [fragile])).toThrow(/rule fragile failed/);
  expect(() => checkInput(input)).not.toThrow();
});
