/**
 * The arguments the CLI's worker threads are started with: the CLI bundle is its own worker (src/cli/run.ts),
 * and its loader writes no compile cache from a worker (src/build/bundle-loader.ts).
 */
/** A parse worker (src/load/parse-pool.ts). */
export const PARSE_WORKER_ARG = "--gitops-lint-parse-worker";
/** The shell worker (src/shell/shell-worker.ts). */
export const SHELL_WORKER_ARG = "--gitops-lint-shell-worker";

export function isWorkerArg(arg: string | undefined): boolean {
  return arg === PARSE_WORKER_ARG || arg === SHELL_WORKER_ARG;
}
