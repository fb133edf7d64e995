import { promises as fs } from "node:fs";
import { collectInputs } from "../load/inputs.js";
import { loadFile } from "../load/load-file.js";
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
}

/** Command-line arguments → one ManifestSet of everything that could be read, with a problem for everything that could not. */
export async function readInputs(args: string[], options: ReadOptions): Promise<ManifestSet> {
  const { files, problems, units } = await collectInputs(args, { cwd: options.cwd, stdinName: options.stdinName });
  const set = new ManifestSet();
  set.addProblems(problems);
  const raw: RawInput[] = [];
  for (const input of files) {
    let bytes: Buffer;
    try {
      bytes = input.absolutePath === undefined ? await options.readStdin() : await fs.readFile(input.absolutePath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      set.addProblems([{ kind: "invalid-input", file: input.name, line: 1, column: 1, message: `cannot read ${input.name}: ${code === "EACCES" ? "permission denied" : code ?? (error as Error).message}` }]);
      continue;
    }
    const loaded = loadFile(input.name, bytes);
    set.add(loaded);
    if (input.absolutePath !== undefined) raw.push({ absolutePath: input.absolutePath, loaded });
  }
  // Charts, kustomizations, and what Flux objects in the input apply (src/render/).
  await renderInputs(set, units, raw, new RenderContext(options.cwd, options.env ?? process.env, options.render ?? defaultRenderOptions()));
  return set;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
