import { describe, expect, it } from "vitest";
import { loadFile } from "../src/load/load-file.js";
import { separateClusters } from "../src/render/cluster-directories.js";
import type { RawInput } from "../src/render/index.js";

const raw = (file: string, text: string, cluster?: string): RawInput => ({ absolutePath: `/repo/${file}`, loaded: loadFile(file, Buffer.from(text)), ...(cluster !== undefined ? { cluster } : {}) });
const flux = (name: string): string => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\n`;
const configMap = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const clusters = (inputs: RawInput[]): Record<string, string | undefined> => Object.fromEntries(separateClusters(inputs).map((i) => [i.loaded.file, i.cluster]));

describe("clusters told apart by directory (src/render/cluster-directories.ts)", () => {
  it("makes each directory that defines a Flux object another one also defines a set, with every file under it", () => {
    expect(
      clusters([
        raw("clusters/production/infra.yaml", flux("infra"), "dir:."),
        raw("clusters/production/vars/vars.yaml", configMap("vars"), "dir:."),
        raw("clusters/staging/infra.yaml", flux("infra"), "dir:."),
        raw("apps/app.yaml", configMap("app"), "dir:."),
      ]),
    ).toEqual({
      "clusters/production/infra.yaml": "dir:. cluster-directory:clusters/production",
      "clusters/production/vars/vars.yaml": "dir:. cluster-directory:clusters/production",
      "clusters/staging/infra.yaml": "dir:. cluster-directory:clusters/staging",
      "apps/app.yaml": "dir:.",
    });
  });

  it("separates nothing for a Flux object defined twice in one directory, for other kinds, or across sets", () => {
    const inputs = [
      raw("clusters/prod/a.yaml", flux("infra")),
      raw("clusters/prod/b.yaml", flux("infra")),
      raw("base/app.yaml", configMap("app")),
      raw("overlays/prod/app.yaml", configMap("app")),
      raw("x/apps.yaml", flux("apps"), "dir:x"),
      raw("y/apps.yaml", flux("apps"), "dir:y"),
    ];
    expect(separateClusters(inputs)).toBe(inputs);
  });
});
