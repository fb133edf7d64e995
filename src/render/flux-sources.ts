import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { isDirectory } from "../load/fs-checks.js";
import type { K8sObject } from "../model/objects.js";
import { asArray, getPath, isObject } from "../util/json.js";
import { MirrorTree } from "./mirror.js";

/** Finds an object of the input by kind, name and namespace. */
export type FindObject = (kind: string, name: string, namespace: string | undefined) => K8sObject | undefined;

/** The input's objects, as rendering sees them so far. */
export interface ObjectLookup {
  find: FindObject;
  all(kind: string): K8sObject[];
}

/** The files a Flux source hands a Kustomization: a directory tree gitops-lint can build in, or why not. */
export type SourceTree =
  | {
      tree: MirrorTree;
      /** This checkout itself (paths are the repository's), or an artifact assembled from it. */
      kind: "repository" | "artifact";
      /** What the source's root is, for messages. */
      describe: string;
      ignored: (absolutePath: string) => boolean;
    }
  | { skip: string };

/**
 * The tree a Kustomization's `spec.sourceRef` gives it. A GitRepository is this repository unless the input
 * holds that GitRepository with a URL none of this checkout's remotes has; an ExternalArtifact is followed
 * through the ArtifactGenerator in the input that copies it from this repository. Every other source (an
 * OCIRepository, a Bucket, another repository) is not in this checkout: the caller reports it as not rendered.
 */
export function kustomizationSource(kustomization: K8sObject, repoRoot: string, rootGiven: boolean, lookup: ObjectLookup, newTree: () => MirrorTree): SourceTree {
  const find = lookup.find;
  const ref = getPath(kustomization.body, ["spec", "sourceRef"]);
  if (!isObject(ref) || typeof ref.kind !== "string" || typeof ref.name !== "string") return { skip: "it has no spec.sourceRef" };
  const namespace = typeof ref.namespace === "string" ? ref.namespace : kustomization.namespace;
  const label = `${ref.kind} ${namespace ? `${namespace}/` : ""}${ref.name}`;
  if (ref.kind === "GitRepository") {
    const other = otherRepository(find("GitRepository", ref.name, namespace), repoRoot, rootGiven);
    if (other) return { skip: `its source ${label} is ${other}, not this repository` };
    const tree = newTree();
    tree.linkContents("", repoRoot);
    return { tree, kind: "repository", describe: "the repository", ignored: sourceIgnore(repoRoot, find("GitRepository", ref.name, namespace)) };
  }
  if (ref.kind === "ExternalArtifact") {
    const generator = artifactGenerator(ref.name, namespace, lookup);
    if (!generator) return { skip: `its source ${label} comes from no ArtifactGenerator in the input` };
    return artifactTree(generator, ref.name, repoRoot, rootGiven, find, newTree, label);
  }
  return { skip: `its source ${label} is not in this repository (gitops-lint builds GitRepository sources of this checkout and ExternalArtifacts generated from them)` };
}

/**
 * Whether a GitRepository of the input points at another repository than this checkout: its URL, else undefined.
 * Only positive evidence counts: a GitRepository the input does not hold is the bootstrap one (this repository);
 * without remotes, or with `--repo-root` naming the root, there is nothing to compare; a remote of the same URL, or
 * of the same repository name (a fork, a mirror, another host), is this repository.
 */
export function otherRepository(gitRepository: K8sObject | undefined, repoRoot: string, rootGiven: boolean): string | undefined {
  const url = gitRepository ? getPath(gitRepository.body, ["spec", "url"]) : undefined;
  if (typeof url !== "string" || rootGiven) return undefined;
  const remotes = remoteUrls(repoRoot);
  if (remotes.length === 0) return undefined;
  return remotes.some((r) => sameRepository(r, url) || repositoryName(r) === repositoryName(url)) ? undefined : url;
}

function repositoryName(url: string): string {
  return url.replace(/\.git\/*$|\/+$/g, "").split(/[/:]/).pop()!.toLowerCase();
}

const remotesCache = new Map<string, string[]>();

function remoteUrls(repoRoot: string): string[] {
  let remotes = remotesCache.get(repoRoot);
  if (!remotes) {
    try {
      const out = execFileSync("git", ["config", "--get-regexp", "^remote\\..*\\.url$"], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
      remotes = out.split("\n").map((l) => l.split(/\s+/)[1] ?? "").filter((u) => u !== "");
    } catch {
      remotes = [];
    }
    remotesCache.set(repoRoot, remotes);
  }
  return remotes;
}

/** `ssh://git@github.com/org/repo.git`, `git@github.com:org/repo` and `https://github.com/org/repo` are one repository. */
function sameRepository(a: string, b: string): boolean {
  const normal = (url: string): string =>
    url
      .trim()
      .replace(/^[a-z+]+:\/\//i, "")
      .replace(/^[^@/]+@/, "")
      .replace(/^([^/:]+):(?!\d+\/)/, "$1/")
      .replace(/:\d+\//, "/")
      .replace(/\.git$/, "")
      .replace(/\/+$/, "")
      .toLowerCase();
  return normal(a) === normal(b);
}

/**
 * What the source leaves out of a generated kustomization: source-controller's default exclusions, the
 * repository's `.sourceignore`, and the GitRepository's `spec.ignore`.
 */
function sourceIgnore(repoRoot: string, gitRepository: K8sObject | undefined): (absolutePath: string) => boolean {
  const patterns = [...DEFAULT_EXCLUDES];
  const file = path.join(repoRoot, ".sourceignore");
  if (existsSync(file)) patterns.push(...readFileSync(file, "utf8").split(/\r?\n/));
  const ignore = gitRepository ? getPath(gitRepository.body, ["spec", "ignore"]) : undefined;
  if (typeof ignore === "string") patterns.push(...ignore.split(/\r?\n/));
  const matcher = ignoreLib()({ ignorecase: false }).add(patterns);
  return (absolutePath) => {
    const relative = path.relative(repoRoot, absolutePath).split(path.sep).join("/");
    if (relative === "" || relative.startsWith("..")) return false;
    return matcher.ignores(isDirectory(absolutePath) ? `${relative}/` : relative);
  };
}

// source-controller's default exclusions (pkg/sourceignore VCS and ExcludeExt/ExcludeCI/ExcludeExtra).
const DEFAULT_EXCLUDES = [
  ".git/", ".gitignore", ".gitmodules", ".gitattributes",
  "*.jpg", "*.jpeg", "*.gif", "*.png", "*.wmv", "*.flv", "*.tar.gz", "*.zip",
  ".github/", ".circleci/", ".travis.yml", ".gitlab-ci.yml", "appveyor.yml", ".drone.yml", "cloudbuild.yaml", "codeship-services.yml", "codeship-steps.yml",
  "**/.goreleaser.yml", "**/.sops.yaml", "**/.flux.yaml",
];

let ignoreModule: typeof import("ignore") | undefined;
function ignoreLib(): typeof import("ignore") {
  return (ignoreModule ??= createRequire(import.meta.url)("ignore") as typeof import("ignore"));
}

/** The ArtifactGenerator (source.extensions.fluxcd.io) in the input that produces the named ExternalArtifact. */
function artifactGenerator(name: string, namespace: string | undefined, lookup: ObjectLookup): { generator: K8sObject; artifact: Record<string, unknown> } | undefined {
  const generators = lookup.all("ArtifactGenerator").filter((g) => g.apiVersion.startsWith("source.extensions.fluxcd.io/") && (namespace === undefined || g.namespace === undefined || g.namespace === namespace));
  for (const generator of generators) {
    const artifact = asArray(getPath(generator.body, ["spec", "artifacts"])).find((a) => isObject(a) && a.name === name);
    if (isObject(artifact)) return { generator, artifact };
  }
  return undefined;
}

/**
 * An ExternalArtifact assembled as the ArtifactGenerator assembles it: each `copy` rule's `from`
 * (`@<alias>/<path>`, `…/**` for a directory's contents, `*` within a directory) linked at its `to`
 * (`@artifact/<path>`), when the alias is a GitRepository of this checkout.
 */
function artifactTree(
  found: { generator: K8sObject; artifact: Record<string, unknown> },
  artifactName: string,
  repoRoot: string,
  rootGiven: boolean,
  find: FindObject,
  newTree: () => MirrorTree,
  label: string,
): SourceTree {
  const { generator, artifact } = found;
  const aliases = new Map<string, K8sObject | undefined>();
  for (const source of asArray(getPath(generator.body, ["spec", "sources"]))) {
    if (!isObject(source) || typeof source.alias !== "string") continue;
    if (source.kind !== "GitRepository") continue;
    const name = typeof source.name === "string" ? source.name : "";
    const git = find("GitRepository", name, typeof source.namespace === "string" ? source.namespace : generator.namespace);
    if (otherRepository(git, repoRoot, rootGiven)) continue;
    aliases.set(source.alias, git);
  }
  const tree = newTree();
  for (const rule of asArray(artifact.copy)) {
    if (!isObject(rule) || typeof rule.from !== "string" || typeof rule.to !== "string") continue;
    const from = /^@([^/]+)\/?(.*)$/.exec(rule.from);
    const to = /^@artifact\/?(.*)$/.exec(rule.to);
    if (!from || !to) continue;
    if (!aliases.has(from[1]!)) return { skip: `its source ${label} copies from "@${from[1]}", which is not a GitRepository of this checkout` };
    const copied = copyRule(tree, repoRoot, from[2]!, to[1]!);
    if (copied) return { skip: `its source ${label} (ArtifactGenerator ${generator.name}, artifact ${artifactName}): ${copied}` };
  }
  return { tree, kind: "artifact", describe: `the artifact ${artifactName} of ArtifactGenerator ${generator.namespace ? `${generator.namespace}/` : ""}${generator.name}`, ignored: () => false };
}

/** Links what one copy rule copies; a message when the rule is of a form gitops-lint does not follow. */
function copyRule(tree: MirrorTree, repoRoot: string, from: string, to: string): string | undefined {
  const intoDirectory = to === "" || to.endsWith("/");
  if (from.endsWith("/**")) {
    const dir = path.join(repoRoot, from.slice(0, -3));
    if (!isDirectory(dir)) return undefined; // nothing to copy, as the generator copies nothing
    if (!intoDirectory) return `the copy rule "${from}" → "${to}" copies a directory onto a file`;
    tree.linkContents(to, dir);
    return undefined;
  }
  const base = path.posix.basename(from);
  const parent = path.join(repoRoot, path.posix.dirname(from));
  if (/[*?[]/.test(path.posix.dirname(from))) return `the copy rule "${from}" uses a glob in a directory name, which gitops-lint does not follow`;
  if (/[*?[]/.test(base)) {
    const pattern = new RegExp(`^${base.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")}$`);
    let entries: string[] = [];
    try {
      entries = readdirSync(parent);
    } catch {
      return undefined;
    }
    for (const entry of entries.filter((e) => pattern.test(e))) tree.link(path.join(to, entry), path.join(parent, entry));
    return undefined;
  }
  const source = path.join(repoRoot, from);
  if (!existsSync(source)) return undefined;
  tree.link(intoDirectory ? path.join(to, base) : to, source);
  return undefined;
}
