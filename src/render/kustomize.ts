import { writeFileSync } from "node:fs";
import path from "node:path";
import jsYaml from "js-yaml";
import { loadFile } from "../load/load-file.js";
import type { DocumentOrigin, ParsedDocument } from "../load/types.js";
import type { ReadFile } from "../model/manifest-set.js";
import { isObject } from "../util/json.js";
import { lineOfPath } from "../load/line-of-path.js";
import { errorSummary, type RenderContext } from "./context.js";
import { kustomizeInputs } from "./kustomize-inputs.js";
import { runRender } from "./render-call.js";
import type { RunResult, Tool } from "./tools.js";

export const ORIGIN_ANNOTATION = "config.kubernetes.io/origin";

/**
 * `kustomize build` (or `kubectl kustomize`) of a kustomization directory, with the source file of
 * every object. Neither tool has a flag for origin annotations, so the target is built through a
 * throw-away kustomization in a temp directory that lists it as its only resource and turns on
 * `buildMetadata: [originAnnotations]`; that changes nothing else in the output. The load restrictor
 * is off, as in Flux's kustomize-controller, so a kustomization that reaches outside its directory
 * builds here as it does there. Origin annotations are taken off the objects before rules see them.
 */
export async function buildKustomization(ctx: RenderContext, dir: string, kustomizationFile: string, cluster?: string): Promise<ReadFile> {
  const dirDisplay = ctx.display(dir);
  const name = `${dirDisplay} (kustomize build)`;
  const reportAt = { kind: "render-failed" as const, file: ctx.display(kustomizationFile), line: 1, column: 1 };
  const fail = (message: string): ReadFile => ({ file: name, documents: [], problems: [{ ...reportAt, message }] });

  const lookup = ctx.kustomize();
  if ("missing" in lookup) return fail(`cannot build the kustomization ${dirDisplay}: ${lookup.missing}; its resources were not linted`);

  const wrapper = ctx.tempSubdir("kustomize");
  const target = path.relative(wrapper, dir).split(path.sep).join("/");
  writeFileSync(path.join(wrapper, "kustomization.yaml"), `resources:\n- ${JSON.stringify(target)}\nbuildMetadata: [originAnnotations]\n`);
  const result = await kustomizeBuild(ctx, lookup.tool, wrapper);
  if (result.code !== 0) {
    const error = withoutWrapperAttempt(cleanKustomizeError(ctx, wrapper, errorSummary(result.stderr)));
    const message = `\`${lookup.tool.label} ${dirDisplay}\` failed: ${error}`;
    return { file: name, documents: [], problems: [{ ...reportAt, ...fieldPosition(kustomizationFile, error), message }] };
  }

  const loaded = loadFile(name, Buffer.from(result.stdout));
  takeOrigins(ctx, loaded.documents, wrapper, (p) => p);
  for (const document of loaded.documents) if (cluster !== undefined) document.source.cluster = cluster;
  return loaded;
}

/** Runs kustomize on a directory holding a kustomization gitops-lint wrote, load restrictions off as in Flux. */
export async function runKustomize(ctx: RenderContext, dir: string, mirror?: { root: string; shownAs: string }): Promise<{ stdout: string } | { error: string }> {
  const lookup = ctx.kustomize();
  if ("missing" in lookup) return { error: lookup.missing };
  const result = await kustomizeBuild(ctx, lookup.tool, dir, mirror ? { otherPaths: [mirror.root] } : {});
  if (result.code !== 0) {
    // Paths of a mirror tree are named as the files they stand for.
    const stderr = mirror ? result.stderr.split(mirror.root + path.sep).join(mirror.shownAs) : result.stderr;
    return { error: `\`${lookup.tool.label}\` failed: ${cleanKustomizeError(ctx, dir, errorSummary(stderr))}` };
  }
  return { stdout: result.stdout };
}

/**
 * The build of the kustomization in `dir` (one gitops-lint wrote), cached by what the build reads
 * (kustomize-inputs.ts); load restrictions off as in kustomize-controller unless `restricted` (helm-controller's
 * post-renderers keep kustomize's default). `otherPaths`: temporary directories its errors may name besides `dir`.
 */
export function kustomizeBuild(ctx: RenderContext, tool: Tool, dir: string, options: { restricted?: boolean; otherPaths?: string[] } = {}): Promise<RunResult> {
  return runRender(ctx, {
    tool,
    args: options.restricted ? [dir] : [dir, "--load-restrictor", "LoadRestrictionsNone"],
    cwd: dir,
    inputs: () => kustomizeInputs(dir, ctx.fingerprints(), (p) => ctx.stablePath(p)),
    placeholders: [dir, ...(options.otherPaths ?? [])],
  });
}

/**
 * Moves each built document's origin annotation into `source.origin` (paths in the annotation are relative to
 * `baseDir`; `original` maps a path of gitops-lint's own temporary tree to the user's file).
 */
export function takeOrigins(ctx: RenderContext, documents: ParsedDocument[], baseDir: string, original: (absolutePath: string) => string): void {
  for (const document of documents) {
    const origin = takeOrigin(ctx, baseDir, document.value, original);
    if (origin) document.source.origin = origin;
  }
}

/** Reads and removes the origin annotation (and an annotations map left empty by that). */
function takeOrigin(ctx: RenderContext, wrapper: string, value: unknown, original: (absolutePath: string) => string): DocumentOrigin | undefined {
  if (!isObject(value) || !isObject(value.metadata) || !isObject(value.metadata.annotations)) return undefined;
  const annotations = value.metadata.annotations;
  const raw = annotations[ORIGIN_ANNOTATION];
  if (typeof raw !== "string") return undefined;
  delete annotations[ORIGIN_ANNOTATION];
  if (Object.keys(annotations).length === 0) delete value.metadata.annotations;
  let parsed: unknown;
  try {
    parsed = jsYaml.load(raw, { schema: jsYaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || typeof parsed.repo === "string") return undefined; // remote resource: no local file
  const relative = typeof parsed.path === "string" ? parsed.path : typeof parsed.configuredIn === "string" ? parsed.configuredIn : undefined;
  if (relative === undefined) return undefined;
  const absolutePath = original(path.resolve(wrapper, relative));
  if (ctx.isTemp(absolutePath)) return undefined; // a file gitops-lint wrote (Flux's generated kustomization)
  const generator = typeof parsed.path === "string" ? undefined : isObject(parsed.configuredBy) && typeof parsed.configuredBy.kind === "string" ? parsed.configuredBy.kind : "generator";
  return { file: ctx.display(absolutePath), absolutePath, ...(generator !== undefined ? { generator } : {}) };
}

/**
 * Without kustomize's first try at the target gitops-lint's wrapper lists, as a file ("read <dir>: is a directory";
 * kustomize 5.5: "'<dir>' must resolve to a file"), which the user's own `kustomize build <dir>` never makes: what is
 * left is why the directory's kustomization failed.
 */
export function withoutWrapperAttempt(message: string): string {
  return message.replace(
    /^accumulating resources: accumulation err='accumulating resources from '[^']+': (?:read [^']+: is a directory|'[^']+' must resolve to a file)': (?:couldn't make target for|recursed accumulation of) path '[^']+': /,
    "",
  );
}

/**
 * The line of the kustomization's field a decoding error names (`Go struct field Kustomization.patches`), when the
 * error is the kustomization's own (not a base's it reaches); else its first line.
 */
function fieldPosition(kustomizationFile: string, error: string): { line: number; column: number } {
  const field = /^invalid Kustomization: .*Go struct field Kustomization\.(\w+)/.exec(error)?.[1];
  return { line: (field !== undefined ? lineOfPath(kustomizationFile, [field]) : undefined) ?? 1, column: 1 };
}

/**
 * Kustomize names files relative to the wrapper (`../../work/repo/x.yaml`) or absolutely; name them as
 * the user does. A relative path that does not lead out of the temp directory was not relative to the
 * wrapper (it is quoted from the user's kustomization, as in `accumulating resources from '../base'`)
 * and stays as written.
 */
function cleanKustomizeError(ctx: RenderContext, wrapper: string, message: string): string {
  const fromWrapper = message.replace(/(?:\.\.\/)+[^\s'":]+/g, (p) => {
    const absolutePath = path.resolve(wrapper, p);
    return ctx.isTemp(absolutePath) ? p : ctx.display(absolutePath);
  });
  return ctx.clean(fromWrapper);
}
