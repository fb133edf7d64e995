import { describe, expect, it } from "vitest";
import { gradedSeverity } from "../src/engine/graded-severity.js";
import { defineRule } from "../src/engine/rule.js";
import { runRules } from "../src/engine/run-rules.js";
import { loadFile } from "../src/load/load-file.js";
import { ManifestSet } from "../src/model/manifest-set.js";
import unrenderedTemplate from "../rules/unrendered-template.js";

describe("a configured severity moves every grade of a rule by the same amount", () => {
  it.each([
    // default, reported grade, configured → result
    ["error", undefined, undefined, "error"],
    ["error", "warning", undefined, "warning"],
    ["error", "warning", "warning", "info"],
    ["error", "warning", "info", "info"],
    ["error", "info", "warning", "info"],
    ["warning", "info", "error", "warning"],
    ["warning", undefined, "error", "error"],
    ["warning", "info", "info", "info"],
    ["info", undefined, "error", "error"],
  ] as const)("default %s, reported %s, configured %s → %s", (defaultSeverity, reported, configured, expected) => {
    expect(gradedSeverity(defaultSeverity, reported, configured)).toBe(expected);
  });

  it("is what the engine applies to a rule's reports, so the exit code depends only on input and configuration", () => {
    const graded = defineRule({
      meta: { ...unrenderedTemplate.meta, id: "graded", defaultSeverity: "error" },
      check({ set, report }) {
        for (const object of set.objects) {
          report({ object, path: ["kind"], message: "primary" });
          report({ object, path: ["metadata"], message: "lower grade", severity: "warning" });
        }
      },
    });
    const set = new ManifestSet();
    set.add(loadFile("a.yaml", Buffer.from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")));
    const run = (configured?: "warning" | "info" | "off") =>
      runRules(set, [graded], { severities: new Map(configured ? [["graded", configured]] : []), options: new Map(), settings: {} }).reports.map((r) => r.severity);
    expect(run()).toEqual(["error", "warning"]);
    expect(run("warning")).toEqual(["warning", "info"]);
    expect(run("info")).toEqual(["info", "info"]);
    expect(run("off")).toEqual([]);
  });
});
