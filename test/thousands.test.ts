import { describe, expect, it } from "vitest";
import { thousands } from "../src/util/thousands.js";

describe("thousands", () => {
  it("groups the digits of a count by three, as toLocaleString('en-US') does", () => {
    for (const n of [0, 7, 999, 1000, 25_000, 65_536, 100_000, 2_000_000, 1_234_567_890]) expect(thousands(n)).toBe(n.toLocaleString("en-US"));
  });
});
