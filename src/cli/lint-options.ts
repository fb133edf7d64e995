import type { ApplierId } from "../model/applier.js";
import type { RenderOptions } from "../render/context.js";

/** Where the CLI reads and writes: the process, or a test's buffers. */
export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
}

/** Commander's parsed options: the render options under the same names, plus everything else (-f/-o: src/cli/report-targets.ts). */
export interface LintFlags extends RenderOptions {
  config?: string;
  rule: string[];
  maxWarnings?: string;
  quiet?: boolean;
  color?: boolean;
  stdinFilename: string;
  releaseTimeout?: string;
  applier?: ApplierId;
  base?: string;
  baseFile?: string;
  chartDir?: string;
  sarifCategory?: string;
  chartsFromFiles?: boolean;
  maxFileSize?: string;
  maxDocuments?: string;
  reportUnusedSuppressions?: boolean;
  allowEmpty?: boolean;
  /** false with `--no-cache` */
  cache?: boolean;
}
