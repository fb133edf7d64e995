import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadFile } from "../src/load/load-file.js";
import { clusterKey, parentSetKey, separateClusters } from "../src/render/cluster-directories.js";
import type { RawInput } from "../src/render/index.js";

const ROOT = path.resolve("/repo");
/** A file of the repository at /repo, shown as `shown` (relative to wherever the run started). */
const raw = (file: string, text: string, shown = file, cluster = "dir:."): RawInput => ({ absolutePath: path.join(ROOT, ...file.split("/")), loaded: loadFile(shown, Buffer.from(text)), cluster });
const flux = (...names: string[]): string => names.map((name) => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\n`).join("---\n");
const configMap = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const clusters = (inputs: RawInput[]): Record<string, string | undefined> => Object.fromEntries(separateClusters(inputs).inputs.map((i) => [i.loaded.file, i.cluster]));

describe("clusters told apart by directory (src/render/cluster-directories.ts)", () => {
  it("makes sibling directories that define the same Flux objects in the same files sets of their own, with every file under them", () => {
    expect(
      clusters([
        raw("clusters/production/infra.yaml", flux("infra", "apps")),
        raw("clusters/production/vars/vars.yaml", configMap("vars")),
        raw("clusters/staging/infra.yaml", flux("infra", "apps")),
        raw("apps/app.yaml", configMap("app")),
      ]),
    ).toEqual({
      "clusters/production/infra.yaml": "dir:. cluster-directory:clusters/production",
      "clusters/production/vars/vars.yaml": "dir:. cluster-directory:clusters/production",
      "clusters/staging/infra.yaml": "dir:. cluster-directory:clusters/staging",
      "apps/app.yaml": "dir:.",
    });
  });

  it("names the sets by the directories as shown, however the run reached them", () => {
    // run from clusters/production with `..`: the same sets, named as the user sees the files
    const inside = clusters([raw("clusters/production/infra.yaml", flux("infra", "apps"), "infra.yaml", "dir:.."), raw("clusters/staging/infra.yaml", flux("infra", "apps"), "../staging/infra.yaml", "dir:..")]);
    expect(inside).toEqual({ "infra.yaml": "dir:.. cluster-directory:.", "../staging/infra.yaml": "dir:.. cluster-directory:../staging" });
  });

  it("separates nothing for one object defined twice, files in one directory, other kinds, other file names, or across sets", () => {
    const inputs = [
      raw("clusters/prod/flux-system/apps.yaml", flux("apps")),
      raw("clusters/prod/apps/apps.yaml", flux("apps")),
      raw("clusters/dev/a.yaml", flux("x", "y")),
      raw("clusters/dev/b.yaml", flux("x", "y")),
      raw("base/app.yaml", configMap("app")),
      raw("overlays/prod/app.yaml", configMap("app")),
      raw("one/apps.yaml", flux("p", "q")),
      raw("two/other-name.yaml", flux("p", "q")),
      raw("x/apps.yaml", flux("r", "s"), "x/apps.yaml", "dir:x"),
      raw("y/apps.yaml", flux("r", "s"), "y/apps.yaml", "dir:y"),
    ];
    expect(separateClusters(inputs)).toEqual({ inputs, notes: [] });
  });

  it("keys a split set so that the set it came from can be found again", () => {
    expect(parentSetKey(clusterKey("dir:.", "clusters/staging"))).toBe("dir:.");
    expect(parentSetKey("dir:.")).toBe("dir:.");
  });
});
