import { collectInputs } from "../load/inputs.js";
import type { LoadLimits } from "../load/limits.js";
import { loadMany } from "../load/load-many.js";
import { ManifestSet } from "../model/manifest-set.js";
import { defaultRenderOptions, RenderContext, type RenderOptions } from "../render/context.js";
import { renderInputs, type RawInput } from "../render/index.js";

export interface ReadOptions {
  cwd: string;
  stdinName: string;
  readStdin: () => Promise<Buffer>;
  /** Environment for the render tools (PATH lookup of helm, kustomize, kubectl). */
  env?: NodeJS.ProcessEnv;
  render?: RenderOptions;
  limits?: LoadLimits;
}

/** Command-line arguments → one ManifestSet of everything that could be read, with a problem for everything that could not. */
export async function readInputs(args: string[], options: ReadOptions): Promise<ManifestSet> {
  const { files, problems, units } = await collectInputs(args, { cwd: options.cwd, stdinName: options.stdinName });
  const set = new ManifestSet();
  set.addProblems(problems);
  const loaded = await loadMany(files, { readStdin: options.readStdin, ...(options.limits ? { limits: options.limits } : {}) });
  set.addProblems(loaded.problems);
  const inputOf = new Map(files.map((f) => [f.name, f]));
  const raw: RawInput[] = [];
  for (const file of loaded.files) {
    const input = inputOf.get(file.file);
    if (input?.kustomizePatch) {
      set.addKustomizePatch(file);
      continue;
    }
    set.add(file);
    if (input?.absolutePath !== undefined) raw.push({ absolutePath: input.absolutePath, loaded: file });
  }
  // Charts, kustomizations, and what Flux objects in the input apply (src/render/).
  await renderInputs(set, units, raw, new RenderContext(options.cwd, options.env ?? process.env, options.render ?? defaultRenderOptions()));
  return set;
}

/** Reads a stream to its end, or until it has more than `maxBytes` (the caller then reports it as too big). */
export async function readAll(stream: NodeJS.ReadableStream, maxBytes = Infinity): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(buffer);
    size += buffer.length;
    if (size > maxBytes) break;
  }
  return Buffer.concat(chunks);
}
