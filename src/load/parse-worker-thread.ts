import { answerParseRequests } from "./parse-worker.js";

// A parse worker's entry when the CLI runs unbundled (compiled by tsc, under test); the bundle is its own (src/cli/run.ts).
answerParseRequests();
