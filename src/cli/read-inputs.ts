import { collectInputs } from "../load/inputs.js";
import type { LoadLimits } from "../load/limits.js";
import { loadMany } from "../load/load-many.js";
import type { LoadedFile } from "../load/types.js";
import { ManifestSet, type ReadFile } from "../model/manifest-set.js";
import { defaultRenderOptions, RenderContext, type RenderOptions, type RenderProgress } from "../render/context.js";
import { renderInputs, type RawInput } from "../render/index.js";

export interface ReadOptions {
  cwd: string;
  stdinName: string;
  readStdin: () => Promise<Buffer>;
  /** Environment for the render tools (PATH lookup of helm, kustomize, kubectl). */
  env?: NodeJS.ProcessEnv;
  render?: RenderOptions;
  limits?: LoadLimits;
  /** Told of every render, for the progress line. */
  progress?: RenderProgress;
  /** Temporary directories the inputs are in (the base revision's tree): see RenderContext.scratch. */
  scratch?: string[];
  /** Told the size of the inputs given as files and stdin, before they are parsed. */
  onInputSize?: (bytes: number) => void;
  /** Told of each input file (given, not rendered) once its documents are parsed. */
  onFileLoaded?: (file: LoadedFile) => void;
}

/** What a run read: one ManifestSet per set of objects applied together, and notes for the summary. */
export interface ReadResult {
  sets: ManifestSet[];
  /** How rendering found what it rendered (HelmReleases rendered from the repository's charts). */
  notes: string[];
}

/**
 * Command-line arguments → the objects the cluster gets, with a problem for everything that could not be read or
 * rendered, split into sets (SourceDocument.cluster): each Flux root's tree, each top-level kustomization, each
 * directory argument, and the files and stdin given one by one together.
 */
export async function readInputs(args: string[], options: ReadOptions): Promise<ReadResult> {
  const { files, problems, units } = await collectInputs(args, { cwd: options.cwd, stdinName: options.stdinName });
  const loading = loadMany(files, {
    readStdin: options.readStdin,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.onInputSize ? { onInputSize: options.onInputSize } : {}),
    ...(options.onFileLoaded ? { onFileLoaded: options.onFileLoaded } : {}),
  });
  const inputOf = new Map(files.map((f) => [f.name, f]));
  const patches: ReadFile[] = [];
  const raw = loading.then((loaded) => {
    const out: RawInput[] = [];
    for (const file of loaded.files) {
      const input = inputOf.get(file.file);
      if (input?.kustomizePatch) patches.push(file);
      else out.push({ loaded: file, ...(input?.absolutePath !== undefined ? { absolutePath: input.absolutePath } : {}), ...(input?.cluster !== undefined ? { cluster: input.cluster } : {}) });
    }
    return out;
  });
  // Charts, kustomizations, and what Flux objects in the input apply (src/render/); the charts and kustomizations
  // named start rendering while the plain files are read.
  const rendered = await renderInputs(raw, units, new RenderContext(options.cwd, options.env ?? process.env, options.render ?? defaultRenderOptions(), {
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.scratch ? { scratch: options.scratch } : {}),
  }));
  const loaded = await loading;
  const sets = intoSets(rendered.files);
  const loose = sets.get("") ?? new ManifestSet();
  sets.set("", loose);
  loose.addProblems([...problems, ...loaded.problems]);
  for (const patch of patches) loose.addKustomizePatch(patch);
  return { sets: [...sets.values()].filter((s) => s === loose || s.objects.length > 0 || s.problems.length > 0 || s.files.length > 0), notes: rendered.notes };
}

/** Files into sets by their documents' cluster; problems go with their document or object, else with the file's first set. */
function intoSets(files: ReadFile[]): Map<string, ManifestSet> {
  const sets = new Map<string, ManifestSet>();
  const setOf = (cluster: string | undefined): ManifestSet => {
    let set = sets.get(cluster ?? "");
    if (!set) sets.set(cluster ?? "", (set = new ManifestSet(cluster ?? "")));
    return set;
  };
  for (const file of files) {
    const byCluster = new Map<string, ReadFile>();
    const part = (cluster: string | undefined): ReadFile => {
      let read = byCluster.get(cluster ?? "");
      if (!read) byCluster.set(cluster ?? "", (read = { file: file.file, documents: [], problems: [] }));
      return read;
    };
    for (const document of file.documents) part(document.source.cluster).documents.push(document);
    for (const problem of file.problems) {
      const cluster = "object" in problem ? problem.object.source.cluster : problem.document?.cluster ?? file.documents[0]?.source.cluster;
      part(cluster).problems.push(problem);
    }
    if (byCluster.size === 0) part(undefined);
    for (const [cluster, read] of byCluster) setOf(cluster).add(read);
  }
  return sets;
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
