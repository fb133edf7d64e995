import { childProcess } from "../util/lazy-builtins.js";
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

/** This checkout, as Flux sources are compared with it. */
export interface Checkout {
  repoRoot: string;
  /** `--repo-root` named the root: there may be no Git remotes to compare URLs with. */
  rootGiven: boolean;
  /** The run's environment: CI variables name the branches a run stands for. */
  env: NodeJS.ProcessEnv;
  /** localBranches of the root, read once per run. */
  branches(): { current?: string; default?: string };
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
export function kustomizationSource(kustomization: K8sObject, checkout: Checkout, lookup: ObjectLookup, newTree: () => MirrorTree): SourceTree {
  const { repoRoot } = checkout;
  const find = lookup.find;
  const ref = getPath(kustomization.body, ["spec", "sourceRef"]);
  if (!isObject(ref) || typeof ref.kind !== "string" || typeof ref.name !== "string") return { skip: "it has no spec.sourceRef" };
  const namespace = typeof ref.namespace === "string" ? ref.namespace : kustomization.namespace;
  const label = `${ref.kind} ${namespace ? `${namespace}/` : ""}${ref.name}`;
  if (ref.kind === "GitRepository") {
    const other = notThisCheckout(find("GitRepository", ref.name, namespace), checkout, lookup);
    if (other) return { skip: `its source ${label} is ${other}` };
    const tree = newTree();
    tree.linkContents("", repoRoot);
    return { tree, kind: "repository", describe: "the repository", ignored: sourceIgnore(repoRoot, tree.root, find("GitRepository", ref.name, namespace)) };
  }
  if (ref.kind === "ExternalArtifact") {
    const generator = artifactGenerator(ref.name, namespace, lookup);
    if (!generator) return { skip: `its source ${label} comes from no ArtifactGenerator in the input` };
    return artifactTree(generator, ref.name, checkout, lookup, newTree, label);
  }
  return { skip: `its source ${label} is not in this repository (gitops-lint builds GitRepository sources of this checkout and ExternalArtifacts generated from them)` };
}

/**
 * Why a GitRepository of the input does not hand out this checkout, in words (`<url>, not this repository`, or
 * `branch x of this repository, …`), else undefined. Only positive evidence counts: a GitRepository the input does
 * not hold is the bootstrap one (this checkout); without remotes, or with `--repo-root` naming the root, there is no
 * URL to compare; a remote of the same URL, or of the same repository name (a fork, a mirror, another host), is this
 * repository. A branch of this repository is this checkout when the checkout can stand for it (branchesOfThisCheckout).
 */
export function notThisCheckout(gitRepository: K8sObject | undefined, checkout: Checkout, lookup: ObjectLookup): string | undefined {
  const { repoRoot, rootGiven } = checkout;
  const url = gitRepository ? getPath(gitRepository.body, ["spec", "url"]) : undefined;
  if (typeof url !== "string") return undefined;
  if (!rootGiven) {
    const remotes = remoteUrls(repoRoot);
    if (remotes.length > 0 && !remotes.some((r) => sameRepository(r, url) || repositoryName(r) === repositoryName(url))) return `${url}, not this repository`;
  }
  const branch = getPath(gitRepository!.body, ["spec", "ref", "branch"]);
  if (typeof branch !== "string" || branch === "") return undefined;
  const ours = branchesOfThisCheckout(checkout, lookup);
  if (ours.has(branch)) return undefined;
  return `branch ${branch} of this repository, not this checkout (which stands for ${[...ours].join(", ")})`;
}

/**
 * The branches whose content this checkout stands for: the one checked out, the default branch, those a CI run
 * names as its own or its pull request's target, and the branch of the cluster's own sync (the `flux-system`
 * GitRepository, when the input holds it); `main` and `master` when the default branch cannot be read. A
 * GitRepository following another branch of this repository (a tenant's or a team's branch) gets that branch's
 * content, which is not here.
 */
function branchesOfThisCheckout(checkout: Checkout, lookup: ObjectLookup): Set<string> {
  const branches = new Set<string>();
  const add = (name: string | undefined): void => {
    if (name) branches.add(name);
  };
  const local = checkout.branches();
  add(local.current);
  add(local.default);
  if (local.default === undefined) ["main", "master"].forEach(add);
  for (const name of ["GITHUB_BASE_REF", "GITHUB_HEAD_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "CI_COMMIT_BRANCH", "CI_DEFAULT_BRANCH"]) add(checkout.env[name]);
  for (const sync of lookup.all("GitRepository").filter((g) => g.name === "flux-system")) {
    const branch = getPath(sync.body, ["spec", "ref", "branch"]);
    if (typeof branch === "string") add(branch);
  }
  return branches;
}

/** The branch checked out and the remote's default branch, when Git knows them. */
export function localBranches(repoRoot: string): { current?: string; default?: string } {
  const current = git(repoRoot, ["symbolic-ref", "-q", "--short", "HEAD"]);
  const defaultBranch = git(repoRoot, ["symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD"])?.replace(/^origin\//, "");
  return { ...(current ? { current } : {}), ...(defaultBranch ? { default: defaultBranch } : {}) };
}

function git(repoRoot: string, args: string[]): string | undefined {
  try {
    return childProcess().execFileSync("git", args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function repositoryName(url: string): string {
  return url.replace(/\.git\/*$|\/+$/g, "").split(/[/:]/).pop()!.toLowerCase();
}

const remotesCache = new Map<string, string[]>();

function remoteUrls(repoRoot: string): string[] {
  let remotes = remotesCache.get(repoRoot);
  if (!remotes) {
    try {
      const out = childProcess().execFileSync("git", ["config", "--get-regexp", "^remote\\..*\\.url$"], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
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
 * repository's `.sourceignore`, and the GitRepository's `spec.ignore`, for paths of the tree mirroring the
 * repository at `treeRoot`.
 */
function sourceIgnore(repoRoot: string, treeRoot: string, gitRepository: K8sObject | undefined): (absolutePath: string) => boolean {
  const patterns = [...DEFAULT_EXCLUDES];
  const file = path.join(repoRoot, ".sourceignore");
  if (existsSync(file)) patterns.push(...readFileSync(file, "utf8").split(/\r?\n/));
  const ignore = gitRepository ? getPath(gitRepository.body, ["spec", "ignore"]) : undefined;
  if (typeof ignore === "string") patterns.push(...ignore.split(/\r?\n/));
  const matcher = ignoreLib()({ ignorecase: false }).add(patterns);
  return (absolutePath) => {
    // paths of the mirror tree the build reads (the repository's files, linked), relative to its root
    const relative = path.relative(treeRoot, absolutePath).split(path.sep).join("/");
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
  checkout: Checkout,
  lookup: ObjectLookup,
  newTree: () => MirrorTree,
  label: string,
): SourceTree {
  const { repoRoot } = checkout;
  const find = lookup.find;
  const { generator, artifact } = found;
  const aliases = new Map<string, K8sObject | undefined>();
  for (const source of asArray(getPath(generator.body, ["spec", "sources"]))) {
    if (!isObject(source) || typeof source.alias !== "string") continue;
    if (source.kind !== "GitRepository") continue;
    const name = typeof source.name === "string" ? source.name : "";
    const repository = find("GitRepository", name, typeof source.namespace === "string" ? source.namespace : generator.namespace);
    if (notThisCheckout(repository, checkout, lookup)) continue;
    aliases.set(source.alias, repository);
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
