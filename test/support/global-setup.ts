import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensureRenderTools } from "../../src/build/render-tools.js";

/**
 * Runs once before the test workers start: extracts Helm and kubectl, so no two workers do it at once; and gives
 * the suite a render cache of its own (XDG_CACHE_HOME, for the runs that pass on the tests' environment), removed
 * when the suite ends, so no test reads or writes the user's cache.
 */
export default function setup(project: TestProject): () => void {
  ensureRenderTools();
  const cacheHome = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-test-cache-"));
  project.config.env.XDG_CACHE_HOME = cacheHome;
  return () => rmSync(cacheHome, { recursive: true, force: true });
}
