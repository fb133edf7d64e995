import { isDeepStrictEqual } from "node:util";
import { defineRule } from "../src/engine/rule.js";
import { applierOf, type Applier } from "../src/model/applier.js";
import { isClusterScopedKind } from "../src/model/cluster-scoped.js";
import { hookInfo } from "../src/model/helm.js";
import { describe, refOf, type K8sObject } from "../src/model/objects.js";
import { renderGroupOf } from "../src/model/render-group.js";
import { getPath } from "../src/util/json.js";

const REMEDIATION =
  "Render the object once: in a chart, usually a subchart and its parent both create it, or a template is " +
  "included twice; disable one (a subchart value such as `serviceAccount.create: false`) or give them " +
  "different names. A hook and a regular template with the same identity can be split with the " +
  "HelmRelease's `spec.postRenderStrategy: separate`.";

export default defineRule({
  meta: {
    id: "duplicate-resource",
    description: "The same group, version, kind, namespace and name twice in one Helm release or one Flux unit.",
    rationale:
      "kustomize keeps one resource per identity and refuses a second: `may not add resource with an already " +
      "registered id: ConfigMap.v1.[noGrp]/settings.apps` (kustomize api `resmap/reswrangler.go` Append, identity " +
      "kyaml `resid.ResId.Equals`: group, version, kind, name and namespace as written, where no namespace and " +
      "`default` are the same for a namespaced kind and the namespace of a cluster-scoped kind does not count). " +
      "kustomize-controller builds every Flux Kustomization that way, and helm-controller runs a kustomize " +
      "post-renderer on every HelmRelease (its origin labels, fluxcd/helm-controller `internal/postrender/build.go`), " +
      "so both fail the whole unit (error). A hook and a regular template with the same identity are a pattern " +
      "Helm supports; they meet in one post-renderer stream only under helm-controller's `postRenderStrategy: " +
      "combined`, its default since v1.6 (Helm 4.2 `pkg/action/action.go`), not under `separate`, `nohooks` or the " +
      "Helm CLI. Without a post-renderer, Helm 3's client-side install fails on the second copy with `already " +
      "exists` (error), while Helm 4's server-side apply, Argo CD and `kubectl apply` apply both and the last " +
      "one silently wins (warning, and only when the two copies differ). The namespace is compared as written: " +
      "kustomize compares it before Helm fills in the release namespace.",
    remediation: REMEDIATION,
    defaultSeverity: "error",
    example: {
      bad:
        "---\n# Source: api/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  labels: {app: api}\n" +
        "---\n# Source: api/charts/worker/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  labels: {app: worker}\n",
      good:
        "---\n# Source: api/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  labels: {app: api}\n" +
        "---\n# Source: api/charts/worker/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api-worker\n  labels: {app: worker}\n",
    },
    tags: ["helm", "flux", "kustomize"],
    precision: "very-high",
  },
  check({ set, settings, report }) {
    const first = new Map<string, K8sObject>();
    for (const object of set.objects) {
      if (object.name === "" || typeof getPath(object.body, ["metadata", "name"]) !== "string") continue; // generateName: a new object each time
      const group = renderGroupOf(object, set);
      if (!group) continue;
      const applier = applierOf(object, set, settings);
      const kustomize = usesKustomize(applier);
      const key = [group.key, object.apiVersion, object.kind, object.name, kustomize ? effectiveNamespace(object) : (object.namespace ?? "")].join("\0");
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, object);
        continue;
      }
      const verdict = judge(earlier, object, applier, group.helmRelease);
      if (!verdict) continue;
      report({
        object,
        path: [...object.basePath, "metadata", "name"],
        target: refOf(earlier),
        severity: verdict.severity,
        message: `${describe(object)} is also ${where(earlier)} in the same ${group.label}; ${verdict.consequence}`,
        remediation: `${REMEDIATION} Applied by ${applier.label}: ${applier.why}.`,
      });
    }
  },
});

function usesKustomize(applier: Applier): boolean {
  return applier.id === "flux-kustomize" || applier.id === "flux-helm";
}

/** The namespace kustomize compares (kyaml `resid.ResId.EffectiveNamespace`). */
function effectiveNamespace(object: K8sObject): string {
  if (isClusterScopedKind(object.kind)) return "";
  return object.namespace === undefined || object.namespace === "" ? "default" : object.namespace;
}

function judge(earlier: K8sObject, object: K8sObject, applier: Applier, helmRelease: boolean): { severity: "error" | "warning"; consequence: string } | undefined {
  const hooks = [earlier, object].filter((o) => hookInfo(o) !== undefined).length;
  const id = kustomizeId(object);
  if (applier.id === "flux-kustomize") {
    return { severity: "error", consequence: `${applier.tool}'s kustomize build fails: "may not add resource with an already registered id: ${id}"; render it once` };
  }
  if (applier.id === "flux-helm") {
    const strategy = postRenderStrategy(applier.owner);
    // hooks and the other templates are post-rendered in one stream only under "combined"; "nohooks" leaves hooks out
    const oneStream = hooks === 0 || (hooks === 1 ? strategy === "combined" : strategy !== "nohooks");
    if (!oneStream) return undefined;
    const mixed = hooks === 1 ? ` (a hook and a regular template meet in one stream under postRenderStrategy: ${strategy})` : "";
    return {
      severity: "error",
      consequence: `${applier.tool}'s post-renderer fails${mixed}: "error while running post render on files: may not add resource with an already registered id: ${id}"; render it once`,
    };
  }
  // Without a post-renderer Helm applies hooks apart from the release's other objects.
  if (helmRelease && hooks > 0) return undefined;
  if (applier.id === "helm3" && helmRelease) {
    return { severity: "error", consequence: `${applier.label} fails the install on the second copy: "${resourceOf(object.kind)} \"${object.name}\" already exists" (upgrades apply both, the last wins); render it once` };
  }
  if (isDeepStrictEqual(earlier.body, object.body)) return undefined;
  return { severity: "warning", consequence: `${applier.label} applies both and the last one silently wins, dropping the first's differences; render it once` };
}

/** `postRenderStrategy` of the HelmRelease (helm-controller's default is combined, or nohooks under its UseHelm3Defaults gate, which the input cannot show). */
function postRenderStrategy(release: K8sObject | undefined): string {
  const strategy = release ? getPath(release.body, ["spec", "postRenderStrategy"]) : undefined;
  return typeof strategy === "string" ? strategy : "combined";
}

/** How kustomize prints a resource id (kyaml `resid.ResId.String`): `ConfigMap.v1.[noGrp]/name.namespace`. */
function kustomizeId(object: K8sObject): string {
  const slash = object.apiVersion.indexOf("/");
  const group = slash < 0 ? "" : object.apiVersion.slice(0, slash);
  const version = slash < 0 ? object.apiVersion : object.apiVersion.slice(slash + 1);
  return `${object.kind}.${version || "[noVer]"}.${group || "[noGrp]"}/${object.name}.${object.namespace || "[noNs]"}`;
}

function where(object: K8sObject): string {
  return object.source.helmSource !== undefined ? `rendered from ${object.source.helmSource}` : `defined in ${object.source.origin?.file ?? object.source.file}`;
}

/** The resource name the API server uses in messages (`configmaps`, `networkpolicies`, `ingresses`), as kubectl guesses it. */
function resourceOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === "endpoints") return lower;
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}
