#!/usr/bin/env node
// Thin shim: the CLI is one bundled file, dist/gitops-lint.mjs (src/cli/run.ts and everything it imports,
// npm packages included), which `npm run build` writes and every package and release ships.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/gitops-lint.mjs", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    "gitops-lint: this copy is a source checkout without its build (dist/gitops-lint.mjs); run `npm ci && npm run build`, or install a release (see the README's Install section)\n",
  );
  process.exit(2);
}
await import(bundle.href);
