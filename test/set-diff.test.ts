import { describe, expect, it } from "vitest";
import { diffSets } from "../src/diff/set-diff.js";
import { loadFile } from "../src/load/load-file.js";
import { ManifestSet } from "../src/model/manifest-set.js";

const setOf = (text: string): ManifestSet => {
  const set = new ManifestSet();
  set.add(loadFile("m.yaml", text));
  return set;
};
const deployment = (apiVersion: string, name: string, namespace?: string): string =>
  `apiVersion: ${apiVersion}\nkind: Deployment\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ""}`;

describe("diffSets", () => {
  it("pairs objects by API group, kind, namespace and name, across API versions and documents", () => {
    const base = setOf([deployment("apps/v1beta2", "api"), deployment("apps/v1", "web", "a"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: api}\n"].join("---\n"));
    const head = setOf([deployment("apps/v1", "web", "a"), deployment("apps/v1", "api"), deployment("apps/v1", "web", "b"), deployment("example.com/v1", "api")].join("---\n"));
    const diff = diffSets(base, head, "HEAD");
    expect(diff.baseName).toBe("HEAD");
    expect(diff.pairs.map((p) => [p.head.apiVersion, p.head.namespace ?? "", p.head.name, p.base.apiVersion])).toEqual([
      ["apps/v1", "a", "web", "apps/v1"],
      ["apps/v1", "", "api", "apps/v1beta2"],
    ]);
    // Another namespace, another group, another kind: new objects.
    expect(head.objects.map((o) => diff.baseOf(o)?.name)).toEqual(["web", "api", undefined, undefined]);
  });

  it("pairs a rendered object that starts naming its release namespace with the one that named none", () => {
    const rendered = (namespace?: string): ManifestSet => {
      const set = new ManifestSet();
      const file = loadFile("rendered.yaml", deployment("apps/v1", "api", namespace));
      for (const document of file.documents) document.source.defaultNamespace = "payments";
      set.add(file);
      return set;
    };
    const head = rendered("payments");
    expect(diffSets(rendered(), head, "HEAD").baseOf(head.objects[0]!)?.name).toBe("api");
    const elsewhere = rendered("billing");
    expect(diffSets(rendered(), elsewhere, "HEAD").baseOf(elsewhere.objects[0]!)).toBeUndefined();
    // plain manifests: no release namespace, so an object that names one is another object
    expect(diffSets(setOf(deployment("apps/v1", "api")), setOf(deployment("apps/v1", "api", "payments")), "HEAD").pairs).toEqual([]);
  });

  it("pairs a rendered object only with one of the same Helm release: the same HelmRelease, or the same chart directory", () => {
    const rendered = (source: { chartDir?: string; helmRelease?: { namespace?: string; name: string } }): ManifestSet => {
      const set = new ManifestSet();
      const file = loadFile("rendered.yaml", deployment("apps/v1", "release-name-alertmanager"));
      for (const document of file.documents) Object.assign(document.source, source, { defaultNamespace: "default" });
      set.add(file);
      return set;
    };
    const head = rendered({ chartDir: "charts/alertmanager" });
    // the umbrella chart's copy of its subchart at the base is another release's object
    expect(diffSets(rendered({ chartDir: "charts/prometheus" }), head, "HEAD").baseOf(head.objects[0]!)).toBeUndefined();
    expect(diffSets(rendered({ chartDir: "charts/alertmanager" }), head, "HEAD").baseOf(head.objects[0]!)?.name).toBe("release-name-alertmanager");
    // a HelmRelease's objects follow the release, wherever its chart or file moved
    const viaRelease = rendered({ chartDir: "charts/new-place", helmRelease: { namespace: "monitoring", name: "alertmanager" } });
    expect(diffSets(rendered({ chartDir: "charts/alertmanager", helmRelease: { namespace: "monitoring", name: "alertmanager" } }), viaRelease, "HEAD").baseOf(viaRelease.objects[0]!)).toBeDefined();
    expect(diffSets(rendered({ chartDir: "charts/alertmanager", helmRelease: { namespace: "monitoring", name: "other" } }), viaRelease, "HEAD").baseOf(viaRelease.objects[0]!)).toBeUndefined();
  });

  it("never pairs objects the API server names (generateName), and takes the last of a repeated identity", () => {
    const job = (image: string): string => `apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: run-\nspec: {template: {spec: {containers: [{name: a, image: ${image}}]}}}\n`;
    const repeated = (replicas: number): string => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec: {replicas: ${replicas}}\n`;
    const base = setOf([job("a:1"), repeated(1), repeated(2)].join("---\n"));
    const head = setOf([job("a:2"), repeated(3)].join("---\n"));
    const diff = diffSets(base, head, "HEAD");
    expect(diff.pairs.map((p) => [p.head.kind, p.base.body.spec])).toEqual([["Deployment", { replicas: 2 }]]);
  });
});

describe("covers", () => {
  it("is false for an object the base holds as the very document the head read: that base says nothing about it", () => {
    const head = setOf(deployment("apps/v1", "api"));
    const base = new ManifestSet();
    for (const object of head.objects) base.add({ file: object.source.file, documents: [{ source: object.source, value: object.body }], problems: [] });
    const diff = diffSets(base, head, "HEAD");
    expect(diff.pairs).toEqual([]);
    expect(diff.covers(head.objects[0]!)).toBe(false);
    expect(diff.baseOf(head.objects[0]!)).toBeUndefined();
    // A copy of the same text read again is a base that speaks: paired, covered.
    const reread = diffSets(setOf(deployment("apps/v1", "api")), head, "HEAD");
    expect([reread.pairs.length, reread.covers(head.objects[0]!)]).toEqual([1, true]);
  });
});
