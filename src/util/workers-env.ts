/**
 * `GITOPS_LINT_WORKERS=0|N|auto`: worker threads besides the main thread (parse workers; any number above 0 also
 * turns the shell worker on), for benchmarks and for machines where threads are unwelcome. Anything else is "auto".
 * Even with 0, a script nested deeper than the main thread's stack can parse gets a thread of its own (its deep
 * stack, src/shell/parser.ts): without it the script would go unread.
 */
export function workersFromEnv(env: NodeJS.ProcessEnv): number | "auto" {
  const value = env.GITOPS_LINT_WORKERS;
  if (value === undefined || value === "" || value === "auto") return "auto";
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : "auto";
}
