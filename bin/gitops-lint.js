#!/usr/bin/env node
// Thin shim: the CLI lives in src/cli/main.ts, compiled to dist/ by `npm run build`.
import { main } from "../dist/src/cli/main.js";

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
