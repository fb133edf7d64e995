import { defineRule, type Report } from "../src/engine/rule.js";
import { FLUX_FORCE_KEY, fluxNeverUpdates, forceMarkersOf, isForceEnabled, templateForceMarkersOf } from "../src/model/flux-force.js";
import { helmProvenanceOf } from "../src/model/helm-provenance.js";
import type { K8sObject } from "../src/model/objects.js";
import { updateStrategyOf, type UpdateStrategyView } from "../src/model/update-strategy.js";

export default defineRule({
  meta: {
    id: "strategy-flip-without-force",
    description:
      "A Deployment with `strategy.type: Recreate` (StatefulSet: `updateStrategy.type: OnDelete`) and no Flux force switch: if the live object carries a rollingUpdate block from an earlier RollingUpdate, every server-side apply is rejected.",
    rationale:
      "A Deployment created with RollingUpdate (declared or defaulted) gets an API-defaulted `spec.strategy.rollingUpdate` " +
      "block (`maxSurge: 25%`, `maxUnavailable: 25%`). Server-side apply removes only fields that the same field " +
      "manager applied before, so it (Flux kustomize-controller always; helm-controller 1.5+ and Helm 4 by default) never removes the block when the manifest " +
      "switches to `Recreate`, and the API server rejects the merged object on every reconcile: " +
      "`spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy type is 'Recreate'` (a StatefulSet " +
      "switched to `OnDelete` fails the same way on `spec.updateStrategy.rollingUpdate` when its live object has that " +
      "block: the API server adds one only when `updateStrategy.type` is left out, or the manifest declared one). Client-side `kubectl apply` " +
      "and Helm 3's three-way merge clear the block (the field has `retainKeys`), which is why the flip often works " +
      "on a laptop and then wedges the GitOps reconciler.\n\n" +
      "From one revision the linter cannot see whether the live object was ever RollingUpdate, so the finding is a " +
      "**warning**: a Recreate Deployment that was created as Recreate is fine. Run with `--base REV` (or `--base-file` " +
      "for a render on stdin) and a flip made in this change is an **error**; an unchanged Recreate keeps the warning, " +
      "while an object that is new in this change (no live object yet), or that was already Recreate with the switch " +
      "at the base (the migration is done and the switch was rightly removed), is not reported. The switch " +
      "`kustomize.toolkit.fluxcd.io/force: enabled` on the object's own labels or annotations (value compared " +
      "case-insensitively, as fluxcd/pkg `ssa/utils/meta.go` does) lets Flux delete and recreate the object instead, " +
      "so such objects are not reported, nor are objects Flux never updates in place " +
      "(`kustomize.toolkit.fluxcd.io/ssa: IfNotPresent` or `Ignore`, `kustomize.toolkit.fluxcd.io/reconcile: disabled`). " +
      "On the pod template the switch does nothing, and helm-controller ignores it.",
    remediation:
      "Pick one:\n\n" +
      "- Keep `type: RollingUpdate` with `rollingUpdate: {maxSurge: 0, maxUnavailable: 1}`: the old Pod stops before " +
      "the new one starts, which is usually what Recreate was wanted for (a ReadWriteOnce volume, a single writer).\n" +
      "- Add `kustomize.toolkit.fluxcd.io/force: enabled` to the Deployment's `metadata.annotations` in the commit " +
      "that changes the strategy, and remove it in the next one. Flux's docs say it \"should be removed after the " +
      "change is applied\": left on, any invalid edit makes Flux delete and recreate the object (downtime, lost " +
      "status). It has no effect under helm-controller.\n" +
      "- Fix the live object once by hand before the change is reconciled: " +
      "`kubectl patch deployment NAME --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/strategy/rollingUpdate\"},{\"op\":\"replace\",\"path\":\"/spec/strategy/type\",\"value\":\"Recreate\"}]'`.\n\n" +
      "Neither `$patch: replace` nor `rollingUpdate: null` in the manifest is a fix: `$patch` is not a field " +
      "(server-side apply drops it, strict validation rejects it; see `inline-patch-directive`).",
    defaultSeverity: "warning",
    example: {
      bad:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    type: Recreate\n" +
        "  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 1\n" +
        "  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0\n",
    },
    tags: ["flux", "server-side-apply", "rollout"],
    precision: "medium",
  },
  check({ set, base, settings, report }) {
    for (const object of set.ofKind("Deployment", "StatefulSet")) {
      const strategy = updateStrategyOf(object);
      if (!strategy?.isNonRolling || isForceEnabled(object) || fluxNeverUpdates(object)) continue;

      let flipFrom: string | undefined;
      let baseNote: string | undefined;
      if (base) {
        const previous = base.find(object.kind, object.name, object);
        if (!previous) continue; // new in this change: no live object carries a rollingUpdate block yet
        const before = updateStrategyOf(previous);
        if (before?.isRolling && before.storesRollingUpdate) flipFrom = before.type ? before.type : "the default RollingUpdate";
        // Recreate with the force switch at the base: the migration went through a recreate, the live
        // object is clean, and dropping the switch now is exactly what the remediation asks for.
        else if (before?.isNonRolling && isForceEnabled(previous)) continue;
        else if (!before || before.isNonRolling) baseNote = `unchanged since ${settings.baseName ?? "the base"}, safe if that revision was applied`;
        else baseNote = `at ${settings.baseName ?? "the base"} its explicit RollingUpdate stored no rollingUpdate block, safe if that revision was applied`;
      }

      const finding: Report = {
        object,
        path: strategy.typePath,
        message: messageFor(object, strategy, flipFrom, settings.baseName, baseNote),
        remediation: remediationFor(object, strategy),
      };
      if (flipFrom !== undefined) finding.severity = "error";
      report(finding);
    }
  },
});

function messageFor(object: K8sObject, s: UpdateStrategyView, flipFrom: string | undefined, baseName: string | undefined, baseNote: string | undefined): string {
  const where = `spec.${s.field}`;
  const live = `the API-defaulted ${where}.rollingUpdate block stays on the live object (server-side apply never removes it) and every reconcile fails with "${where}.rollingUpdate: ${s.nonRollingType === "Recreate" ? "Forbidden" : "Invalid value"}"`;
  const head =
    flipFrom !== undefined
      ? `${object.kind} changes ${where}.type from ${flipFrom} to ${s.nonRollingType} in this change (base ${baseName ?? "revision"}) without ${FLUX_FORCE_KEY}: enabled: ${live}`
      : `${object.kind} uses ${where}.type ${s.nonRollingType} without ${FLUX_FORCE_KEY}: enabled${baseNote ? ` (${baseNote})` : ""}: if the live object ${s.nonRollingType === "Recreate" ? "was ever RollingUpdate" : "carries a rollingUpdate block (added by the API server when updateStrategy.type was left out)"}, ${live}`;
  const notes: string[] = [];
  const disabled = forceMarkersOf(object).find((m) => !m.enabled && m.value.toLowerCase() !== "disabled");
  if (disabled) notes.push(`its ${disabled.field === "labels" ? "label" : "annotation"} ${FLUX_FORCE_KEY}: "${disabled.value}" does nothing, Flux only acts on the value "enabled"`);
  if (templateForceMarkersOf(object).length > 0) notes.push(`${FLUX_FORCE_KEY} on the pod template does nothing: Flux reads it only from the ${object.kind}'s own metadata`);
  const helm = helmProvenanceOf(object);
  if (helm) notes.push(`this object looks Helm-delivered (${helm}); under helm-controller the Flux force annotation is inert`);
  const fix =
    s.nonRollingType === "Recreate"
      ? helm
        ? "keep RollingUpdate with maxSurge: 0 and maxUnavailable: 1, or patch the live object once by hand"
        : "keep RollingUpdate with maxSurge: 0 and maxUnavailable: 1, or add the force annotation for the migrating commit only, or patch the live object once by hand"
      : helm
        ? "patch the live object once by hand before the change is applied"
        : "add the force annotation for the migrating commit only, or patch the live object once by hand";
  return `${head}${notes.length ? ` (${notes.join("; ")})` : ""}; ${fix}`;
}

function remediationFor(object: K8sObject, s: UpdateStrategyView): string {
  const helm = helmProvenanceOf(object) !== undefined;
  const resource = object.kind === "Deployment" ? "deployment" : "statefulset";
  const ns = object.namespace ? ` -n ${object.namespace}` : "";
  const patch =
    `kubectl${ns} patch ${resource} ${object.name || "NAME"} --type=json -p '[{"op":"remove","path":"/spec/${s.field}/rollingUpdate"},` +
    `{"op":"replace","path":"/spec/${s.field}/type","value":"${s.nonRollingType}"}]'`;
  const options: string[] = [];
  if (s.nonRollingType === "Recreate") {
    options.push(
      "Keep `type: RollingUpdate` with `rollingUpdate: {maxSurge: 0, maxUnavailable: 1}`: the old Pod stops before the new one starts, which is usually why Recreate was wanted (a ReadWriteOnce volume, a single writer).",
    );
  }
  if (!helm) {
    options.push(
      `Add \`${FLUX_FORCE_KEY}: enabled\` to the ${object.kind}'s metadata.annotations (not the pod template) for the commit that changes the strategy, and remove it once Flux has applied it: Flux's docs say it "should be removed after the change is applied"; left on, any invalid edit makes Flux delete and recreate the object.`,
    );
  } else {
    options.push(`The Flux force annotation does not help here: helm-controller ignores it.`);
  }
  options.push(`Or patch the live object once, before the change is reconciled: \`${patch}\`.`);
  options.push("Neither `$patch: replace` nor `rollingUpdate: null` in the manifest is a fix.");
  return options.join(" ");
}
