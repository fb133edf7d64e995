import { createRequire } from "node:module";

type YamlModule = typeof import("yaml");
let loaded: YamlModule | undefined;

/**
 * The `yaml` package, loaded on first use. Clean inputs never need it (js-yaml parses them; `yaml` only
 * builds ASTs for positions, parses what js-yaml rejects, and scans `{{`), and loading it costs more
 * start-up time than the whole lint of a small file. Its Node entry is CommonJS for both `import` and
 * `require`, so this is the same module instance an `import` would give.
 */
export function yamlLib(): YamlModule {
  loaded ??= createRequire(import.meta.url)("yaml") as YamlModule;
  return loaded;
}

// Type guards of the `yaml` AST that load the package only when first called.
export const isAlias = (node: unknown): node is import("yaml").Alias => yamlLib().isAlias(node);
export const isMap = (node: unknown): node is import("yaml").YAMLMap => yamlLib().isMap(node);
export const isScalar = (node: unknown): node is import("yaml").Scalar => yamlLib().isScalar(node);
export const isSeq = (node: unknown): node is import("yaml").YAMLSeq => yamlLib().isSeq(node);
