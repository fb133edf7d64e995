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
    env: renderToolsLocation().env as Record<string, string>,
  },
});
