import { fstatSync, writeSync } from "node:fs";
import type { Io } from "./lint-options.js";

/**
 * Standard output or error, written straight to its file descriptor. Node's process.stdout and process.stderr
 * are streams, and making one loads the stream and net modules (28 of Node's own modules), a few milliseconds of
 * a one-file lint's start-up; a run writes its report in one piece and needs none of what a stream adds. The
 * stream is still made when it is needed: to tell whether a character device is a terminal, and to write to a
 * Windows console (which wants UTF-16, not the UTF-8 bytes written here).
 */
export function fdOutput(fd: number, stream: () => NodeJS.WriteStream): Io["stdout"] {
  let closed = false;
  let terminal: boolean | undefined;
  const isTTY = (): boolean => {
    // A terminal is a character device (so is /dev/null): only then is the stream made, to ask.
    terminal ??= fstatSync(fd).isCharacterDevice() && stream().isTTY === true;
    return terminal;
  };
  return {
    write(text: string): boolean {
      if (closed) return false;
      if (process.platform === "win32" && isTTY()) return stream().write(text);
      const bytes = Buffer.from(text);
      for (let offset = 0; offset < bytes.length; ) {
        try {
          offset += writeSync(fd, bytes, offset);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          // A reader that stops early (`gitops-lint rules | head`) is not an error: the rest is dropped, the exit code kept.
          if (code === "EPIPE") {
            closed = true;
            return false;
          }
          if (code !== "EAGAIN") throw error;
          // A full pipe left non-blocking (a Node parent shares it): wait for the reader, as a blocking write does.
          Atomics.wait(PAUSE, 0, 0, 2);
        }
      }
      return true;
    },
    get isTTY(): boolean {
      return isTTY();
    },
  };
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
