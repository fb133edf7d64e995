#!/usr/bin/env node
// Thin shim: the CLI lives in src/cli/main.ts; `npm run build` compiles it to dist/ and bundles it into one
// file (src/build/bundle-cli.ts), which starts faster than the ~110 modules it is made of.
import { main } from "../dist/cli-bundle.js";

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
