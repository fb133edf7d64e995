import { styleText } from "node:util";
import { NO_PAINT, type Paint } from "../report/paint.js";

type Style = Parameters<typeof styleText>[0];

/** --color/--no-color win, then NO_COLOR and FORCE_COLOR, then whether the output is a terminal. */
export function paintFor(flag: boolean | undefined, isTTY: boolean, env: NodeJS.ProcessEnv): Paint {
  let enabled: boolean;
  if (flag !== undefined) enabled = flag;
  else if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") enabled = false;
  else if (env.FORCE_COLOR !== undefined) enabled = env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  else enabled = isTTY;
  if (!enabled) return NO_PAINT;
  // The decision above is made: styleText must not check process.stdout again (the report may go to a file
  // or to a test's buffer), hence validateStream: false.
  const style = (format: Style) => (text: string) => styleText(format, text, { validateStream: false });
  return { red: style("red"), yellow: style("yellow"), blue: style("blue"), green: style("green"), bold: style("bold"), dim: style("dim") };
}
