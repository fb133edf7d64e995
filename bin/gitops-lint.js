#!/usr/bin/env node
"use strict";
// Thin shim: the CLI is one bundled file, dist/gitops-lint.cjs (src/cli/run.ts and everything it imports,
// npm packages included), which `npm run build` writes and every package and release ships. Both are CommonJS
// (bin/package.json says so for this file): Node starts a CommonJS entry sooner than an ES module one.
const { existsSync } = require("node:fs");
const path = require("node:path");

const bundle = path.join(__dirname, "..", "dist", "gitops-lint.cjs");
if (!existsSync(bundle)) {
  process.stderr.write(
    "gitops-lint: this copy is a source checkout without its build (dist/gitops-lint.cjs); run `npm ci && npm run build`, or install a release (see the README's Install section)\n",
  );
  process.exit(2);
}
require(bundle);
