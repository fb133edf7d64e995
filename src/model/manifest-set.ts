import type { LoadedFile, LoadProblem } from "../load/types.js";
import { objectsOf, type K8sObject } from "./objects.js";

/** Everything linted in one run: cross-object rules see all of it together. */
export class ManifestSet {
  readonly objects: K8sObject[] = [];
  readonly problems: LoadProblem[] = [];
  readonly files: string[] = [];
  /** Files that a kustomization lists as patches: partial objects, merged at build time, so not linted as manifests. */
  readonly kustomizePatches: string[] = [];
  private readonly byKindIndex = new Map<string, K8sObject[]>();

  add(loaded: LoadedFile): void {
    this.files.push(loaded.file);
    this.problems.push(...loaded.problems);
    for (const document of loaded.documents) {
      for (const object of objectsOf(document)) {
        this.objects.push(object);
        const list = this.byKindIndex.get(object.kind);
        if (list) list.push(object);
        else this.byKindIndex.set(object.kind, [object]);
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

  /**
   * The object of this kind and name that `from` would see. Rendered charts often omit namespaces
   * (the release namespace fills them in at apply time), so an absent namespace matches any.
   */
  find(kind: string, name: string, from?: { namespace?: string; source?: { unit?: string } }): K8sObject | undefined {
    const matches = this.ofKind(kind).filter(
      (o) => o.name === name && (o.namespace === undefined || from?.namespace === undefined || o.namespace === from.namespace),
    );
    // Among equals, the object of the same apply unit (see model/apply-unit.ts) is the one `from` sees.
    const unit = from?.source?.unit;
    return (unit !== undefined ? matches.find((o) => o.source.unit === unit) : undefined) ?? matches[0];
  }
}
