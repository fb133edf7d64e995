import path from "node:path";
import { build } from "esbuild";
import { PACKAGE_ROOT } from "../package-root.js";

// Start-up time (issue 6: a one-file lint within 2x `node -e 0`): Node's ES module loader resolves, reads
// and links each of the ~110 modules tsc emits separately, which costs more than the lint itself. The
// bin shim imports this bundle of them instead (dist/cli/main.js); tests, bench, fuzz and docs keep using
// dist/src/. It bundles tsc's output, so what runs is exactly what was type-checked and emitted.
// The npm packages are bundled too, and what is imported dynamically (globby for glob patterns, chalk for
// colour) becomes a chunk of its own, read only when needed: measured against packages left in
// node_modules, a one-file lint starts 5 ms sooner and a globby walk 55 ms sooner (globby's ~30
// modules). CommonJS packages inside an ES module call require() for Node built-ins, hence the banner.
// mvdan-sh, yaml and ignore are loaded with createRequire when first needed, so they stay in node_modules; so does
// ajv (read only for a config file): a chunk made of a CommonJS module exports only its default, and
// config.ts imports ajv's named export `Ajv`, as Node provides it.
await build({
  entryPoints: [path.join(PACKAGE_ROOT, "dist", "src", "cli", "main.js")],
  outdir: path.join(PACKAGE_ROOT, "dist", "cli"),
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["ajv"],
  banner: { js: 'import { createRequire as __bundleRequire } from "node:module"; const require = __bundleRequire(import.meta.url);' },
  logLevel: "warning",
});
