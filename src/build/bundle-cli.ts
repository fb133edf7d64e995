import path from "node:path";
import { build } from "esbuild";
import { PACKAGE_ROOT } from "../package-root.js";

// Start-up time (issue 6: a one-file lint within 2x `node -e 0`): Node's ES module loader resolves, reads
// and links each of the ~110 modules tsc emits separately, which costs more than the lint itself. The
// bin shim imports this one-file bundle of them instead; tests, bench, fuzz and docs keep using dist/src/.
// It bundles tsc's output, so what runs is exactly what was type-checked and emitted.
// npm packages stay external, loaded from node_modules as before: bundled into an ES module, commander
// (CommonJS) fails on its own require() calls.
await build({
  entryPoints: [path.join(PACKAGE_ROOT, "dist", "src", "cli", "main.js")],
  outfile: path.join(PACKAGE_ROOT, "dist", "cli-bundle.js"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
