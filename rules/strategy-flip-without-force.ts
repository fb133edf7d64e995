import { defineRule } from "../src/engine/rule.js";
import type { Severity } from "../src/engine/severity.js";
import { applierOf, type Applier } from "../src/model/applier.js";
import { FLUX_FORCE_KEY, fluxNeverUpdates, forceMarkersOf, isForceEnabled, templateForceMarkersOf } from "../src/model/flux-force.js";
import { helmProvenanceOf } from "../src/model/helm-provenance.js";
import { describe, type K8sObject } from "../src/model/objects.js";
import { updateStrategyOf, type UpdateStrategyView } from "../src/model/update-strategy.js";

export default defineRule({
  meta: {
    id: "strategy-flip-without-force",
    description:
      "A Deployment with `strategy.type: Recreate` (StatefulSet: `updateStrategy.type: OnDelete`) applied with server-side apply and no recreate: if the live object carries a rollingUpdate block from an earlier RollingUpdate, every apply is rejected.",
    rationale:
      "A Deployment created with RollingUpdate (declared or defaulted) gets an API-defaulted `spec.strategy.rollingUpdate` " +
      "block (`maxSurge: 25%`, `maxUnavailable: 25%`) for each field its manifest leaves out. Server-side apply removes only fields that the same field " +
      "manager applied before, so it never removes a defaulted field when the manifest switches to `Recreate`, and the API " +
      "server rejects the merged object on every reconcile: " +
      "`spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy type is 'Recreate'` (a StatefulSet " +
      "switched to `OnDelete` fails the same way on `spec.updateStrategy.rollingUpdate` when its live object has that " +
      "block: the API server adds one only when `updateStrategy.type` is left out, or the manifest declared one).\n\n" +
      "Who applies the object decides (the applier model: a Flux Kustomization or HelmRelease in the input, an Argo CD " +
      "Application, `--applier`/config `applier:`, else Helm 4 for rendered Helm output and `kubectl apply` for plain " +
      "manifests). Reported only under server-side apply: Flux kustomize-controller always, helm-controller ≥ 1.5 and " +
      "Helm 4 for new releases, Argo CD with `ServerSideApply=true`, `kubectl apply --server-side`. Client-side apply " +
      "(Helm 3, plain `kubectl apply`, Argo CD by default) clears the block, because the strategy field's patch " +
      "strategy is `retainKeys`; a replace (Argo CD `Replace=true`, a PUT) sends the whole object without it; a " +
      "recreate (Flux force, `kustomize.toolkit.fluxcd.io/force: enabled` on the object or `spec.force` on its " +
      "Kustomization; Argo CD `Force=true,Replace=true`) starts from a new object. None of those are reported. The " +
      "force switch works only under kustomize-controller: on a Helm-delivered object it is inert, and the flip is " +
      "reported. Objects Flux never updates in place (`kustomize.toolkit.fluxcd.io/ssa: IfNotPresent` or `Ignore`, " +
      "`kustomize.toolkit.fluxcd.io/reconcile: disabled`) are not reported either.\n\n" +
      "From one revision nobody can see whether the live object was ever RollingUpdate: a Recreate Deployment that " +
      "was created as Recreate is fine. So without a base the finding is **info** and says so. With `--base auto` or `--base REV` " +
      "(or `--base-file` for a render on stdin) a flip made in this change is an **error**, and a **warning** when the base declared the whole " +
      "block (`maxSurge` and `maxUnavailable`): server-side apply then removes what its own field manager wrote, and the flip fails only if " +
      "the live block was defaulted or written by another manager (the object predates this applier); a Recreate this change did not touch stays " +
      "**info** (its flip, if any, was applied before and is not this change's news); an object new in this change (no live object yet), or already Recreate with the switch at the " +
      "base (the migration is done and the switch was rightly removed), is not reported.",
    remediation:
      "Pick one:\n\n" +
      "- Keep `type: RollingUpdate` with `rollingUpdate: {maxSurge: 0, maxUnavailable: 1}`: the old Pod stops before " +
      "the new one starts, which is usually what Recreate was wanted for (a ReadWriteOnce volume, a single writer).\n" +
      "- Under Flux kustomize-controller: add `kustomize.toolkit.fluxcd.io/force: enabled` to the Deployment's " +
      "`metadata.annotations` in the commit that changes the strategy, and remove it in the next one. Flux's docs say " +
      "it \"should be removed after the change is applied\": left on, any invalid edit makes Flux delete and recreate " +
      "the object (downtime, lost status). It has no effect under helm-controller. Under Argo CD: sync the change once " +
      "with `Replace=true`.\n" +
      "- Fix the live object once by hand before the change is reconciled: " +
      "`kubectl patch deployment NAME --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/strategy/rollingUpdate\"},{\"op\":\"replace\",\"path\":\"/spec/strategy/type\",\"value\":\"Recreate\"}]'`.\n\n" +
      "Neither `$patch: replace` nor `rollingUpdate: null` in the manifest is a fix: `$patch` is not a field " +
      "(server-side apply drops it, strict validation rejects it; see `inline-patch-directive`).",
    defaultSeverity: "error",
    example: {
      bad:
        "# helm template output, which Helm 4 applies with server-side apply\n# Source: api/templates/deployment.yaml\n" +
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    type: Recreate\n" +
        "  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0\n",
      good:
        "# Source: api/templates/deployment.yaml\n" +
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 1\n" +
        "  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0\n",
    },
    tags: ["flux", "server-side-apply", "rollout"],
    precision: "medium",
  },
  check({ set, diff, settings, report }) {
    for (const object of set.ofKind("Deployment", "StatefulSet")) {
      const strategy = updateStrategyOf(object);
      if (!strategy?.isNonRolling || fluxNeverUpdates(object)) continue;
      const applier = applierOf(object, set, settings);
      if (!failsUnder(applier)) continue;

      let history: History = { kind: "unknown" };
      if (diff?.covers(object)) {
        const previous = diff.baseOf(object);
        if (!previous) continue; // new in this change: no live object carries a rollingUpdate block yet
        const before = updateStrategyOf(previous);
        const { baseName } = diff;
        if (before?.isRolling && declaresWholeBlock(previous.kind, before)) history = { kind: "declared-at-base", baseName };
        else if (before?.isRolling && before.storesRollingUpdate) history = { kind: "flipped", from: before.type ? before.type : "RollingUpdate (default)" };
        // Recreate with the force switch at the base: the migration went through a recreate, the live
        // object is clean, and dropping the switch now is exactly what the remediation asks for.
        else if (before?.isNonRolling && isForceEnabled(previous)) continue;
        else if (!before || before.isNonRolling) history = { kind: "unchanged", baseName };
        else history = { kind: "no-block-at-base", baseName };
      }

      report({
        object,
        path: strategy.typePath,
        message: messageFor(object, strategy, history, applier),
        remediation: remediationFor(object, strategy, applier),
        ...(SEVERITY[history.kind] ? { severity: SEVERITY[history.kind] } : {}),
      });
    }
  },
});

/**
 * Whether applying the flip can leave the live rollingUpdate block in place. Client-side apply removes
 * it (the strategy field's `retainKeys` patch strategy drops the keys the new manifest leaves out), a
 * replace (PUT) sends the whole object, and a recreate starts from nothing: only a server-side apply
 * that updates in place keeps it.
 */
function failsUnder(applier: Applier): boolean {
  return applier.serverSideApply && !applier.replaces && !applier.recreatesOnInvalid;
}

/**
 * The grade of each history: proven by the base (error); a flip the base shows but whose live block it cannot
 * (warning); not changed by this change, or unknown (info) — an untouched Recreate is no news in a pull request.
 */
const SEVERITY: Record<History["kind"], Severity | undefined> = { flipped: undefined, "declared-at-base": "warning", unchanged: "info", "no-block-at-base": "warning", unknown: "info" };

/** What the base revision says about the live object; `unknown` in a single-revision run. */
type History =
  | { kind: "unknown" }
  | { kind: "flipped"; from: string }
  | { kind: "unchanged"; baseName: string }
  /** A StatefulSet whose explicit RollingUpdate at the base stored no rollingUpdate block. */
  | { kind: "no-block-at-base"; baseName: string }
  /** A Deployment whose RollingUpdate at the base declared every field of its rollingUpdate block (see declaresWholeBlock). */
  | { kind: "declared-at-base"; baseName: string };

/**
 * Whether the base's manifest wrote every field of the Deployment's rollingUpdate block (`maxSurge` and
 * `maxUnavailable`), so none was defaulted: server-side apply then owns them under the applier's field manager
 * and removes them when the manifest stops declaring them, and the flip goes through, unless the live block
 * was written by another manager (the object predates this applier, or was edited by hand).
 */
function declaresWholeBlock(kind: string, before: UpdateStrategyView): boolean {
  // null leaves the field to the API server's default, as leaving it out does
  const block = before.rollingUpdateBlock;
  return kind === "Deployment" && block !== undefined && block.maxSurge != null && block.maxUnavailable != null;
}

function messageFor(object: K8sObject, s: UpdateStrategyView, history: History, applier: Applier): string {
  // Only kustomize-controller reads the force switch: its absence is no part of the problem under any other applier.
  const without = applier.id === "flux-kustomize" ? ` without ${FLUX_FORCE_KEY}: enabled` : "";
  const under = ` under ${applier.label}`;
  const fails = `every apply fails: "spec.${s.field}.rollingUpdate: ${s.nonRollingType === "Recreate" ? "Forbidden" : "Invalid value"}"`;
  const fix =
    s.nonRollingType === "Recreate"
      ? "keep RollingUpdate with maxSurge: 0, maxUnavailable: 1"
      : applier.id === "flux-kustomize"
        ? "add the annotation for this one commit"
        : "remove the live rollingUpdate block once with kubectl patch";
  const subject = describe(object);
  switch (history.kind) {
    case "flipped":
      return `${subject}: ${history.from} → ${s.nonRollingType}${without}${under}, so ${fails}; ${fix}`;
    case "unchanged":
      return `${subject}: ${s.nonRollingType}${without}${under}, unchanged since ${history.baseName}; if it still has a live rollingUpdate block, ${fails}; ${fix}`;
    case "declared-at-base":
      return (
        `${subject}: RollingUpdate → ${s.nonRollingType}${without}${under}; ${history.baseName} declared the whole rollingUpdate block, which server-side apply ` +
        `removes if this applier's field manager wrote it; if the live block was defaulted or written by another manager (the object predates this applier), ${fails}; ${fix}`
      );
    case "no-block-at-base":
      return `${subject}: RollingUpdate → ${s.nonRollingType}${without}${under}; the explicit RollingUpdate at ${history.baseName} stored no rollingUpdate block, but if a live one is left, ${fails}; ${fix}`;
    case "unknown": {
      // A Deployment's block is defaulted field by field: one its manifest declared whole is removed by server-side apply.
      const before = s.nonRollingType === "Recreate" ? `the live ${object.kind} was created as RollingUpdate without declaring maxSurge and maxUnavailable` : `the live ${object.kind} has a rollingUpdate block`;
      return `${subject}: ${s.nonRollingType}${without}${under}; if ${before}, ${fails}. One revision cannot show that: --base auto (or --base REV) compares with the previous one; ${fix}`;
    }
  }
}

function remediationFor(object: K8sObject, s: UpdateStrategyView, applier: Applier): string {
  const resource = object.kind === "Deployment" ? "deployment" : "statefulset";
  const ns = object.namespace ? ` -n ${object.namespace}` : "";
  const patch =
    `kubectl${ns} patch ${resource} ${object.name || "NAME"} --type=json -p '[{"op":"remove","path":"/spec/${s.field}/rollingUpdate"},` +
    `{"op":"replace","path":"/spec/${s.field}/type","value":"${s.nonRollingType}"}]'`;
  const options: string[] = [`Applied by ${applier.label} (${applier.why}).${applier.note ? ` Note: ${applier.note}; under client-side apply the flip is harmless.` : ""}`];
  if (s.nonRollingType === "Recreate") {
    options.push(
      "Keep `type: RollingUpdate` with `rollingUpdate: {maxSurge: 0, maxUnavailable: 1}`: the old Pod stops before the new one starts, which is usually why Recreate was wanted (a ReadWriteOnce volume, a single writer).",
    );
  }
  if (applier.id === "flux-kustomize") {
    options.push(
      `Add \`${FLUX_FORCE_KEY}: enabled\` to the ${object.kind}'s metadata.annotations (not the pod template) for the commit that changes the strategy, and remove it once Flux has applied it: Flux's docs say it "should be removed after the change is applied"; left on, any invalid edit makes Flux delete and recreate the object.`,
    );
  } else if (applier.id === "argocd") {
    options.push("Sync this change once with `argocd.argoproj.io/sync-options: Replace=true` on the object: a replace (PUT) sends the whole object, without the old rollingUpdate block.");
  } else {
    const helm = helmProvenanceOf(object);
    if (isForceEnabled(object) || helm) options.push(`The Flux force annotation does not help here: only kustomize-controller reads it${helm ? `, and this object looks Helm-delivered (${helm}): helm-controller ignores it` : ""}.`);
  }
  options.push(`Or patch the live object once, before the change is reconciled: \`${patch}\`.`);
  options.push("Neither `$patch: replace` nor `rollingUpdate: null` in the manifest is a fix.");
  const disabled = forceMarkersOf(object).find((m) => !m.enabled && m.value.toLowerCase() !== "disabled");
  if (disabled) options.push(`Its ${disabled.field === "labels" ? "label" : "annotation"} \`${FLUX_FORCE_KEY}: "${disabled.value}"\` does nothing: only Flux kustomize-controller reads it, and only the value \`enabled\`.`);
  if (templateForceMarkersOf(object).length > 0) options.push(`\`${FLUX_FORCE_KEY}\` on the pod template does nothing: Flux reads it only from the ${object.kind}'s own metadata.`);
  return options.join(" ");
}
