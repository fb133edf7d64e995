import { readFileSync } from "node:fs";
import type { Finding } from "../engine/finding.js";
import { suppressionOf } from "../suppress/directives.js";
import { loadFile } from "../load/load-file.js";
import type { PositionResolver } from "../load/positions.js";
import type { LoadedFile, NodePath } from "../load/types.js";
import { asArray, getPath, isObject } from "../util/json.js";
import { objectsOf, type K8sObject } from "../model/objects.js";

const originFiles = new WeakMap<PositionResolver, Map<string, LoadedFile | null>>();

/**
 * Moves a finding on an object built by kustomize to the file the object came from (its origin
 * annotation) and to the same key in that file: `file`/`line` become the source, `rendered` keeps the
 * position in the built stream. The source file is real YAML, so the key path resolves exactly;
 * where an overlay patch added the key, the deepest key the source has is used. A
 * `# gitops-lint-ignore` comment above that line in the source suppresses the finding (kustomize
 * drops comments from its output). Findings on anything else are left alone.
 */
export function mapToOrigin(finding: Finding, object: K8sObject, path: NodePath, positions: PositionResolver): void {
  const origin = object.source.origin;
  if (!origin) return;
  const loaded = originFile(positions, origin.absolutePath, origin.file);
  if (!loaded) return;

  let target: { source: K8sObject["source"]; path: NodePath } | undefined;
  if (origin.generator !== undefined) {
    const kustomization = loaded.documents[0];
    if (kustomization) target = { source: kustomization.source, path: generatorPath(kustomization.value, object) };
  } else {
    const candidates = loaded.documents.flatMap((d) => objectsOf(d)).filter((o) => o.kind === object.kind);
    const source = bestMatch(candidates, object.name);
    if (source) target = { source: source.source, path: [...source.basePath, ...path.slice(object.basePath.length)] };
  }
  if (!target) return;

  const position = positions.resolve(target.source, target.path);
  finding.rendered = { file: finding.file, line: finding.line, column: finding.column };
  finding.file = origin.file;
  Object.assign(finding, position);
  const suppressed = suppressionOf({ ...finding, rendered: undefined, document: target.source } as Finding, undefined);
  if (suppressed) {
    finding.suppressed = true;
    finding.suppressionReason = suppressed.reason;
  }
}

function originFile(positions: PositionResolver, absolutePath: string, display: string): LoadedFile | null {
  let cache = originFiles.get(positions);
  if (!cache) originFiles.set(positions, (cache = new Map()));
  if (!cache.has(absolutePath)) {
    let loaded: LoadedFile | null = null;
    try {
      loaded = loadFile(display, readFileSync(absolutePath));
    } catch {
      loaded = null;
    }
    cache.set(absolutePath, loaded);
  }
  return cache.get(absolutePath) ?? null;
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
function generatorPath(kustomization: unknown, object: K8sObject): NodePath {
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
