import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { renderToolsLocation } from "../src/build/render-tools.js";

// `npm test` runs vitest with this file. Tests see the bundled Helm and kubectl first on PATH (and Helm's
// directories inside the clone), whatever the machine has installed.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Many tests run real processes (helm, kubectl, git): on a loaded 2-core machine 5 s is not enough. Not a speed target.
    testTimeout: 30_000,
    env: renderToolsLocation().env as Record<string, string>,
  },
});
