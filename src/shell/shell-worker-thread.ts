import { answerShellRequests } from "./shell-worker.js";

// The shell worker's entry when the CLI runs unbundled (compiled by tsc, under test); the bundle is its own (src/cli/run.ts).
answerShellRequests();
