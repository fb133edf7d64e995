import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import jsYaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFile } from "../src/load/load-file.js";
import { objectsOf } from "../src/model/objects.js";
import { setAtKeyPath, typedSetValue } from "../src/render/chart-tree.js";
import { releaseValues } from "../src/render/flux-helmrelease.js";
import { ensureHelm, TOOL_ENV } from "./support/helm.js";

// `--set` values and key paths as Helm's strvals parser reads them (helm/helm pkg/strvals/parser.go), checked against
// the real Helm: the same helpers evaluate a render's dependency conditions and set a HelmRelease's valuesFrom at its
// targetPath (helm-controller sets it with strvals, fluxcd/pkg chartutil ReplacePathValue).

let helm = "";
let dir = "";
beforeAll(() => {
  helm = ensureHelm();
  dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-set-values-"));
  mkdirSync(path.join(dir, "chart", "templates"), { recursive: true });
  writeFileSync(path.join(dir, "chart", "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n");
  writeFileSync(path.join(dir, "chart", "templates", "values.json"), "{{ toJson .Values }}\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The values Helm renders with after a values file and one `--set`, or "fails". */
function helmValues(valuesYaml: string, set: string): unknown {
  writeFileSync(path.join(dir, "values.yaml"), valuesYaml);
  try {
    const out = execFileSync(helm, ["template", path.join(dir, "chart"), "-f", path.join(dir, "values.yaml"), "--set", set, "--show-only", "templates/values.json"], {
      env: { ...process.env, ...TOOL_ENV },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out.trim().split("\n").pop()!);
  } catch {
    return "fails";
  }
}

describe("--set values as Helm's strvals reads them", () => {
  it("types true, false and null in any case, and integers not written with a leading 0; the rest stays a string", () => {
    const texts = { upper: "TRUE", mixed: "False", nul: "NuLL", folded: "falſe", zero: "0", negativeZero: "-0", leadingZero: "05", signedLeadingZero: "-05", plus: "+5", underscore: "1_000", float: "1.5", yes: "yes", empty: "" };
    const expected = { upper: true, mixed: false, nul: null, folded: false, zero: 0, negativeZero: 0, leadingZero: "05", signedLeadingZero: -5, plus: 5, underscore: "1_000", float: "1.5", yes: "yes", empty: "" };
    expect(Object.fromEntries(Object.entries(texts).map(([key, text]) => [key, typedSetValue(text)]))).toEqual(expected);
    expect(helmValues("", Object.entries(texts).map(([key, text]) => `${key}=${text}`).join(","))).toEqual(expected);
    // Helm's int64 has no exact JavaScript number: kept as written.
    expect(typedSetValue("9007199254740993")).toBe("9007199254740993");
  });

  it("sets a key path as Helm does, and fails where Helm fails", () => {
    const valuesYaml = "scalar: 1\nmap: {x: 1}\nlist: [1, null]\nnothing: null\n";
    const paths = ["map.y.z", "list[3]", "list[1][0]", "list[1].x", "list[0].x", "fresh[1].y", "fresh[0][2]", "a\\.b", "scalar", "scalar.x", "map[0]", "list.x", "list[0][0]", "nothing.x", "nothing[0]"];
    const failing: string[] = [];
    for (const keyPath of paths) {
      const values = jsYaml.load(valuesYaml) as Record<string, unknown>;
      const set = setAtKeyPath(values, keyPath, "v");
      if (!set) failing.push(keyPath);
      expect([keyPath, set ? values : "fails"]).toEqual([keyPath, helmValues(valuesYaml, `${keyPath}=v`)]);
    }
    expect(failing).toEqual(["scalar.x", "map[0]", "list.x", "list[0][0]", "nothing.x", "nothing[0]"]);
  });
});

describe("a HelmRelease's valuesFrom at a targetPath, as helm-controller sets it", () => {
  it("types the value as --set does, trims quotes as strings.Trim, and says which targetPath Helm cannot set", () => {
    const text =
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: apps}\nspec:\n  values: {image: nginx}\n  valuesFrom:\n" +
      ["upper", "port", "quoted", "hosts", "tag"].map((key) => `    - {kind: ConfigMap, name: flags, valuesKey: ${key}, targetPath: ${key === "tag" ? "image.tag" : `flags.${key}`}}\n`).join("") +
      "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags, namespace: apps}\ndata:\n  upper: \"TRUE\"\n  port: \"08080\"\n  quoted: \"'\\\"x\\\"'\"\n  hosts: \"a,b\"\n  tag: \"1.2\"\n";
    const objects = loadFile("flux.yaml", text).documents.flatMap(objectsOf);
    const release = objects.find((o) => o.kind === "HelmRelease")!;
    expect(releaseValues(release, (kind, name) => objects.find((o) => o.kind === kind && o.name === name))).toEqual({
      // `a,b` is two --set assignments to strvals (here an error): not read. `image` is a string, so `image.tag` fails
      // in helm-controller: a failure of the release, by its index.
      values: { image: "nginx", flags: { upper: true, port: "08080", quoted: "x" } },
      unresolved: ["ConfigMap/flags key hosts (its value uses --set syntax, commas, backslashes or {lists}, which is not read here)"],
      failed: [{ index: 4, why: "ConfigMap/flags key tag: Helm cannot set its targetPath image.tag in these values" }],
    });
  });
});
