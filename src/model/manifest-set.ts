import type { LoadProblem, NodePath, ParsedDocument, SourceDocument } from "../load/types.js";
import { isObject } from "../util/json.js";
import { objectsOf, type K8sObject } from "./objects.js";

/** A problem with the input found at a key of an object (a HelmRelease whose values file is missing), located like a finding. */
export interface ObjectProblem {
  kind: LoadProblem["kind"];
  object: K8sObject;
  path: NodePath;
  message: string;
}

export type InputProblem = LoadProblem | ObjectProblem;

/** One input as read or rendered: its documents, and what went wrong reading it. */
export interface ReadFile {
  file: string;
  documents: ParsedDocument[];
  problems: InputProblem[];
}

/** Everything linted in one run: cross-object rules see all of it together. */
export class ManifestSet {
  /** Which set of the run this is (SourceDocument.cluster; "" for files and stdin given one by one). */
  readonly key: string;
  readonly objects: K8sObject[] = [];
  /** What was added, as it was added (for merging sets). */
  readonly reads: ReadFile[] = [];
  readonly problems: InputProblem[] = [];
  readonly files: string[] = [];
  /** Files that a kustomization lists as patches: partial objects, merged at build time, so not linted as manifests. */
  readonly kustomizePatches: string[] = [];
  private readonly byKindIndex = new Map<string, K8sObject[]>();
  /** By kind and name: references are looked up by name once per reference, and sets hold thousands of objects. */
  private readonly byNameIndex = new Map<string, K8sObject[]>();
  private readonly byDocumentIndex = new Map<SourceDocument, K8sObject[]>();
  private readonly derivedFacts = new Map<(set: ManifestSet) => unknown, unknown>();

  constructor(key = "") {
    this.key = key;
  }

  add(loaded: ReadFile): void {
    this.derivedFacts.clear();
    this.reads.push(loaded);
    this.files.push(loaded.file);
    this.problems.push(...loaded.problems);
    for (const document of loaded.documents) {
      const half = halfAnObject(document);
      if (half) this.problems.push(half);
      for (const object of objectsOf(document)) {
        this.objects.push(object);
        push(this.byKindIndex, object.kind, object);
        push(this.byNameIndex, `${object.kind}/${object.name}`, object);
        push(this.byDocumentIndex, object.source, object);
      }
    }
  }

  /** A kustomize patch file: what is wrong with its syntax is reported, its objects are not linted. */
  addKustomizePatch(loaded: ReadFile): void {
    this.kustomizePatches.push(loaded.file);
    this.problems.push(...loaded.problems);
  }

  addProblems(problems: InputProblem[]): void {
    this.problems.push(...problems);
  }

  ofKind(...kinds: string[]): K8sObject[] {
    return kinds.flatMap((kind) => this.byKindIndex.get(kind) ?? []);
  }

  /** Every document read: those holding objects, and those a loading problem is in. */
  documents(): Set<SourceDocument> {
    const documents = new Set(this.byDocumentIndex.keys());
    for (const problem of this.problems) if ("document" in problem && problem.document) documents.add(problem.document);
    return documents;
  }

  /** The objects read from one document (a `kind: List` holds several). */
  objectsIn(document: SourceDocument): K8sObject[] {
    return this.byDocumentIndex.get(document) ?? [];
  }

  /** Objects of this kind and name that an object in `namespace` could mean: an absent namespace on either side matches any. */
  named(kind: string, name: string, namespace: string | undefined): K8sObject[] {
    const all = this.byNameIndex.get(`${kind}/${name}`) ?? [];
    return namespace === undefined ? all : all.filter((o) => o.namespace === undefined || o.namespace === namespace);
  }

  /**
   * A fact derived from the whole set, computed once per set (keyed by the function): several rules
   * ask for the same index, and sets hold thousands of objects. Adding objects forgets them.
   */
  derived<T>(compute: (set: ManifestSet) => T): T {
    if (!this.derivedFacts.has(compute)) this.derivedFacts.set(compute, compute(this));
    return this.derivedFacts.get(compute) as T;
  }

  /**
   * The object of this kind and name that `from` would see. Rendered charts often omit namespaces
   * (the release namespace fills them in at apply time), so an absent namespace matches any.
   */
  find(kind: string, name: string, from?: { namespace?: string; source?: { unit?: string } }): K8sObject | undefined {
    const matches = this.named(kind, name, from?.namespace);
    // Among equals, the object of the same apply unit (see model/apply-unit.ts) is the one `from` sees.
    const unit = from?.source?.unit;
    return (unit !== undefined ? matches.find((o) => o.source.unit === unit) : undefined) ?? matches[0];
  }
}

/**
 * A document that looks like a Kubernetes object but lacks `apiVersion` or `kind`: every applier rejects it
 * ("Object 'Kind' is missing"), and it would otherwise pass as "not an object". Only a document with
 * `metadata` counts: values files and Chart.yaml have none. Reported at its `kind` or `apiVersion` line.
 */
function halfAnObject(document: ParsedDocument): LoadProblem | undefined {
  const value = document.value;
  if (!isObject(value)) return undefined;
  const hasVersion = typeof value.apiVersion === "string" && value.apiVersion !== "";
  const hasKind = typeof value.kind === "string" && value.kind !== "";
  // Without metadata it is no object at all: Chart.yaml (apiVersion v2), a values file with a `kind` value.
  if (hasVersion === hasKind || !isObject(value.metadata)) return undefined;
  const missing = hasVersion ? "kind" : "apiVersion";
  const lines = document.source.text.split("\n");
  const at = lines.findIndex((l) => /^(?:kind|apiVersion):/.test(l));
  return {
    kind: "invalid-input",
    file: document.source.file,
    line: document.source.startLine + Math.max(0, at),
    column: 1,
    message: `a document with ${hasVersion ? `apiVersion "${String(value.apiVersion)}"` : `kind "${String(value.kind)}"`} but no ${missing}: not a Kubernetes object that any applier accepts (\`Object '${missing === "kind" ? "Kind" : "apiVersion"}' is missing\`); add ${missing}`,
    document: document.source,
  };
}

function push<K>(index: Map<K, K8sObject[]>, key: K, object: K8sObject): void {
  const list = index.get(key);
  if (list) list.push(object);
  else index.set(key, [object]);
}
