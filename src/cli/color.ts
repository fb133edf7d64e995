import { Chalk, type ChalkInstance } from "chalk";

/** --color/--no-color win, then NO_COLOR and FORCE_COLOR, then whether the output is a terminal. */
export function chalkFor(flag: boolean | undefined, isTTY: boolean, env: NodeJS.ProcessEnv): ChalkInstance {
  let enabled: boolean;
  if (flag !== undefined) enabled = flag;
  else if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") enabled = false;
  else if (env.FORCE_COLOR !== undefined) enabled = env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  else enabled = isTTY;
  return new Chalk({ level: enabled ? 1 : 0 });
}
