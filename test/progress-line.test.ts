import { afterEach, describe, expect, it, vi } from "vitest";
import { writeFluxMonorepo } from "../src/bench/flux-monorepo.js";
import { ProgressLine, progressText } from "../src/cli/progress-line.js";
import { main } from "../src/cli/main.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { TOOL_ENV } from "./support/helm.js";

// The progress line on stderr (src/cli/progress-line.ts): only on a terminal, only once rendering has taken a
// second, and gone when rendering ends. The clock is a fake one: nothing here is timed.

afterEach(() => {
  vi.useRealTimers();
});

function terminal(isTTY: boolean): { stream: { write(text: string): void; isTTY: boolean }; written: () => string } {
  let text = "";
  return { stream: { write: (s: string) => void (text += s), isTTY }, written: () => text };
}

describe("the progress line", () => {
  it("says how many renders are done out of how many are known", () => {
    expect(progressText(12, 60)).toBe("rendering 12/60 charts and kustomizations…");
  });

  it("appears on a terminal once rendering has taken a second, is written over in place, and is blanked at the end", () => {
    vi.useFakeTimers();
    const { stream, written } = terminal(true);
    const line = new ProgressLine(stream);
    line.started();
    line.started();
    line.finished();
    vi.advanceTimersByTime(999);
    expect(written()).toBe("");
    vi.advanceTimersByTime(1);
    expect(written()).toBe(`\r${progressText(1, 2)}`);
    line.finished();
    expect(written()).toBe(`\r${progressText(1, 2)}\r${progressText(2, 2)}`);
    line.end();
    const width = progressText(2, 2).length;
    expect(written().endsWith(`\r${" ".repeat(width)}\r`)).toBe(true);
  });

  it("never appears when rendering ends within the second", () => {
    vi.useFakeTimers();
    const { stream, written } = terminal(true);
    const line = new ProgressLine(stream);
    line.started();
    line.finished();
    line.end();
    vi.advanceTimersByTime(5000);
    expect(written()).toBe("");
  });

  it("never appears when stderr is not a terminal (CI logs, pipes, files)", () => {
    vi.useFakeTimers();
    const { stream, written } = terminal(false);
    const line = new ProgressLine(stream);
    for (let i = 0; i < 50; i++) line.started();
    vi.advanceTimersByTime(10_000);
    for (let i = 0; i < 50; i++) line.finished();
    line.end();
    expect(written()).toBe("");
  });

  it("leaves a lint run's stderr empty when it is not a terminal", async () => {
    const repo = mkdtempSync(path.join(tmpdir(), "gitops-lint-progress-"));
    try {
      writeFluxMonorepo(repo, 4, 2);
      let stderr = "";
      let stdout = "";
      const code = await main([".", "--no-cache"], {
        cwd: repo,
        env: TOOL_ENV,
        stdout: { write: (s: string) => (stdout += s), isTTY: false },
        stderr: { write: (s: string) => (stderr += s), isTTY: false },
        stdin: Readable.from([]),
      });
      expect(code).toBe(0);
      expect(stdout).toMatch(/no problems \(\d+ objects/);
      expect(stderr).toBe("");
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }, 120_000);
});
