import { WAITING_COMMANDS } from "./command-waits.js";

const WAITING_WORD = new RegExp(`(?:^|[^A-Za-z0-9_.-])(?:${WAITING_COMMANDS.join("|")})(?:\\.sh)?(?![A-Za-z0-9_.-])`);

/**
 * Whether a script can run a command whose wait the hook rule reads. Parsing costs a millisecond or more
 * per script (the Go parser compiled to JavaScript), and most hook and init scripts run no such command:
 * they need no parse. Conservative, never a judgement of what the script
 * does: a script with any expansion (`$`, backticks) or backslash can build a command name the text does
 * not spell, so it is always parsed; otherwise, once quotes are removed (`sl''eep`), a waiting command
 * must appear as a word of its own.
 */
export function mayWait(script: string): boolean {
  return /[$`\\]/.test(script) || WAITING_WORD.test(script.replace(/['"]/g, ""));
}
