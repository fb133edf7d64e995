import { defineRule } from "../src/engine/rule.js";

/** What the example's Flux path holds: a ConfigMap with a variable the bad example does not substitute. */
const APP = {
  "apps/tls/settings.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sovereign-fqdn\n  namespace: catalyst\ndata:\n  fqdn: console.${SOVEREIGN_FQDN}\n  cluster: ${CLUSTER_NAME}\n",
};

export default defineRule({
  meta: {
    id: "postbuild-variable-unset",
    description:
      "A `${VAR}` in a Flux Kustomization's output that its `spec.postBuild` variables do not set and that has no default: strict substitution fails the whole Kustomization.",
    rationale:
      "kustomize-controller substitutes `spec.postBuild.substitute` and `substituteFrom` variables into every object it builds (fluxcd/pkg " +
      "`kustomize/kustomize_varsub.go`, envsubst). Since kustomize-controller v1.9 (Flux 2.9) strict substitution is on by default: a " +
      "variable without a value and without a default fails the Kustomization with `variable not set (strict mode)`, and nothing in it is " +
      "applied; before, it was replaced by an empty string, silently. Shell scripts and config files in ConfigMaps are the usual victims " +
      "(`${HOME}` in a script). gitops-lint reports it only when every `substituteFrom` source is in the input: a variable may come from one it cannot read.",
    remediation:
      "Set the variable in `spec.postBuild.substitute` (or a `substituteFrom` ConfigMap/Secret), give it a default (`${VAR:=value}`), escape " +
      "it as `$${VAR}` when it is meant for a shell or a template, or annotate the object with `kustomize.toolkit.fluxcd.io/substitute: disabled`.",
    defaultSeverity: "error",
    example: {
      bad:
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: sovereign-tls\n  namespace: flux-system\nspec:\n  interval: 10m\n" +
        "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  path: ./apps/tls\n  prune: true\n" +
        "  postBuild:\n    substitute:\n      SOVEREIGN_FQDN: omani.works\n",
      good:
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: sovereign-tls\n  namespace: flux-system\nspec:\n  interval: 10m\n" +
        "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  path: ./apps/tls\n  prune: true\n" +
        "  postBuild:\n    substitute:\n      SOVEREIGN_FQDN: omani.works\n      CLUSTER_NAME: otech\n",
      files: { bad: APP, good: APP },
    },
    tags: ["flux", "kustomize"],
    precision: "high",
  },
  check({ set, report }) {
    // Found while building the Kustomization (src/render/flux-postbuild.ts): reported at the reference, in the file it was written in.
    for (const problem of set.problems) {
      if (problem.kind !== "postbuild-variable-unset" || !("object" in problem)) continue;
      report({ object: problem.object, path: problem.path, message: problem.message });
    }
  },
});
