import { crypto } from "../util/lazy-builtins.js";
import path from "node:path";
import type { RenderContext } from "./context.js";
import { processSlots } from "./process-slots.js";
import { toolIdentity } from "./tool-identity.js";
import { runTool, type RunResult, type Tool } from "./tools.js";

/** One run of a render tool, and what its output depends on, for the render cache. */
export interface RenderCall {
  tool: Tool;
  /** Paths among them are absolute: the tool reads nothing relative to `cwd` that `inputs` does not cover. */
  args: string[];
  cwd: string;
  /**
   * Everything the call reads, as key material (content hashes; paths through RenderContext.stablePath), besides
   * the arguments, the tool binary and its HELM_/KUSTOMIZE_/KUBECTL_ environment; undefined when it reads what
   * cannot be fingerprinted (the network): such a call is never cached. Computed only when there is a cache.
   */
  inputs: () => string[] | undefined;
  /**
   * Paths whose place does not count, only what `inputs` says of them: argument paths (the same chart rendered from
   * another checkout, or from the base revision's temporary copy, is the same render), and temporary directories
   * error output may name. Placeholders in the key and in the stored error output.
   */
  placeholders: string[];
}

/** Calls running now, by key, with their results' paths hidden: the same call asked again meanwhile waits for it. */
const running = new Map<string, Promise<RunResult>>();

/**
 * Runs a render tool in one of the process slots, or answers from the render cache: a cached entry is what the
 * same call printed before, byte for byte, with the paths of this run in its error output. With a cache, a call
 * that is already running (the same chart and values in the head and the base of a diff-aware run, or in two
 * clusters) is not started twice.
 */
export async function runRender(ctx: RenderContext, call: RenderCall): Promise<RunResult> {
  const cache = ctx.cache;
  const key = cache ? await renderKey(ctx, call) : undefined;
  // A render asked for twice (started ahead of its turn, then in it) is one render for the progress line.
  const counted = key === undefined || !countedKeys(ctx).has(key);
  if (key !== undefined) countedKeys(ctx).add(key);
  if (counted) ctx.progress?.started();
  try {
    if (!cache || key === undefined) return await processSlots.run(() => runTool(call.tool, call.args, { cwd: call.cwd, env: ctx.childEnv() }));
    const paths = volatilePaths(ctx, call);
    const names = ctx.scratchNames().map((name, i) => ({ path: name, token: `\0scratch${i}\0` }));
    const restore = (r: RunResult): RunResult => ({ ...r, stdout: restorePaths(r.stdout, names), stderr: restorePaths(restorePaths(r.stderr, paths), names) });
    const hit = cache.get(key);
    if (hit) return restore(hit);
    let pending = running.get(key);
    if (!pending) {
      // The output as stored: the paths of this run are placeholders, in the error output, and the random names of
      // its scratch directories anywhere (kustomize's origin annotations name files relative to the build).
      const result = processSlots
        .run(() => runTool(call.tool, call.args, { cwd: call.cwd, env: ctx.childEnv() }))
        .then((r) => ({ ...r, stdout: hidePaths(r.stdout, names), stderr: hidePaths(hidePaths(r.stderr, paths), names) }));
      // Answered from here until the entry is written: another run's cache (the base's) reads it from disk.
      // A tool that could not start, or was stopped, says nothing about the next run: not cached.
      void result
        .then((r) => (r.exited ? cache.put(key, r) : undefined))
        .finally(() => running.delete(key))
        .catch(() => undefined);
      running.set(key, (pending = result));
    }
    return restore(await pending);
  } finally {
    if (counted) ctx.progress?.finished();
  }
}

const keysCounted = new WeakMap<RenderContext, Set<string>>();

function countedKeys(ctx: RenderContext): Set<string> {
  let keys = keysCounted.get(ctx);
  if (!keys) keysCounted.set(ctx, (keys = new Set()));
  return keys;
}

async function renderKey(ctx: RenderContext, call: RenderCall): Promise<string | undefined> {
  const inputs = call.inputs();
  const tool = await identityOf(ctx, call);
  if (inputs === undefined || tool === undefined) return undefined;
  const env = Object.entries(ctx.childEnv())
    .filter(([name]) => /^(?:HELM|KUSTOMIZE|KUBECTL)_/.test(name))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const args = call.args.map((arg) => {
    const i = call.placeholders.indexOf(arg);
    return i !== -1 ? `\0${i}` : path.isAbsolute(arg) ? ctx.stablePath(arg) : arg;
  });
  return crypto().createHash("sha256").update(JSON.stringify({ tool, env, args, inputs })).digest("hex");
}

const identities = new WeakMap<RenderContext, Map<string, Promise<string | undefined>>>();

/** The tool's identity (tool-identity.ts), found once per run. */
function identityOf(ctx: RenderContext, call: RenderCall): Promise<string | undefined> {
  let known = identities.get(ctx);
  if (!known) identities.set(ctx, (known = new Map()));
  let identity = known.get(call.tool.command);
  if (!identity) known.set(call.tool.command, (identity = toolIdentity(call.tool, { cwd: call.cwd, env: ctx.childEnv() })));
  return identity;
}

/** Paths that differ from run to run and may show in error output, longest first (a path before its parent). */
function volatilePaths(ctx: RenderContext, call: RenderCall): Array<{ path: string; token: string }> {
  const paths = call.placeholders.map((p, i) => ({ path: p, token: `\0${i}\0` }));
  const temp = ctx.tempRoot();
  if (temp !== undefined) paths.push({ path: temp, token: "\0temp\0" });
  return paths.sort((a, b) => b.path.length - a.path.length);
}

function hidePaths(text: string, paths: Array<{ path: string; token: string }>): string {
  return paths.reduce((out, p) => out.split(p.path).join(p.token), text);
}

function restorePaths(text: string, paths: Array<{ path: string; token: string }>): string {
  return paths.reduce((out, p) => out.split(p.token).join(p.path), text);
}
