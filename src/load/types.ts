import type { NodePath } from "../util/json.js";
export type { NodePath };

/** A 1-based position in a file, columns in UTF-16 code units (what SARIF and editors expect). */
export interface Position {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** One YAML document as it was read, with enough context to find positions later. */
export interface SourceDocument {
  /** The name the user knows the input by: a repo-relative path, or the stdin name. */
  file: string;
  /** Index of the document in its file (0-based). */
  index: number;
  /** The document's own text; line 1 of it is `startLine` of the file. */
  text: string;
  startLine: number;
  /** `# Source: chart/templates/x.yaml` written by `helm template`, when present. */
  helmSource?: string;
  /** Chart directory, relative to the working directory, that the document was rendered from, when known. */
  chartDir?: string;
  /**
   * The apply unit the document belongs to, when known: what one controller applies together, e.g.
   * `Kustomization flux-system/apps` or `HelmRelease platform/api`. Absent for plain input.
   */
  unit?: string;
  /** The Flux HelmRelease whose chart this document was rendered from (by gitops-lint, with its values). */
  helmRelease?: { namespace?: string; name: string };
  /**
   * The template file (absolute) a rendered document came from, when gitops-lint rendered it from a chart tree
   * it assembled (dependencies taken from elsewhere in the repository): `helmSource` then names a path that
   * is not under `chartDir`. Never printed.
   */
  templateFile?: string;
  /**
   * For a document rendered from a chart pulled from a registry (--pull-charts): the HelmRelease and its key
   * that name the chart. The chart's files are not the user's and are gone after the run, so findings land
   * on that key, the rendered position kept beside them.
   */
  pulledFor?: { owner: LocatableObject; path: NodePath };
  /** The namespace an applier puts this document's namespaced objects in when they name none (the Helm release namespace). */
  defaultNamespace?: string;
  /**
   * Which objects are applied together for cross-object rules: the Flux root Kustomization that (transitively)
   * builds the document, else the top-level kustomization or directory argument it came from; absent for
   * files and stdin given one by one, which form one set together.
   */
  cluster?: string;
  /** Where `kustomize build` took the object from (its `config.kubernetes.io/origin`), when the document was built by gitops-lint. */
  origin?: DocumentOrigin;
}

/** The source of one object in a kustomize build: a resource file, or the kustomization whose generator made it. */
export interface DocumentOrigin {
  /** Relative to the working directory, forward slashes. */
  file: string;
  /** Absolute path of the same file (never printed). */
  absolutePath: string;
  /** Set for generated objects: the generator kind (`ConfigMapGenerator`, `SecretGenerator`, …); `file` is then the kustomization. */
  generator?: string;
}

/**
 * What a problem with the input becomes: input that could not be read (`invalid-input`), a render that failed
 * or left something out (`render-failed`, `render-incomplete`), a unit gitops-lint could not render
 * (`not-rendered`), or a finding of the rule of that id (`unrendered-template`, `hook-annotation-invalid`,
 * `postbuild-variable-unset`: rules that report what rendering saw).
 */
export type ProblemKind =
  | "invalid-input"
  | "render-failed"
  | "render-incomplete"
  | "not-rendered"
  | "unrendered-template"
  | "hook-annotation-invalid"
  | "postbuild-variable-unset";

/** Something wrong with the input itself, found while loading or rendering. */
export interface LoadProblem {
  /** The engine notice or rule that reports it (src/engine/input-notices.ts). */
  kind: ProblemKind;
  file: string;
  line: number;
  column: number;
  message: string;
  /** The document it belongs to, when loading got that far. */
  document?: SourceDocument;
  /** Set when the problem is a duplicate mapping key: the key (rules add what the applier does with it). */
  duplicateKey?: string;
}

/** A parsed document's value (plain JSON-like data) plus where it came from. */
export interface ParsedDocument {
  source: SourceDocument;
  value: unknown;
}

export interface LoadedFile {
  file: string;
  documents: ParsedDocument[];
  problems: LoadProblem[];
}

/** What locating needs of an object (a K8sObject is one): its kind, name, place in its document, and the document. */
export interface LocatableObject {
  kind: string;
  name: string;
  basePath: NodePath;
  source: SourceDocument;
}
