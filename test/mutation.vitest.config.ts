import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

// The suites `npm run mutate` runs against each mutant of rules/ and src/engine/: those that lint in-process
// (through src/cli/main.ts, so a mutant of the TypeScript sources can fail them). Suites that spawn the built
// binary (dist/), Helm's plugin, an install, pre-commit or the SARIF multitool test the packaging, not the
// rules, and see none of Stryker's mutants; they would only slow every mutant down.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        "test/action.test.ts",
        "test/architecture.test.ts",
        "test/bundle.test.ts",
        "test/fuzz.test.ts",
        "test/helm-binary.test.ts",
        "test/helm-plugin.test.ts",
        "test/install.test.ts",
        "test/pre-commit.test.ts",
        "test/sarif-multitool.test.ts",
        "test/walk-gitignore.test.ts",
      ],
    },
  }),
);
