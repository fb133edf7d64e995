import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { REPO } from "./cli.js";

// @microsoft/sarif-multitool installs one optional package per platform with a self-contained .NET binary
// (x64 only) and the SARIF schema. `npm ci` installs the one for this operating system.
export const MULTITOOL_PLATFORM_PACKAGE = `@microsoft/sarif-multitool-${process.platform}`;

const require = createRequire(path.join(REPO, "package.json"));

/**
 * The multitool's binary, or why it cannot run here: the tests that need it skip with this reason
 * (the schema tests still run: the schema is in every platform package).
 */
export function multitoolBinary(): { path: string } | { unsupported: string } {
  if (!["linux", "darwin", "win32"].includes(process.platform)) return { unsupported: `the SARIF multitool has no build for ${process.platform}` };
  if (process.arch !== "x64") return { unsupported: `the SARIF multitool ships x64 binaries only, this machine is ${process.arch}` };
  let binary: string | undefined;
  try {
    binary = require("@microsoft/sarif-multitool") as string;
  } catch {
    binary = undefined;
  }
  return binary !== undefined && existsSync(binary) ? { path: binary } : { unsupported: `${MULTITOOL_PLATFORM_PACKAGE} is not installed (npm ci installs it on ${process.platform})` };
}
