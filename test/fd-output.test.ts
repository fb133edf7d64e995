import { spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { fdOutput } from "../src/cli/fd-output.js";
import { REPO } from "./support/cli.js";

// The CLI writes its report straight to file descriptors 1 and 2 (src/cli/fd-output.ts); a closed pipe (EPIPE)
// is covered end to end in cli.test.ts.
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("output written to a file descriptor", () => {
  it("writes every byte to a file, which is no terminal, without making a stream", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-fd-"));
    dirs.push(dir);
    const file = path.join(dir, "out.txt");
    const fd = openSync(file, "w");
    let streams = 0;
    try {
      const out = fdOutput(fd, () => {
        streams++;
        return process.stdout;
      });
      out.write("✔ no problems\n");
      out.write("é".repeat(10_000));
      expect(out.isTTY).toBe(false);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, "utf8")).toBe(`✔ no problems\n${"é".repeat(10_000)}`);
    expect(streams).toBe(0);
  });

  it("asks the stream whether a character device is a terminal", () => {
    const fd = openSync("/dev/null", "w");
    try {
      let asked = 0;
      const out = fdOutput(fd, () => {
        asked++;
        return { isTTY: false } as NodeJS.WriteStream;
      });
      expect([out.isTTY, out.isTTY, asked]).toEqual([false, false, 1]);
    } finally {
      closeSync(fd);
    }
  });

  it("waits for the reader when a non-blocking pipe is full, losing nothing", async () => {
    const child = writerOfChunks((i) => `String(${i} % 10)`);
    child.stdout.pause();
    // Long enough for the child to start and fill the 64 KiB pipe, so its writes meet EAGAIN.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stdout.resume();
    expect(await exitOf(child)).toEqual([0, ""]);
    expect(Buffer.concat(chunks).toString()).toBe(Array.from({ length: 64 }, (_, i) => String(i % 10).repeat(16 * 1024)).join(""));
  });

  it("stops quietly when the reader goes away while it waits on a full pipe", async () => {
    const child = writerOfChunks(() => '"x"');
    child.stdout.pause();
    setTimeout(() => child.stdout.destroy(), 1000);
    expect(await exitOf(child)).toEqual([0, ""]);
  });
});

/**
 * A child writing 64 chunks of 16 KiB (chunk i repeats the expression `fill(i)`) through fdOutput to a pipe that
 * Node's own stream has made non-blocking (anything that touched process.stdout first does): once the pipe's
 * buffer is full and the parent does not read, writes fail with EAGAIN. No stream is needed for a pipe.
 */
function writerOfChunks(fill: (i: string) => string): ChildProcessByStdio<null, Readable, Readable> {
  const module = JSON.stringify(path.join(REPO, "dist", "src", "cli", "fd-output.js"));
  const code =
    `import { fdOutput } from ${module}; process.stdout;` +
    'const out = fdOutput(1, () => { throw new Error("no stream is needed for a pipe"); });' +
    `for (let i = 0; i < 64; i++) out.write(${fill("i")}.repeat(16 * 1024));`;
  return spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "pipe"] });
}

async function exitOf(child: ChildProcessByStdio<null, Readable, Readable>): Promise<[number | null, string]> {
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const [code] = (await once(child, "close")) as [number | null];
  return [code, stderr];
}
