import { defineRule } from "../src/engine/rule.js";
import { applierOf, type Applier } from "../src/model/applier.js";
import { duplicateKeys, type DuplicateKey } from "../src/model/keyed-lists.js";
import { describe } from "../src/model/objects.js";

const REMEDIATION =
  "Remove the repeated entry (in a chart, usually an `env` or `ports` entry rendered both by the chart and by " +
  "an `extraEnv`-style value). Do not leave it for later: under client-side apply, removing one of two " +
  "entries with the same key deletes both (kubernetes/kubernetes#58477).";

export default defineRule({
  meta: {
    id: "ssa-duplicate-list-key",
    description:
      "A keyed list (container `env`, `ports`, `volumeMounts`, volumes, containers, `imagePullSecrets`, `hostAliases`, " +
      "`topologySpreadConstraints`, `metadata.finalizers`, Service `ports`, webhooks, and a CRD's `x-kubernetes-list-type: map` lists) " +
      "with two entries for the same key.",
    rationale:
      "Server-side apply identifies the entries of a keyed list by their key fields and rejects an apply " +
      "request in which a key repeats, on create and update alike: structured-merge-diff `typed/validate.go` " +
      "(`duplicate entries for key [name=\"FOO\"]`, wrapped by the API server as `failed to create typed patch " +
      "object`). The keys are the `+listType=map`/`+listMapKey` markers of kubernetes/api (`core/v1/types.go`): " +
      "`env` by `name`, container `ports` by (`containerPort`, `protocol`, which defaults to TCP), `volumeMounts` by " +
      "`mountPath`, `volumeDevices` by `devicePath`, `imagePullSecrets` by `name`, `hostAliases` by `ip`, " +
      "`topologySpreadConstraints` by (`topologyKey`, `whenUnsatisfiable`), volumes and containers by `name`, " +
      "`metadata.finalizers` as a set, Service `ports` by (`port`, `protocol`), webhook configurations by " +
      "`webhooks[].name`; for custom resources, the `x-kubernetes-list-type: map` (or `set`) lists of a CRD in " +
      "the input. Helm 4 installs with server-side apply by default, and Flux helm-controller ≥ v1.5 (Flux 2.8) " +
      "does for new HelmReleases; kustomize-controller always does. So a chart with a duplicate `env` name that " +
      "worked for years under Helm 3 fails on the first install (error). Under client-side apply (Helm 3, " +
      "`kubectl apply`, Argo CD by default) the API server keeps both entries and only warns (warning), unless " +
      "its validation rejects the duplicate on every path anyway, as it does for containers, volumes, " +
      "`mountPath`, `devicePath`, topology spread constraints, Service ports and webhook names (core validation " +
      "`validateContainers`, `ValidateVolumes`, `ValidateVolumeMounts`, `ValidateVolumeDevices`, " +
      "`validateTopologySpreadConstraints`, `ValidateService`; admissionregistration validation; for custom " +
      "resources apiextensions-apiserver `listtype.ValidateListSetsAndMaps`): then it is an error whoever " +
      "applies it. Who applies the object comes from the input (a Flux Kustomization or HelmRelease, an Argo CD " +
      "Application) or `--applier`; the message names it and prints the error it reports.",
    remediation: REMEDIATION,
    defaultSeverity: "error",
    example: {
      bad:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n" +
        "      containers:\n        - name: api\n          image: example/api:1\n          env:\n            - name: LOG_LEVEL\n              value: info\n            - name: LOG_LEVEL\n              value: debug\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n" +
        "      containers:\n        - name: api\n          image: example/api:1\n          env:\n            - name: LOG_LEVEL\n              value: debug\n",
    },
    tags: ["server-side-apply", "helm", "flux", "validation"],
    precision: "very-high",
  },
  check({ set, settings, report }) {
    for (const object of set.objects) {
      const duplicates = duplicateKeys(object, set);
      if (duplicates.length === 0) continue;
      const applier = applierOf(object, set, settings);
      for (const duplicate of duplicates) {
        report({ object, path: duplicate.path, ...finding(describe(object), duplicate, applier) });
      }
    }
  },
});

function finding(what: string, d: DuplicateKey, applier: Applier): { message: string; severity: "error" | "warning"; remediation: string } {
  const repeats = `${what}: ${d.what} is listed twice (entries ${d.firstIndex} and ${d.index})`;
  const who = `Applied by ${applier.label}: ${applier.why}.${applier.note ? ` Note: ${applier.note}.` : ""}`;
  if (applier.serverSideApply) {
    return { severity: "error", message: `${repeats}; ${applier.label} rejects the object: "${d.ssaError}"; remove one`, remediation: `${REMEDIATION} ${who}` };
  }
  if (d.validation) {
    return {
      severity: "error",
      message: `${repeats}; the API server rejects it under ${applier.label} too: "${d.validation.error}"; remove one`,
      remediation: `${REMEDIATION} ${who} Validation: ${d.validation.source}; server-side apply reports "${d.ssaError}".`,
    };
  }
  return {
    severity: "warning",
    message:
      `${repeats}; ${applier.label} keeps both (the API server only warns), but server-side apply ` +
      `(Helm 4, Flux ≥ 2.8, kubectl --server-side) rejects the object: "${d.ssaError}"; remove one`,
    remediation: `${REMEDIATION} ${who}`,
  };
}
