import { NO_PAINT, type Paint } from "../report/paint.js";

/** --color/--no-color win, then NO_COLOR and FORCE_COLOR, then whether the output is a terminal. */
export async function paintFor(flag: boolean | undefined, isTTY: boolean, env: NodeJS.ProcessEnv): Promise<Paint> {
  let enabled: boolean;
  if (flag !== undefined) enabled = flag;
  else if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") enabled = false;
  else if (env.FORCE_COLOR !== undefined) enabled = env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  else enabled = isTTY;
  if (!enabled) return NO_PAINT;
  // chalk is loaded only to colour: output to a pipe or file (CI, pre-commit, editors) never is, and its
  // load was ~10 ms of a one-file lint's start-up (issue 6).
  const { Chalk } = await import("chalk");
  return new Chalk({ level: 1 });
}
