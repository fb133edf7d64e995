import { promises as fs, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { RunResult } from "./tools.js";

/** Bumped whenever what a key covers or what an entry holds changes: older entries are then never read. */
const FORMAT = "renders-v1";
/** Entries unused for this long are removed (checked at most once a day), so the directory does not grow forever. */
const UNUSED_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What `helm template` and `kustomize build` printed and exited with, by the content hash of everything the call
 * read (render-call.ts computes the key). One file per entry, written to a temporary name and renamed, so a
 * reader sees a whole entry or none; an entry that does not parse, or holds another key, is a miss. Nothing here
 * throws: a cache that cannot be read or written only makes the run slower.
 */
export class RenderCache {
  private readonly entries: string;
  private created?: Promise<unknown>;
  private readonly writing = new Set<Promise<unknown>>();
  /** Entries put and not written yet: served from here meanwhile. */
  private readonly unwritten = new Map<string, RunResult>();

  constructor(readonly dir: string) {
    this.entries = path.join(dir, FORMAT);
  }

  get(key: string): RunResult | undefined {
    const unwritten = this.unwritten.get(key);
    if (unwritten) return unwritten;
    const file = path.join(this.entries, key);
    let entry: unknown;
    try {
      entry = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      return undefined;
    }
    if (!isEntry(entry) || entry.key !== key) return undefined;
    try {
      const now = new Date();
      utimesSync(file, now, now); // last use, for pruning
    } catch {
      // a read-only cache still serves
    }
    return { code: entry.code, stdout: entry.stdout, stderr: entry.stderr, exited: true };
  }

  /** Stores an entry in the background (the run goes on rendering meanwhile); resolves once it is written (or could not be). */
  put(key: string, result: RunResult): Promise<void> {
    const file = path.join(this.entries, key);
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const text = JSON.stringify({ key, code: result.code, stdout: result.stdout, stderr: result.stderr });
    const written = (this.created ??= fs.mkdir(this.entries, { recursive: true }))
      .then(() => fs.writeFile(temp, text))
      .then(() => fs.rename(temp, file))
      .catch(() => fs.rm(temp, { force: true }))
      .catch(() => undefined);
    this.unwritten.set(key, { ...result, exited: true });
    this.writing.add(written);
    return written.then(() => {
      this.writing.delete(written);
      this.unwritten.delete(key);
    });
  }

  /** Waits for the entries put so far to be written. */
  async flush(): Promise<void> {
    await Promise.all(this.writing);
  }

  /** Removes entries (and temporary files of writers that died) unused for UNUSED_DAYS; at most once a day. */
  prune(now = Date.now()): void {
    const stamp = path.join(this.entries, ".pruned");
    try {
      if (now - statSync(stamp).mtimeMs < DAY_MS) return;
    } catch {
      // never pruned, or no cache yet
    }
    let names: string[];
    try {
      names = readdirSync(this.entries);
      writeFileSync(stamp, "");
    } catch {
      return;
    }
    for (const name of names) {
      if (name === ".pruned") continue;
      const file = path.join(this.entries, name);
      try {
        const age = now - statSync(file).mtimeMs;
        if (age > UNUSED_DAYS * DAY_MS || (name.endsWith(".tmp") && age > DAY_MS)) rmSync(file, { force: true });
      } catch {
        // removed meanwhile by another run
      }
    }
  }
}

function isEntry(value: unknown): value is { key: string; code: number; stdout: string; stderr: string } {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.key === "string" && typeof v.code === "number" && typeof v.stdout === "string" && typeof v.stderr === "string";
}
