import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import path from "node:path";
import { brotliCompressSync } from "node:zlib";
import { build, type Plugin } from "esbuild";
import { PACKAGE_ROOT } from "../package-root.js";

// The CLI as one dependency-free file, dist/gitops-lint.cjs: what bin/ runs, and what the npm package, the
// GitHub Action and the Helm plugin ship. It bundles tsc's output (dist/src/cli/run.js and everything it
// imports, npm packages included), so what runs is exactly what was type-checked and emitted, and nothing
// is resolved from node_modules at run time: the Action runs it with no install step.
// Start-up time (issue 6: a one-file lint within 2x `node -e 0`; issue 16: towards 1.3x): Node's ES module
// loader resolves, reads and links each of the ~110 modules tsc emits separately, which costs more than the
// lint itself; one file does not. But V8 also scans and pre-parses all of a file it loads, and the packages
// the code loads only when it needs them (mvdan-sh alone is 1.5 MB) would cost ~150 ms on every run as
// code, ~50 ms as a string literal: those are embedded compressed and compiled on first use (lazyPackages
// below). What remains, the program itself, is compiled with V8's code cache: the file is a small loader
// (src/build/bundle-loader.ts) followed by the program as line comments, which the loader compiles with
// the code the previous run compiled. The file is CommonJS, like bin/'s shim: Node starts a CommonJS entry
// about 8 ms sooner than an ES module one (no ES module loader to set up), a tenth of a one-file lint.
const DIST_SRC = path.join(PACKAGE_ROOT, "dist", "src");
const pkg = JSON.parse(await readFile(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string };

/** How everything in the bundle is built: minified for Node 20, returned to be assembled here. */
const NODE_20 = { bundle: true, minify: true, platform: "node", target: "node20", logLevel: "warning", write: false } as const;

// The program: CommonJS, as vm.Script runs it; `require` and the bundle's URL are the loader's.
const program = await build({
  ...NODE_20,
  entryPoints: [path.join(DIST_SRC, "cli", "run.js")],
  format: "cjs",
  define: { GITOPS_LINT_BUNDLE_VERSION: JSON.stringify(pkg.version), "import.meta.url": "__bundleUrl" },
  plugins: [lazyPackages(), commanderWithoutChildProcess()],
  legalComments: "eof",
});
const code = program.outputFiles[0]!.text;
// The loader decodes the program as latin1, and a line comment would end at \r (or at U+2028, U+2029), where
// the rest of the line would run as part of the loader's module. esbuild escapes non-ASCII characters (its
// default charset), except inside regular expression literals: write those escaped in the sources.
const unfit = /[^\x00-\x7f]|\r/.exec(code);
if (unfit) throw new Error(`the bundled program has ${JSON.stringify(unfit[0])} near ${JSON.stringify(code.slice(unfit.index - 40, unfit.index + 10))}: it must be ASCII without \\r to be embedded as line comments`);
const loader = await build({
  ...NODE_20,
  entryPoints: [path.join(DIST_SRC, "build", "bundle-loader.js")],
  format: "cjs",
  // tsc emits the loader as an ES module; as CommonJS its own URL comes from __filename
  banner: { js: '"use strict";const __loaderUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { GITOPS_LINT_PROGRAM_HASH: JSON.stringify(createHash("sha256").update(code).digest("hex").slice(0, 16)), "import.meta.url": "__loaderUrl" },
});
await writeFile(
  path.join(PACKAGE_ROOT, "dist", "gitops-lint.cjs"),
  `${loader.outputFiles[0]!.text.trimEnd()}\n//@gitops-lint-program\n${code.replace(/^/gm, "//")}`,
);

/**
 * The npm packages our code loads on demand — with `createRequire(import.meta.url)("name")` (synchronous:
 * yaml, mvdan-sh, ignore, picomatch, re2js, semver) or `import("name")` (ajv) — go into the bundle as their own
 * bundled CommonJS source, brotli-compressed in a base64 string (a fast scan for V8: no escapes, a fifth of
 * the size), decompressed and compiled by the loader (with the code cache) the first time the package is
 * required. esbuild does not follow the createRequire call, so it is rewritten to the `require` esbuild follows.
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
          ...NODE_20,
          stdin: { contents: `module.exports = require(${JSON.stringify(args.path)});`, resolveDir: PACKAGE_ROOT },
          format: "cjs",
        });
        const text = inner.outputFiles[0]!.text;
        const compressed = brotliCompressSync(inner.outputFiles[0]!.contents).toString("base64");
        // __bundleCompile: the loader's (bundle-loader.ts loadPackage), which compiles with the code cache
        return {
          contents:
            `__bundleCompile(${JSON.stringify(args.path)}, ${text.length}, ` +
            `() => require("node:zlib").brotliDecompressSync(Buffer.from("${compressed}", "base64")).toString("utf8"), module);\n`,
          loader: "js",
          resolveDir: PACKAGE_ROOT,
        };
      });
    },
  };
}

/**
 * commander loads node:child_process (and with it node:net and the streams, ~4 ms of every start) for one
 * feature we do not use, executable subcommands. In the bundle its require gets the module on first use instead.
 */
function commanderWithoutChildProcess(): Plugin {
  return {
    name: "commander-without-child-process",
    setup(esbuild) {
      esbuild.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "on-first-use" } : undefined,
      );
      esbuild.onLoad({ filter: /.*/, namespace: "on-first-use" }, () => ({
        contents: 'module.exports = new Proxy({}, { get: (_, key) => require("node:child_process")[key] });',
        loader: "js",
      }));
    },
  };
}
