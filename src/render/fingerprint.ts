import { crypto } from "../util/lazy-builtins.js";
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Content hashes of what a render reads, for the render cache's keys (render-cache.ts). One instance per run:
 * a file or directory is read once however many renders read it (the charts of several HelmReleases, the
 * repository files of several Flux Kustomizations); files are assumed not to change during the run.
 */
export class Fingerprints {
  private readonly files = new Map<string, string | undefined>();
  private readonly trees = new Map<string, string | undefined>();

  constructor(
    /** How a path outside the content shows in a key: temporary directories of the run made stable (see RenderContext.stablePath). */
    private readonly stable: (absolutePath: string) => string,
    /** What a file's hash is of: its bytes, or for a file the run wrote itself, its text with random names fixed. */
    private readonly content: (realPath: string, bytes: Buffer) => Buffer | string = (_, bytes) => bytes,
  ) {}

  /** sha256 of a file's bytes (following links); undefined when it cannot be read. */
  file(file: string): string | undefined {
    const real = realOrUndefined(file);
    if (real === undefined) return undefined;
    if (!this.files.has(real)) {
      let hash: string | undefined;
      try {
        hash = crypto().createHash("sha256").update(this.content(real, readFileSync(real))).digest("hex");
      } catch {
        hash = undefined;
      }
      this.files.set(real, hash);
    }
    return this.files.get(real);
  }

  /**
   * A directory tree as a program reading it through its links sees it: names, kinds and contents, and where each
   * link leads (Helm names a link's target in its log). `.git` is left out: no renderer reads it, and git rewrites
   * it all the time. Undefined when part of it cannot be read or links lead in a circle.
   */
  tree(dir: string): string | undefined {
    return this.treeAt(dir, []);
  }

  private treeAt(dir: string, chain: string[]): string | undefined {
    const real = realOrUndefined(dir);
    if (real === undefined || chain.includes(real)) return undefined;
    if (this.trees.has(real)) return this.trees.get(real);
    let entries: string[];
    try {
      entries = readdirSync(real).filter((name) => name !== ".git").sort();
    } catch {
      return undefined;
    }
    const hash = crypto().createHash("sha256");
    for (const name of entries) {
      const full = path.join(real, name);
      const target = realOrUndefined(full);
      if (target === undefined) return undefined; // a broken link: what the renderer makes of it is its business, not cached
      if (target !== full) hash.update(`link ${name} ${this.stable(target)}\n`);
      let isDirectory: boolean;
      try {
        isDirectory = statSync(target).isDirectory();
      } catch {
        return undefined;
      }
      const content = isDirectory ? this.treeAt(target, [...chain, real]) : this.file(target);
      if (content === undefined) return undefined;
      hash.update(`${isDirectory ? "dir" : "file"} ${name} ${content}\n`);
    }
    const digest = hash.digest("hex");
    this.trees.set(real, digest);
    return digest;
  }
}

/** The path with its links resolved; undefined when it does not exist (or a link is broken). */
export function realOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
