import { describe, expect, it } from "vitest";
import { loadFile } from "../src/load/load-file.js";
import { argoHookOf } from "../src/model/argo-hooks.js";
import { ManifestSet } from "../src/model/manifest-set.js";
import { lintJson } from "./support/cli.js";

const DIR = "fixtures/hook-budget-exceeds-timeout/argo-cd";

function hookOf(annotations: Record<string, string>): ReturnType<typeof argoHookOf> {
  const set = new ManifestSet();
  set.add(loadFile("job.yaml", `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations: ${JSON.stringify(annotations)}\n`));
  return argoHookOf(set.objects[0]!);
}

describe("Argo CD's reading of hook annotations (gitops-engine pkg/sync/hook)", () => {
  it.each([
    [{ "helm.sh/hook": "pre-install" }, ["PreSync"]],
    [{ "helm.sh/hook": "pre-install,pre-upgrade" }, ["PreSync"]],
    [{ "helm.sh/hook": "post-install, post-upgrade" }, ["PostSync"]],
    [{ "helm.sh/hook": "pre-delete" }, ["PreDelete"]],
    [{ "helm.sh/hook": "post-delete" }, ["PostDelete"]],
    [{ "helm.sh/hook": "test" }, []],
    [{ "helm.sh/hook": "pre-rollback,post-rollback" }, []],
    [{ "helm.sh/hook": "pre-install", "argocd.argoproj.io/hook": "Sync" }, ["Sync"]],
    [{ "helm.sh/hook": "pre-install", "argocd.argoproj.io/hook": "Skip" }, []],
    [{ "argocd.argoproj.io/hook": "PreSync,SyncFail" }, ["PreSync", "SyncFail"]],
  ] as Array<[Record<string, string>, string[]]>)("%j → %j", (annotations, phases) => {
    expect(hookOf(annotations)?.phases).toEqual(phases);
  });

  it("is no hook without either annotation, or with Helm's crd-install", () => {
    expect(hookOf({})).toBeUndefined();
    expect(hookOf({ "helm.sh/hook": "crd-install" })).toBeUndefined();
  });
});

describe("hook-budget-exceeds-timeout under Argo CD", () => {
  it("reports only sync hooks that can wait forever without activeDeadlineSeconds, and names the Argo CD phase", async () => {
    const findings = (await lintJson([`${DIR}/application.yaml`, `${DIR}/hooks.yaml`])).findings.filter((f) => f.ruleId === "hook-budget-exceeds-timeout");
    expect(findings.map((f) => `${f.object?.kind}/${f.object?.name} ${f.file}:${f.line}:${f.column} ${f.severity}`)).toEqual([
      `Job/wait-for-db ${DIR}/hooks.yaml:18:15 error`,
      `Job/warm-cache ${DIR}/hooks.yaml:37:15 error`,
    ]);
    expect(findings[0]!.message).toBe(
      'Job "wait-for-db": Argo CD runs it as a PreSync hook (helm.sh/hook: pre-install,pre-upgrade) that can wait forever (`until nc …` loop with no exit bound, sleep 5 s per iteration) ' +
        "and has no activeDeadlineSeconds; Argo CD gives hooks no timeout, so the sync never finishes and every later sync waits behind it; bound the wait or set activeDeadlineSeconds",
    );
  });

  it("holds the same hooks to Helm's timeout when Helm applies them", async () => {
    const findings = (await lintJson([`${DIR}/hooks.yaml`])).findings.filter((f) => f.ruleId === "hook-budget-exceeds-timeout");
    expect(findings.map((f) => f.object?.name)).toEqual(["wait-for-db", "mint-token", "smoke-test", "legacy-migrate"]);
    expect(findings[1]!.message).toContain("1344 s ≥ release timeout 5m = 300 s");
  });
});

describe("hook-budget-exceeds-timeout: which Argo CD phases block the sync", () => {
  const hook = (annotation: string, args = '["sh", "-c", "until nc -z db 5432; do sleep 5; done"]') =>
    `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: wait\n  annotations:\n    ${annotation}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: wait\n          image: busybox:1.36\n          command: ${args}\n`;
  const findings = async (stdin: string) => {
    const report = await lintJson(["-", "--applier", "argocd"], { stdin });
    expect(report.stderr).toBe(""); // a rule that throws stops at the object it failed on and says so here
    return report.findings.filter((f) => f.ruleId === "hook-budget-exceeds-timeout");
  };
  const phaseOf = async (annotation: string) => {
    const found = await findings(hook(annotation));
    expect(found.length).toBeLessThanOrEqual(1);
    return found[0] && /as a (\w+) hook \(([^)]*)\)/.exec(found[0].message)!.slice(1);
  };

  it("reports PreSync, Sync and PostSync hooks, naming the first such phase, and none of the others", async () => {
    expect(await phaseOf("argocd.argoproj.io/hook: PreSync")).toEqual(["PreSync", "argocd.argoproj.io/hook: PreSync"]);
    expect(await phaseOf("argocd.argoproj.io/hook: Sync")).toEqual(["Sync", "argocd.argoproj.io/hook: Sync"]);
    expect(await phaseOf("argocd.argoproj.io/hook: PostSync")).toEqual(["PostSync", "argocd.argoproj.io/hook: PostSync"]);
    expect(await phaseOf("argocd.argoproj.io/hook: SyncFail,PostSync")).toEqual(["PostSync", "argocd.argoproj.io/hook: SyncFail,PostSync"]);
    expect(await phaseOf("helm.sh/hook: post-upgrade")).toEqual(["PostSync", "helm.sh/hook: post-upgrade"]);
    // SyncFail runs after a failed sync, PreDelete and PostDelete on deletion: none holds the sync
    expect(await phaseOf("argocd.argoproj.io/hook: SyncFail")).toBeUndefined();
    expect(await phaseOf("argocd.argoproj.io/hook: PreDelete,PostDelete")).toBeUndefined();
    expect(await phaseOf("helm.sh/hook: pre-delete")).toBeUndefined();
  });

  it("reads ordinary Jobs as no hook, and points at the loop's line inside a multi-line script", async () => {
    const plain = hook("app: x").replace("  annotations:\n    app: x\n", "");
    const script = '["sh", "-c"]\n          args:\n            - |\n              echo start\n              until nc -z db 5432; do sleep 5; done\n';
    const found = await findings(`${plain}---\n${hook("argocd.argoproj.io/hook: Sync", script)}`);
    expect(found.map((f) => `${f.object?.name} ${f.line}:${f.column} ${f.severity}`)).toEqual(["wait 31:15 error"]);
  });
});
