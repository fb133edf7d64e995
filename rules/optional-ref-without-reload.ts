import { defineRule } from "../src/engine/rule.js";
import { affectedUses, hookDescription, lateOptionalRefs, type LateUse } from "../src/model/late-optional-refs.js";
import { describe } from "../src/model/objects.js";
import { RELOADER, whyNotCovered } from "../src/model/reloader.js";
import { reloaderInstances } from "../src/model/reloader-instances.js";

function containersText(uses: LateUse[]): string {
  const names = [...new Set(uses.map((u) => u.container))];
  return `${names.length === 1 ? "container" : "containers"} ${names.map((n) => `"${n}"`).join(", ")}`;
}

export default defineRule({
  meta: {
    id: "optional-ref-without-reload",
    description:
      "A long-lived workload reads a ConfigMap/Secret with `optional: true` into environment variables or through a `subPath` mount, the object may appear after the Pod starts, and no Reloader annotation covers it.",
    rationale:
      "When the Pod starts before the object exists, the kubelet starts the container with the variable unset " +
      "(`optional: true` tells it not to wait). Environment variables are fixed at container start, so the value " +
      "stays missing until the container restarts, long after the object has appeared: the incident's " +
      "`SOVEREIGN_FQDN` stayed empty and every login failed with 401. An optional configMap/secret volume (or " +
      "projected source) mounted with `subPath` is just as late: the kubelet mounts an empty path and never " +
      "updates a subPath mount, so the file stays missing until the container restarts. Objects applied by " +
      "another Flux Kustomization, ExternalSecrets, or a Helm hook that is created late are exactly the ones that " +
      "can land late. The linter cannot tell a late object from one that is absent on purpose on some clusters " +
      "(and never created there); suppress those references with a reason. Coverage follows Reloader's " +
      "ShouldReload: `metadata.annotations` first, the pod template's only when metadata has none of the type's " +
      "reload/auto keys or `search`; exclude lists and `reloader.stakater.com/ignore` on a rendered object count. " +
      "`reloader.stakater.com/search: \"true\"` counts as covering an object that is not in the input, since " +
      "whether it will carry `reloader.stakater.com/match` is unknown.\n\n" +
      "Not reported: objects rendered as ordinary resources of the same apply unit (or one Flux finishes first); " +
      "a `pre-install` hook object of the same release without `hook-succeeded` in its delete policy (the default " +
      "`before-hook-creation` included): Helm creates it before the release's resources and it stays; optional " +
      "volumes mounted without `subPath` (the kubelet fills them in when the object appears); references without " +
      "`optional: true` (the kubelet waits for the object); an optional env/envFrom reference to an object that " +
      "the same Pod also requires before that container starts: a required env/envFrom reference of the same " +
      "container or of an init container before it, or a required configMap/secret volume (or projected source) " +
      "that some container mounts (the kubelet does not start that container until the object exists, so the " +
      "optional reference reads it too and only its key may be missing, which is what `optional` is for); a " +
      "subPath mount stays reported, since the optional volume may have been set up empty before the object " +
      "appeared; " +
      "Jobs, CronJobs and bare Pods (short-lived: the next run reads the object).",
    remediation:
      "Drop `optional: true` when the workload needs the value: the kubelet then waits for the object (the Pod " +
      "shows `CreateContainerConfigError` until it exists) and starts the container with the right value. If the " +
      "Pod must start without it, add a Reloader annotation (`configmap.reloader.stakater.com/reload: <name>` or " +
      "`secret.reloader.stakater.com/reload: <name>` on the workload's `metadata.annotations`) **and** run Reloader " +
      "with `--reload-on-create=true` (chart value `reloader.reloadOnCreate: true`); without that flag Reloader " +
      "ignores creation events and the annotation does nothing for an object that appears late. The reload " +
      "strategy (env-vars or annotations) does not matter: both find `valueFrom` references.",
    defaultSeverity: "warning",
    example: {
      bad:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n" +
        "  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0\n" +
        "          env:\n            - name: SOVEREIGN_FQDN\n              valueFrom:\n                configMapKeyRef:\n" +
        "                  name: sovereign-fqdn\n                  key: fqdn\n                  optional: true\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n" +
        "  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0\n" +
        "          env:\n            - name: SOVEREIGN_FQDN\n              valueFrom:\n                configMapKeyRef:\n" +
        "                  name: sovereign-fqdn\n                  key: fqdn\n",
    },
    tags: ["reloader", "configmap", "secret", "startup-order"],
    precision: "medium",
  },
  check({ set, report }) {
    const autoReloadAll = set.derived(reloaderInstances).some((i) => i.autoReloadAll);
    for (const workload of set.objects) {
      for (const late of lateOptionalRefs(set, workload, { autoReloadAll })) {
        if (late.coverage) continue;
        const first = late.uses[0]!.ref;
        // Not rendered anywhere here, it may be absent on purpose (credentials only some installs create): dropping
        // `optional` would then keep the Pod from starting.
        const mayBeAbsent = !late.unordered && !late.hook;
        const where = late.unordered
          ? `is applied by ${late.unordered.source.unit}, which no dependsOn orders before ${workload.source.unit ?? `this ${workload.kind}`}`
          : late.hook
            ? `is ${hookDescription(late.hook, workload)}`
            : "is not in this input";
        const mounted = late.uses.some((u) => u.mount);
        const stays = mounted ? "stays missing if the Pod starts first (the kubelet never updates a subPath mount)" : "stays unset if the Pod starts first";
        const ignored = late.hook?.annotations[RELOADER.ignore] === "true";
        const notes = whyNotCovered(workload, late.kind, late.name, late.hook);
        const reload = RELOADER.reload(late.kind);
        report({
          object: workload,
          path: first.path,
          target: { kind: late.kind, name: late.name },
          message:
            `${describe(workload)} ${containersText(late.uses)}: ${late.kind} "${late.name}" with optional: true (${affectedUses(late.uses)}) ` +
            `${where} and no Reloader annotation covers it, so it ${stays}; ` +
            (mayBeAbsent
              ? `if the workload needs it, drop optional: true (or add ${reload}, with reloadOnCreate); if it is absent on purpose, suppress this with the reason`
              : `drop optional: true (or add ${reload}, with reloadOnCreate)`),
          remediation:
            (notes.length ? `No Reloader annotation covers it: ${notes.join("; ")}. ` : "") +
            `Remove \`optional: true\` from the reference to ${late.kind} "${late.name}": the kubelet then waits for the ${late.kind} ` +
            `(CreateContainerConfigError for env, ContainerCreating for a volume) and starts the container with it.` +
            (mayBeAbsent
              ? ` Keep it when the ${late.kind} is absent on purpose where the workload runs without it (credentials only some installs create), ` +
                `and suppress the finding with that reason: without optional the Pod would not start there.`
              : "") +
            (ignored
              ? ""
              : ` If the Pod has to start without it, add \`${reload}: "${late.name}"\` to the ${workload.kind}'s metadata.annotations and make sure ` +
                `Reloader runs with \`--reload-on-create=true\` (chart value \`reloader.reloadOnCreate: true\`); Reloader ignores ` +
                `creation events otherwise, whatever its reload strategy.`),
        });
      }
    }
  },
});
