import { createRequire } from "node:module";

// node:crypto, node:child_process, node:stream and node:worker_threads take about 6 ms to load, a fifth of a
// one-file lint's start-up beyond bare Node, and only renders, caches, Git calls, `gitops-lint helm-template` and
// the parse workers of a large input use them: they are loaded the first time one of those runs.
const require = createRequire(import.meta.url);

export const childProcess = (): typeof import("node:child_process") => require("node:child_process");
export const crypto = (): typeof import("node:crypto") => require("node:crypto");
export const stream = (): typeof import("node:stream") => require("node:stream");
export const workerThreads = (): typeof import("node:worker_threads") => require("node:worker_threads");
