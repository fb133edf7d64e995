import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

// The suites `npm run mutate` runs against each mutant of rules/ and src/engine/: those that lint in-process
// (through src/cli/main.ts, so a mutant of the TypeScript sources can fail them). Left out: suites that spawn the
// built binary (dist/), Helm's plugin, an install, pre-commit or the SARIF multitool, which test the packaging and
// see none of Stryker's mutants; suites of the stages before the rules (loading, rendering, source maps, the
// diff) and after them (report formats), whose slow renders would run for every mutant; and the fixture marker
// suite, whose every assertion golden.test.ts makes too, on the same fixtures.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      // Stryker runs every mutant's tests in one thread; reloading the sources for each test file would cost
      // more than the tests. No suite here depends on a fresh module state.
      isolate: false,
      exclude: [
        // packaging, the built binary
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
        // other stages
        "test/ci-formats.test.ts",
        "test/flux-fidelity.test.ts",
        "test/go-regexp.test.ts",
        "test/helm-sourcemap.test.ts",
        "test/hook-annotations-helm.test.ts",
        "test/kustomize-patch-inputs.test.ts",
        "test/loader.test.ts",
        "test/parallel-load.test.ts",
        "test/render.test.ts",
        "test/set-diff.test.ts",
        "test/sourcemap.test.ts",
        "test/strategy-helm-render.test.ts",
        "test/strategy-kustomize-build.test.ts",
        // golden.test.ts asserts all of it on the same fixtures
        "test/rule-fixtures.test.ts",
      ],
    },
  }),
);
