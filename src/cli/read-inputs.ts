import { promises as fs } from "node:fs";
import { collectInputs } from "../load/inputs.js";
import { loadFile } from "../load/load-file.js";
import { ManifestSet } from "../model/manifest-set.js";

export interface ReadOptions {
  cwd: string;
  stdinName: string;
  readStdin: () => Promise<Buffer>;
}

/** Command-line arguments → one ManifestSet of everything that could be read, with a problem for everything that could not. */
export async function readInputs(args: string[], options: ReadOptions): Promise<ManifestSet> {
  const { files, problems } = await collectInputs(args, { cwd: options.cwd, stdinName: options.stdinName });
  const set = new ManifestSet();
  set.addProblems(problems);
  for (const input of files) {
    let bytes: Buffer;
    try {
      bytes = input.absolutePath === undefined ? await options.readStdin() : await fs.readFile(input.absolutePath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      set.addProblems([{ kind: "invalid-input", file: input.name, line: 1, column: 1, message: `cannot read ${input.name}: ${code === "EACCES" ? "permission denied" : code ?? (error as Error).message}` }]);
      continue;
    }
    set.add(loadFile(input.name, bytes));
  }
  return set;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
