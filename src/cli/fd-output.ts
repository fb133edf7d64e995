import { fstatSync, writeSync } from "node:fs";
import type { Io } from "./lint-options.js";

/**
 * Standard output or error, written straight to its file descriptor. Node's process.stdout and process.stderr
 * are streams, and making one loads the stream and net modules (28 of Node's own modules), a few milliseconds of
 * a one-file lint's start-up; a run writes its report in one piece and needs none of what a stream adds. The
 * stream is still made when it is needed: to tell whether a character device is a terminal, and to queue output
 * for a non-blocking pipe that is full.
 */
export function fdOutput(fd: number, stream: () => NodeJS.WriteStream): Io["stdout"] {
  let queued: NodeJS.WriteStream | undefined;
  let closed = false;
  let terminal: boolean | undefined;
  return {
    write(text: string): boolean {
      if (closed) return false;
      if (queued) return queued.write(text);
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
          queued = stream();
          return queued.write(bytes.subarray(offset));
        }
      }
      return true;
    },
    get isTTY(): boolean {
      // A terminal is a character device (so is /dev/null): only then is the stream made, to ask.
      terminal ??= fstatSync(fd).isCharacterDevice() && stream().isTTY === true;
      return terminal;
    },
  };
}
