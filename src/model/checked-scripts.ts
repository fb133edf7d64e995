import { containerCommand, type ContainerCommand, type ContainerScript } from "./container-script.js";
import { argoHookOf } from "./argo-hooks.js";
import { hookInfo } from "./helm.js";
import { mentionsIacCli } from "./iac-commands.js";
import type { K8sObject } from "./objects.js";
import { containersOf, isLongLived, podSpecOf, type ContainerView } from "./pod-spec.js";
import { waitScriptOf } from "./pod-wait-budget.js";

/** A container script the shell checks read, and what for. */
export interface CheckedScript {
  view: ContainerView;
  command: ContainerCommand;
  script: ContainerScript;
  /** A Helm hook's or an Argo CD sync hook's script that can wait: hook-budget-exceeds-timeout reads its wait. */
  wait: boolean;
  /** A long-lived workload's script that runs `tofu`/`terraform`: ephemeral-state-dir reads its directories. */
  iac: boolean;
}

/** The container scripts of an object that the shell checks read (script-not-checked reports those it cannot). */
export function checkedScripts(object: K8sObject): CheckedScript[] {
  const hook = (object.kind === "Job" || object.kind === "Pod") && (hookInfo(object) !== undefined || isArgoSyncHook(object));
  const longLived = isLongLived(object);
  const pod = hook || longLived ? podSpecOf(object) : undefined;
  if (!pod) return [];
  const out: CheckedScript[] = [];
  for (const view of containersOf(pod)) {
    const command = containerCommand(view);
    const script = command?.script;
    if (!command || !script) continue;
    const wait = hook && waitScriptOf(command) !== undefined;
    const iac = longLived && mentionsIacCli(script.script);
    if (wait || iac) out.push({ view, command, script, wait, iac });
  }
  return out;
}

/** The texts of the scripts the shell checks read, for the shell pass to parse ahead of the rules. */
export function checkedScriptTexts(objects: Iterable<K8sObject>): string[] {
  const texts: string[] = [];
  for (const object of objects) for (const checked of checkedScripts(object)) texts.push(checked.script.script);
  return texts;
}

/** A hook Argo CD runs in a sync phase, whose unbounded wait hook-budget-exceeds-timeout reports under Argo CD. */
function isArgoSyncHook(object: K8sObject): boolean {
  return argoHookOf(object)?.phases.some((phase) => phase === "PreSync" || phase === "Sync" || phase === "PostSync") === true;
}
