import path from "node:path";

/**
 * Where renders are cached: nowhere with `--no-cache`; `--cache-dir DIR`; else `$XDG_CACHE_HOME/gitops-lint`;
 * else the user's cache directory, as other tools keep theirs (`~/.cache` on Linux, `~/Library/Caches` on macOS,
 * `%LOCALAPPDATA%` on Windows). Read from the run's environment only: without a home directory there, nothing is
 * cached rather than something written where nobody looks.
 */
export function renderCacheDir(flags: { cache?: boolean; cacheDir?: string }, cwd: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  if (flags.cache === false) return undefined;
  if (flags.cacheDir !== undefined) return path.resolve(cwd, flags.cacheDir);
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, "gitops-lint");
  if (platform === "win32") return env.LOCALAPPDATA ? path.join(env.LOCALAPPDATA, "gitops-lint") : undefined;
  if (!env.HOME) return undefined;
  return path.join(env.HOME, platform === "darwin" ? "Library/Caches" : ".cache", "gitops-lint");
}
