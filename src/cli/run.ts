import { isMainThread } from "node:worker_threads";
import { main } from "./main.js";
// The single-file bundle is its own parse worker (src/load/parse-pool.ts): parse-worker's message handler is
// bundled with the CLI, and in a worker thread it answers parse requests while the CLI below stays idle.
import "../load/parse-worker.js";

if (isMainThread) {
  // A reader that stops early (`gitops-lint rules | head`) is not an error: stop writing, keep the exit code.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
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
}
