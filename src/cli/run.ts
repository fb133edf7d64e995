import { answerParseRequests } from "../load/parse-worker.js";
import { answerShellRequests } from "../shell/shell-worker.js";
import { PARSE_WORKER_ARG, SHELL_WORKER_ARG } from "../util/worker-args.js";
import { fdOutput } from "./fd-output.js";
import { main } from "./main.js";

// The single-file bundle is its own parse and shell worker (src/load/parse-pool.ts, src/shell/shell-worker.ts
// start it with their argument): in a worker thread it answers their requests, and the CLI below does not run.
const worker = process.argv[2] === SHELL_WORKER_ARG ? answerShellRequests() : process.argv[2] === PARSE_WORKER_ARG && answerParseRequests();
if (!worker) {
  // No top-level await: the bundle runs this as a CommonJS script (src/build/bundle-loader.ts).
  void main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: fdOutput(1, () => process.stdout),
    stderr: fdOutput(2, () => process.stderr),
    // process.stdin is made on first use (a stream over the pipe or terminal, ~2 ms): only a run reading stdin pays
    get stdin() {
      return process.stdin;
    },
  }).then((code) => {
    process.exitCode = code;
  });
}
