#!/usr/bin/env node
// Thin shim: the CLI lives in src/cli/main.ts; `npm run build` compiles it to dist/ and bundles it with its
// npm packages (src/build/bundle-cli.ts), which starts faster than the ~110 modules it is made of.
import { main } from "../dist/cli/main.js";

// A reader that stops early (`gitops-lint rules | head`) is not an error: stop writing, keep the exit code.
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
