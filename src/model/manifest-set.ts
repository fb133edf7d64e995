import type { LoadedFile, LoadProblem, SourceDocument } from "../load/types.js";
import { objectsOf, type K8sObject } from "./objects.js";

/** Everything linted in one run: cross-object rules see all of it together. */
export class ManifestSet {
  readonly objects: K8sObject[] = [];
  readonly problems: LoadProblem[] = [];
  readonly files: string[] = [];
  /** Files that a kustomization lists as patches: partial objects, merged at build time, so not linted as manifests. */
  readonly kustomizePatches: string[] = [];
  private readonly byKindIndex = new Map<string, K8sObject[]>();
  /** By kind and name: references are looked up by name once per reference, and sets hold thousands of objects. */
  private readonly byNameIndex = new Map<string, K8sObject[]>();
  private readonly byDocumentIndex = new Map<SourceDocument, K8sObject[]>();
  private readonly derivedFacts = new Map<(set: ManifestSet) => unknown, unknown>();

  add(loaded: LoadedFile): void {
    this.derivedFacts.clear();
    this.files.push(loaded.file);
    this.problems.push(...loaded.problems);
    for (const document of loaded.documents) {
      for (const object of objectsOf(document)) {
        this.objects.push(object);
        push(this.byKindIndex, object.kind, object);
        push(this.byNameIndex, `${object.kind}/${object.name}`, object);
        push(this.byDocumentIndex, object.source, object);
      }
    }
  }

  /** A kustomize patch file: what is wrong with its syntax is reported, its objects are not linted. */
  addKustomizePatch(loaded: LoadedFile): void {
    this.kustomizePatches.push(loaded.file);
    this.problems.push(...loaded.problems);
  }

  addProblems(problems: LoadProblem[]): void {
    this.problems.push(...problems);
  }

  ofKind(...kinds: string[]): K8sObject[] {
    return kinds.flatMap((kind) => this.byKindIndex.get(kind) ?? []);
  }

  /** Every document read: those holding objects, and those a loading problem is in. */
  documents(): Set<SourceDocument> {
    const documents = new Set(this.byDocumentIndex.keys());
    for (const problem of this.problems) if (problem.document) documents.add(problem.document);
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

function push<K>(index: Map<K, K8sObject[]>, key: K, object: K8sObject): void {
  const list = index.get(key);
  if (list) list.push(object);
  else index.set(key, [object]);
}
