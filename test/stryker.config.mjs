import { tmpdir } from "node:os";
import path from "node:path";

// `npm run mutate`: Stryker's mutants of the rules and the engine, against the in-process suites
// (test/mutation.vitest.config.ts). Its reports stay under node_modules/.cache/ (the top level of the repository is
// fixed); its sandboxes go to the system's temporary directory, outside the Git work tree, because the suites
// lint paths relative to the work tree they run in. Incremental: a run re-tests only the mutants whose code or covering tests changed since
// the last one (the file below), so a full run is paid once. docs/mutation-testing.md has the score and the
// mutants left alive, with the reason for each.
const out = "node_modules/.cache/gitops-lint/stryker";

export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  // Every suite lints through rules/index.ts, which imports every rule: "related" test files would be all of them.
  vitest: { configFile: "test/mutation.vitest.config.ts", related: false },
  buildCommand: "node test/support/mutation-sandbox.mjs",
  mutate: ["rules/**/*.ts", "src/engine/**/*.ts"],
  coverageAnalysis: "perTest",
  // Rule metadata (descriptions, examples) is static: each of its mutants would need every test re-run with
  // the modules reloaded, and docs.test.ts already pins it against docs/rules.md.
  ignoreStatic: true,
  // The machine has 2 cores shared with other work.
  concurrency: 2,
  incremental: true,
  incrementalFile: `${out}/incremental.json`,
  tempDirName: path.join(tmpdir(), "gitops-lint-stryker"),
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: `${out}/mutation.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  // Slack over 3 × the covering tests' own time. With 10 s, a busy 2-core machine turned slow test runs into
  // "timed out" mutants, which Stryker counts as killed (31 of 323 in one batch); a real endless loop is rare
  // enough to pay a minute for.
  timeoutMS: 60000,
  timeoutFactor: 3,
};
