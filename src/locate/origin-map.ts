import { readFileSync } from "node:fs";
import { loadFile } from "../load/load-file.js";
import type { PositionResolver } from "../load/positions.js";
import type { LoadedFile, LocatableObject, NodePath, Position, SourceDocument } from "../load/types.js";
import { objectsOf, type K8sObject } from "../model/objects.js";
import { asArray, getPath, isObject } from "../util/json.js";

/** Where a key of an object built by kustomize was written: the source file, its position, and the document holding it. */
export interface OriginPosition {
  file: string;
  position: Position;
  document: SourceDocument;
}

/**
 * The position, in the file an object built by kustomize came from (its origin annotation), of the key
 * at `path`. The source file is real YAML, so the key path resolves exactly; where an overlay patch added
 * the key, the deepest key the source has is used. Undefined for objects not built by kustomize, or when
 * the source cannot be read or the object not found in it. Source files are read once per run.
 */
export class OriginMap {
  private readonly files = new Map<string, LoadedFile | null>();

  constructor(private readonly positions: PositionResolver) {}

  locate(object: LocatableObject, path: NodePath): OriginPosition | undefined {
    const origin = object.source.origin;
    if (!origin) return undefined;
    const loaded = this.file(origin.absolutePath, origin.file);
    if (!loaded) return undefined;
    let target: { source: SourceDocument; path: NodePath } | undefined;
    if (origin.generator !== undefined) {
      const kustomization = loaded.documents[0];
      if (kustomization) target = { source: kustomization.source, path: generatorPath(kustomization.value, object) };
    } else {
      const candidates = loaded.documents.flatMap((d) => objectsOf(d)).filter((o) => o.kind === object.kind);
      const source = bestMatch(candidates, object.name);
      if (source) target = { source: source.source, path: [...source.basePath, ...path.slice(object.basePath.length)] };
    }
    if (!target) return undefined;
    return { file: origin.file, position: this.positions.resolve(target.source, target.path), document: target.source };
  }

  private file(absolutePath: string, display: string): LoadedFile | null {
    if (!this.files.has(absolutePath)) {
      let loaded: LoadedFile | null = null;
      try {
        loaded = loadFile(display, readFileSync(absolutePath));
      } catch {
        loaded = null;
      }
      this.files.set(absolutePath, loaded);
    }
    return this.files.get(absolutePath) ?? null;
  }
}

/**
 * The source object a built object came from. Overlays may add a prefix/suffix or change the
 * namespace, so the exact name wins, then the longest original name the built name contains, then
 * the only object of that kind in the file.
 */
function bestMatch(candidates: K8sObject[], builtName: string): K8sObject | undefined {
  const exact = candidates.find((c) => c.name === builtName);
  if (exact) return exact;
  const contained = candidates.filter((c) => c.name !== "" && builtName.includes(c.name)).sort((a, b) => b.name.length - a.name.length);
  if (contained[0]) return contained[0];
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** The generator entry (`configMapGenerator[i].name`) that made a generated object, else the generator list. */
function generatorPath(kustomization: unknown, object: LocatableObject): NodePath {
  const key = object.kind === "Secret" ? "secretGenerator" : "configMapGenerator";
  const entries = asArray(getPath(kustomization, [key]));
  let best = -1;
  let bestLength = -1;
  entries.forEach((entry, i) => {
    const name = isObject(entry) && typeof entry.name === "string" ? entry.name : "";
    if (name !== "" && object.name.includes(name) && name.length > bestLength) {
      best = i;
      bestLength = name.length;
    }
  });
  return best === -1 ? (entries.length > 0 ? [key] : []) : [key, best, "name"];
}
