import { defineRule } from "../src/engine/rule.js";
import { describe } from "../src/model/objects.js";
import { lateOptionalRefs, type LateOptionalRef } from "../src/model/late-optional-refs.js";
import { reloaderInstances } from "../src/model/reloader-instances.js";

/** The workload of the examples: it counts on Reloader to restart it once sovereign-fqdn appears. */
const WORKLOAD =
  "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  annotations:\n    configmap.reloader.stakater.com/reload: sovereign-fqdn\n" +
  "spec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n" +
  "        - name: api\n          image: api:1.0\n          env:\n            - name: SOVEREIGN_FQDN\n              valueFrom:\n" +
  "                configMapKeyRef: {name: sovereign-fqdn, key: fqdn, optional: true}\n";

export default defineRule({
  meta: {
    id: "reloader-ignores-creation",
    description:
      "Reloader in the input ignores ConfigMap/Secret creation events (no `--reload-on-create=true`, a value other than the exact `true`, or `--resources-to-ignore`) while workloads rely on its annotations for optional references to objects that appear later.",
    rationale:
      "Reloader acts on ConfigMap/Secret *updates* by default. A workload that reads an object with " +
      "`optional: true` and counts on a Reloader annotation to roll it once the object lands is rolled only if " +
      "Reloader handles the object's *creation* event, which released Reloader (v1.0.13 to v1.4.21) does only " +
      "when both hold (`internal/pkg/controller/controller.go` Add):\n\n" +
      "- `options.ReloadOnCreate == \"true\"`: `--reload-on-create` is a string flag compared with the exact text " +
      "`true`; `True`, `1` or `yes` leave creation events off (chart value `reloader.reloadOnCreate`, passed only " +
      "when it is boolean true).\n" +
      "- `secretControllerInitialized && configmapControllerInitialized`: each is set by the `runWorker` of the " +
      "controller for its type, and `internal/pkg/cmd/reloader.go` starts no controller for a type listed in " +
      "`--resources-to-ignore` (chart values `reloader.ignoreSecrets`, `reloader.ignoreConfigMaps`). Ignoring " +
      "Secrets therefore drops the creation events of ConfigMaps too, unless `--sync-after-restart` " +
      "(`reloader.syncAfterRestart: true`) set both flags when the controllers were built.\n\n" +
      "Otherwise the object is created, not updated, and the variable stays empty. The reload strategy " +
      "(env-vars or annotations) does not change this. Not reported: when any Reloader in the input acts on " +
      "creation events (every instance sees the same events), when a HelmRelease of the chart takes its values " +
      "from `valuesFrom` and sets none inline, and when no workload relies on a Reloader annotation for an " +
      "optional reference to an object that may appear late (see `optional-ref-without-reload`).",
    remediation:
      "Set `reloader.reloadOnCreate: true` in the Reloader chart values (or pass `--reload-on-create=true`, " +
      "exactly), and do not ignore a resource type with `--resources-to-ignore`; or drop `optional: true` from " +
      "the workloads' references so the kubelet waits for the objects instead.",
    defaultSeverity: "warning",
    example: {
      bad:
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: reloader\nspec:\n  chart:\n    spec:\n" +
        "      chart: reloader\n      sourceRef: {kind: HelmRepository, name: stakater}\n  values:\n    reloader:\n      reloadStrategy: annotations\n" +
        WORKLOAD,
      good:
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: reloader\nspec:\n  chart:\n    spec:\n" +
        "      chart: reloader\n      sourceRef: {kind: HelmRepository, name: stakater}\n  values:\n    reloader:\n      reloadStrategy: annotations\n      reloadOnCreate: true\n" +
        WORKLOAD,
    },
    tags: ["reloader", "configmap", "secret", "startup-order"],
    precision: "high",
  },
  check({ set, report }) {
    const instances = set.derived(reloaderInstances);
    // One Reloader that acts on creation is enough: every instance sees the same events.
    if (instances.length === 0 || instances.some((i) => i.reloadOnCreate !== false)) return;
    const relying: LateOptionalRef[] = [];
    for (const workload of set.objects) {
      for (const late of lateOptionalRefs(set, workload, { autoReloadAll: instances.some((i) => i.autoReloadAll) })) if (late.coverage) relying.push(late);
    }
    if (relying.length === 0) return;
    const lines = [
      ...new Set(relying.map((r) => `${describe(r.workload)} via ${r.coverage!.annotation} for ${r.kind} "${r.name}"${r.coverage!.conditional ? ` (${r.coverage!.conditional})` : ""}`)),
    ];
    const first = relying[0]!;
    const more = lines.length > 1 ? ` (and ${lines.length - 1} more)` : "";
    for (const instance of instances) {
      report({
        object: instance.object,
        path: instance.path,
        target: { kind: first.workload.kind, name: first.workload.name },
        message:
          `${describe(instance.object)}: ${instance.how}, so Reloader never restarts ${describe(first.workload)} when optional ${first.kind} "${first.name}" ` +
          `is created${more}; ${instance.fix}`,
        remediation:
          `${instance.fix[0]!.toUpperCase()}${instance.fix.slice(1)}, or drop \`optional: true\` from the workloads' references so the kubelet waits for the objects. ` +
          (instance.note ? `${instance.note} ` : "") +
          `Workloads that rely on Reloader for objects created late: ${lines.join("; ")}.`,
      });
    }
  },
});
