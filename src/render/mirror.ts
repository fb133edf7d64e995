import { lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A tree of symbolic links that stands for a source tree (a repository checkout, or a Flux artifact assembled
 * from one) in a temporary directory, so gitops-lint can write a file where the controller would (Flux writes
 * its generated kustomization.yaml into the Kustomization's path) without touching the user's files. Relative
 * paths keep working: a directory made real by `materialize` holds links to everything its original held.
 */
export class MirrorTree {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  /** Links `target` (a file or directory outside the mirror) at `relative`, creating parent directories. */
  link(relative: string, target: string): void {
    const at = path.join(this.root, relative);
    this.materialize(path.dirname(relative));
    try {
      lstatSync(at);
      return; // already there: the first link wins, as a later copy would not replace a directory
    } catch {
      symlinkSync(target, at);
    }
  }

  /** Links every entry of `source` directly under `relative` (the contents of a directory, merged with what is there). */
  linkContents(relative: string, source: string): void {
    this.materialize(relative);
    for (const entry of readdirSync(source)) this.link(path.join(relative, entry), path.join(source, entry));
  }

  /**
   * Makes `relative` and its ancestors real directories of the mirror: a directory that is a link is replaced by a
   * real one holding links to its entries. Writing into the result never reaches the original tree.
   */
  materialize(relative: string): string {
    let current = this.root;
    for (const segment of path.normalize(relative).split(path.sep).filter((s) => s !== "" && s !== ".")) {
      const next = path.join(current, segment);
      let stat;
      try {
        stat = lstatSync(next);
      } catch {
        mkdirSync(next);
        current = next;
        continue;
      }
      if (stat.isSymbolicLink()) {
        const target = path.resolve(path.dirname(next), readlinkSync(next));
        rmSync(next);
        mkdirSync(next);
        for (const entry of readdirSync(target)) symlinkSync(path.join(target, entry), path.join(next, entry));
      }
      current = next;
    }
    return current;
  }

  /** Writes a file of the mirror's own at `relative`; a link there is removed first, so the original is never written. */
  writeFile(relative: string, content: string): string {
    const at = path.join(this.materialize(path.dirname(relative)), path.basename(relative));
    rmSync(at, { force: true });
    writeFileSync(at, content);
    return at;
  }

  /** Removes the entry at `relative` (a link), so the mirror's directory lacks it. */
  remove(relative: string): void {
    rmSync(path.join(this.materialize(path.dirname(relative)), path.basename(relative)), { force: true, recursive: false });
  }

  /** The original of a path inside the mirror (following the links), or the path itself when it is not inside. */
  original(absolute: string): string {
    try {
      return realpathSync(absolute);
    } catch {
      return absolute;
    }
  }
}
