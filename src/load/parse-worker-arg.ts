/**
 * The argument a parse worker is started with (src/load/parse-pool.ts): the CLI bundle is its own worker
 * (src/cli/run.ts), and its loader writes no compile cache from a worker (src/build/bundle-loader.ts).
 */
export const PARSE_WORKER_ARG = "--gitops-lint-parse-worker";
