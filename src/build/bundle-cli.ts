import { readFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import path from "node:path";
import { brotliCompressSync } from "node:zlib";
import { build, type Plugin } from "esbuild";
import { PACKAGE_ROOT } from "../package-root.js";

// The CLI as one dependency-free file, dist/gitops-lint.mjs: what bin/ runs, and what the npm package, the
// GitHub Action and the Helm plugin ship. It bundles tsc's output (dist/src/cli/run.js and everything it
// imports, npm packages included), so what runs is exactly what was type-checked and emitted, and nothing
// is resolved from node_modules at run time: the Action runs it with no install step.
// Start-up time (issue 6: a one-file lint within 2x `node -e 0`): Node's ES module loader resolves, reads
// and links each of the ~110 modules tsc emits separately, which costs more than the lint itself; one file
// does not. But V8 also scans and pre-parses all of a file it loads, and the packages the code loads only
// when it needs them (mvdan-sh alone is 1.5 MB) would cost ~150 ms on every run as code, ~50 ms as a
// string literal: those are embedded compressed and compiled on first use (lazyPackages below).
// CommonJS packages inside an ES module call require() for Node built-ins, hence the banner.
const DIST_SRC = path.join(PACKAGE_ROOT, "dist", "src");
const pkg = JSON.parse(await readFile(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string };

await build({
  entryPoints: [path.join(DIST_SRC, "cli", "run.js")],
  outfile: path.join(PACKAGE_ROOT, "dist", "gitops-lint.mjs"),
  bundle: true,
  minify: true,
  platform: "node",
  format: "esm",
  target: "node20",
  define: { GITOPS_LINT_BUNDLE_VERSION: JSON.stringify(pkg.version) },
  plugins: [lazyPackages()],
  banner: { js: 'import { createRequire as __bundleRequire } from "node:module"; const require = __bundleRequire(import.meta.url);' },
  legalComments: "eof",
  logLevel: "warning",
});

/**
 * The npm packages our code loads on demand — with `createRequire(import.meta.url)("name")` (synchronous:
 * yaml, mvdan-sh, ignore, picomatch) or `import("name")` (ajv) — go into the bundle as their own bundled
 * CommonJS source, brotli-compressed in a base64 string (a fast scan for V8: no escapes, a fifth of the
 * size), decompressed and compiled by `vm.compileFunction` the first time the package is required. esbuild
 * does not follow the createRequire call, so it is rewritten to the `require` esbuild follows.
 */
function lazyPackages(): Plugin {
  const createRequireCall = /\bcreateRequire\(import\.meta\.url\)\((["'][^"']+["'])\)/g;
  return {
    name: "lazy-packages",
    setup(esbuild) {
      esbuild.onLoad({ filter: /\.js$/ }, async (args) => {
        if (!args.path.startsWith(DIST_SRC + path.sep)) return undefined;
        const source = await readFile(args.path, "utf8");
        return { contents: source.replace(createRequireCall, "require($1)"), loader: "js" };
      });
      esbuild.onResolve({ filter: /^[^./]/ }, (args) => {
        const onDemand = args.kind === "require-call" || args.kind === "dynamic-import";
        if (!onDemand || isBuiltin(args.path) || !args.importer.startsWith(DIST_SRC + path.sep)) return undefined;
        return { path: args.path, namespace: "lazy-package" };
      });
      esbuild.onLoad({ filter: /.*/, namespace: "lazy-package" }, async (args) => {
        const inner = await build({
          stdin: { contents: `module.exports = require(${JSON.stringify(args.path)});`, resolveDir: PACKAGE_ROOT },
          bundle: true,
          minify: true,
          platform: "node",
          format: "cjs",
          target: "node20",
          write: false,
          logLevel: "warning",
        });
        const compressed = brotliCompressSync(inner.outputFiles[0]!.contents).toString("base64");
        return {
          contents:
            `const source = require("node:zlib").brotliDecompressSync(Buffer.from("${compressed}", "base64")).toString("utf8");\n` +
            `const load = require("node:vm").compileFunction(source, ["exports", "require", "module"], { filename: ${JSON.stringify(`gitops-lint/${args.path}`)} });\n` +
            `load.call(module.exports, module.exports, require, module);\n`,
          loader: "js",
          resolveDir: PACKAGE_ROOT,
        };
      });
    },
  };
}
