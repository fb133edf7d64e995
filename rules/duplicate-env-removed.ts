import { defineRule } from "../src/engine/rule.js";
import { applierOf, type Applier } from "../src/model/applier.js";
import { describe } from "../src/model/objects.js";
import { containersOf, podSpecOf, type ContainerView } from "../src/model/pod-spec.js";
import { asArray, isObject } from "../src/util/json.js";

/** The example's Deployment, with the given env entries. */
const deployment = (env: string): string =>
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n" +
  "  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1\n          env:\n" +
  env;

/** The base: LOG_LEVEL listed twice. */
const PREVIOUS_RENDER = { "previous-render.yaml": deployment("            - name: LOG_LEVEL\n              value: debug\n".repeat(2)) };

export default defineRule({
  meta: {
    id: "duplicate-env-removed",
    description:
      "Diff-aware (`--base`/`--base-file`) only: a container env variable listed twice at the base and once now, applied with client-side apply, which then deletes every entry of that name.",
    rationale:
      "Client-side apply (Helm 3, `kubectl apply`, Argo CD by default, helm-controller for releases installed that way) " +
      "sends a strategic merge patch computed from the previous manifest and the new one. `env` is merged by `name`, " +
      "so removing one of two entries with the same name becomes a delete directive for that name, and the API server " +
      "deletes every entry that has it: the variable disappears from the Pods until a later apply adds it back " +
      "(kubernetes/kubernetes#58477, open since 2018; kubectl#1750, kubectl#1766; fluxcd/helm-controller#539). The " +
      "rollout in between runs without it. Server-side apply instead collapses the duplicates into the applied entry, " +
      "and a replace (Argo CD `Replace=true`) or a recreate sends the whole object: not reported. A release whose " +
      "upgrades follow the method of its first install (Helm 4, helm-controller ≥ 1.5) is reported too: a base with " +
      "duplicates could only have been installed client-side, because server-side apply rejects them " +
      "(`ssa-duplicate-list-key`). A name removed altogether, or still listed twice, is not this rule's business.",
    remediation:
      "Make the apply that removes the duplicate safe: apply that one change with server-side apply " +
      "(`kubectl apply --server-side --force-conflicts`), which keeps exactly the entry in the manifest, or remove the " +
      "extra entry from the live object by hand first (`kubectl edit`, or a JSON patch removing its index), so the " +
      "manifest change finds nothing to delete. Applying twice also ends with the variable set, but the first rollout " +
      "runs without it.",
    defaultSeverity: "warning",
    example: {
      bad: deployment("            - name: LOG_LEVEL\n              value: debug\n"),
      // The extra entry was removed from the live object first; the finding stays for this one change against the base.
      good: deployment(
        "            # gitops-lint-ignore duplicate-env-removed -- the extra LOG_LEVEL entry was removed from the live object first (kubectl edit)\n" +
          "            - name: LOG_LEVEL\n              value: debug\n",
      ),
      args: { bad: ["--base-file", "previous-render.yaml"], good: ["--base-file", "previous-render.yaml"] },
      files: { bad: PREVIOUS_RENDER, good: PREVIOUS_RENDER },
    },
    tags: ["client-side-apply", "helm", "diff"],
    precision: "high",
  },
  check({ set, diff, settings, report }) {
    if (!diff) return;
    for (const { base, head } of diff.pairs) {
      const headPod = podSpecOf(head);
      const basePod = podSpecOf(base);
      if (!headPod || !basePod) continue;
      let applier: Applier | undefined;
      for (const container of containersOf(headPod)) {
        const before = containersOf(basePod).find((c) => c.name === container.name && c.init === container.init);
        if (!before) continue;
        const kept = envNames(container);
        const previous = envNames(before);
        for (const [name, { count, index }] of kept) {
          if (count !== 1 || (previous.get(name)?.count ?? 0) < 2) continue;
          applier ??= applierOf(head, set, settings);
          if (!patchesClientSide(applier)) break;
          const times = previous.get(name)!.count;
          // Helm 4 / helm-controller: only client-side apply installs duplicates, and upgrades keep the install's method.
          const how = applier.serverSideApply ? `${applier.label} upgrades this release client-side, as it was installed, and` : `under ${applier.label}`;
          report({
            object: head,
            path: [...container.path, "env", index, "name"],
            message:
              `${describe(head)} container "${container.name}": env ${name} was listed ${times === 2 ? "twice" : `${times} times`} at ${diff.baseName} and once now; ` +
              `${how} the merge patch deletes every ${name} entry: the next rollout runs without ${name} until another apply adds it back (kubernetes#58477); ` +
              "apply this change once with --server-side, or remove the extra entry from the live object first",
          });
        }
      }
    }
  },
});

/**
 * Whether the update is a client-side strategic merge patch: client-side apply that neither replaces nor
 * recreates, or an applier whose upgrades keep the first install's method (only client-side apply
 * accepts the duplicates the base has).
 */
function patchesClientSide(applier: Applier): boolean {
  if (applier.replaces || applier.recreatesOnInvalid) return false;
  return !applier.serverSideApply || applier.note !== undefined;
}

/** Env names of a container, with how often each occurs and the index of its first entry. */
function envNames(container: ContainerView): Map<string, { count: number; index: number }> {
  const out = new Map<string, { count: number; index: number }>();
  asArray(container.container.env).forEach((entry, index) => {
    if (!isObject(entry) || typeof entry.name !== "string") return;
    const known = out.get(entry.name);
    if (known) known.count++;
    else out.set(entry.name, { count: 1, index });
  });
  return out;
}
