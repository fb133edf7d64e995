import { WAITING_COMMANDS } from "./command-waits.js";

const QUOTING = /['"\\]/g;
const WAITING_WORD = new RegExp(`(?:^|[^A-Za-z0-9_.-])(?:${WAITING_COMMANDS.join("|")})(?![A-Za-z0-9_.-])`);

/**
 * Whether a script can contain a command whose wait the hook rule reads. Walking mvdan-sh's AST
 * costs tens of milliseconds per script (every node access crosses its GopherJS wrapper), and most
 * hook and init scripts run no such command: they need no parse. Conservative, never a judgement of
 * what the script does: any word in the text or in the container's env values that spells a waiting
 * command (quotes and backslashes removed first, so `sl''eep` counts) sends the script to the parser.
 */
export function mayWait(script: string, env: ReadonlyMap<string, string>): boolean {
  if (WAITING_WORD.test(script.replace(QUOTING, ""))) return true;
  for (const value of env.values()) if (WAITING_WORD.test(value.replace(QUOTING, ""))) return true;
  return false;
}
