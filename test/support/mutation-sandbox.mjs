// Stryker's buildCommand (test/stryker.config.mjs), run once in its sandbox, a copy of the repository without
// its history, before any test: what the suites expect of a clone.
import { execFileSync } from "node:child_process";
import { chmodSync } from "node:fs";

// The fixtures that lint against `--base HEAD` need the files committed.
const git = (...args) => execFileSync("git", ["-c", "user.name=stryker", "-c", "user.email=stryker@example.invalid", "-c", "commit.gpgsign=false", ...args], { stdio: "ignore" });
git("init", "-q");
git("add", "-A");
git("commit", "-q", "-m", "mutation sandbox");
// Stryker makes the sandbox private to its owner; one test runs bin/ inside it as the user nobody
// (test/malformed-input.test.ts: a directory that root could read anyway).
chmodSync(".", 0o755);
