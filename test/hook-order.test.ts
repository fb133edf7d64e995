import { describe, expect, it } from "vitest";
import hookAnnotationInvalid from "../rules/hook-annotation-invalid.js";
import { runRules } from "../src/engine/run-rules.js";
import { loadFile } from "../src/load/load-file.js";
import { ManifestSet } from "../src/model/manifest-set.js";
import { lintJson, type JsonFinding } from "./support/cli.js";

const RULE = "hook-resource-consumed-at-start";

/** The lines of `metadata.annotations` (after its key) for the given map, each value quoted. */
const annotations = (map: Record<string, string>): string =>
  Object.entries(map)
    .map(([k, v]) => `\n    ${k}: ${JSON.stringify(v)}`)
    .join("");

/** A hook Secret and a hook Job that reads it through env, with the given annotations. */
function hooks(secret: Record<string, string>, job: Record<string, string>, names = { secret: "db-password", job: "db-migrate" }): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${names.secret}
  annotations:${annotations(secret)}
type: Opaque
---
apiVersion: batch/v1
kind: Job
metadata:
  name: ${names.job}
  annotations:${annotations(job)}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: app/migrate:1.0
          env:
            - name: PASSWORD
              valueFrom:
                secretKeyRef:
                  name: ${names.secret}
                  key: password
`;
}

async function findings(yaml: string): Promise<JsonFinding[]> {
  return (await lintJson(["-", "--stdin-filename", "hooks.yaml"], { stdin: yaml })).findings;
}

const HOOK = "helm.sh/hook";
const WEIGHT = "helm.sh/hook-weight";
const POLICY = "helm.sh/hook-delete-policy";

describe("hook-resource-consumed-at-start follows Helm's hook order (hookByWeight: weight, then name)", () => {
  it("reports a Secret created later in the same event, at the reference, whatever the delete policy", async () => {
    for (const policy of [{}, { [POLICY]: "before-hook-creation" }, { [POLICY]: "hook-succeeded" }, { [POLICY]: "hook-failed" }]) {
      const yaml = hooks({ [HOOK]: "pre-install,pre-upgrade", [WEIGHT]: "5", ...policy }, { [HOOK]: "pre-install,pre-upgrade" });
      const found = (await findings(yaml)).filter((f) => f.ruleId === RULE);
      expect(found.map((f) => [f.file, f.line, f.column, f.severity, f.target?.name, f.message]), JSON.stringify(policy)).toEqual([
        [
          "hooks.yaml",
          yaml.split("\n").indexOf("                  name: db-password") + 1,
          19,
          "error",
          "db-password",
          'Job "db-migrate" container "migrate": env PASSWORD needs Secret "db-password", a pre-install,pre-upgrade hook created after this ' +
            "pre-install hook (weight 5 > 0), so the first install waits until it times out; give it a weight below 0",
        ],
      ]);
    }
  });

  it("breaks a tie of weights by name: a Secret whose name sorts after the Job's comes later", async () => {
    const later = await findings(hooks({ [HOOK]: "post-install" }, { [HOOK]: "post-install" }, { secret: "migrate-secret", job: "migrate" }));
    expect(later.filter((f) => f.ruleId === RULE).map((f) => f.message)).toEqual([
      'Job "migrate" container "migrate": env PASSWORD needs Secret "migrate-secret", a post-install hook created after this post-install hook ' +
        '(both weight 0, "migrate-secret" sorts after "migrate"), so the first install waits until it times out; give it a weight below 0',
    ]);
    const earlier = await findings(hooks({ [HOOK]: "post-install" }, { [HOOK]: "post-install" }, { secret: "a-secret", job: "migrate" }));
    expect(earlier.filter((f) => f.ruleId === RULE)).toEqual([]);
    // Equal weight and name: Helm sorted the hooks by kind first (Secret before Job), and the weight sort is stable.
    const same = await findings(hooks({ [HOOK]: "post-install" }, { [HOOK]: "post-install" }, { secret: "migrate", job: "migrate" }));
    expect(same.filter((f) => f.ruleId === RULE)).toEqual([]);
  });

  it.each([
    ["-1", "0", false],
    ["-5", "-4", false],
    ["+2", "3", false],
    ["010", "9", true],
    ["1", "0", true],
    ["1", "", true],
    ["1", "x", true],
    ["1", "99999999999999999999", true],
    ["99999999999999999999", "-1", true],
    ["-9223372036854775808", "-9223372036854775807", false],
    ["9223372036854775807", "9223372036854775806", true],
  ])("reads weights as Helm's strconv.Atoi does: Secret %j, Job %j → reported %s", async (secretWeight, jobWeight, reported) => {
    const job: Record<string, string> = { [HOOK]: "pre-install" };
    if (jobWeight !== "") job[WEIGHT] = jobWeight;
    const found = await findings(hooks({ [HOOK]: "pre-install", [WEIGHT]: secretWeight }, job));
    expect(found.some((f) => f.ruleId === RULE)).toBe(reported);
  });

  it("reports a Secret only a later event creates, and none an earlier event left behind", async () => {
    const fresh = await findings(hooks({ [HOOK]: "post-install,post-upgrade" }, { [HOOK]: "pre-install,pre-upgrade", [WEIGHT]: "-10" }));
    expect(fresh.filter((f) => f.ruleId === RULE).map((f) => f.message)).toEqual([
      'Job "db-migrate" container "migrate": env PASSWORD needs Secret "db-password", a post-install,post-upgrade hook not created before this ' +
        "pre-install hook runs, so the first install waits until it times out; make it a pre-install hook too and give it a weight below -10",
    ]);
    // pre-install left it behind (no hook-succeeded): the pre-upgrade Job finds it even though pre-upgrade re-creates it after the Job.
    const leftBehind = await findings(hooks({ [HOOK]: "pre-install,pre-upgrade", [WEIGHT]: "5" }, { [HOOK]: "pre-upgrade" }));
    expect(leftBehind.filter((f) => f.ruleId === RULE)).toEqual([]);
    // hook-succeeded deleted it after pre-install.
    const deleted = await findings(hooks({ [HOOK]: "pre-install", [POLICY]: "hook-succeeded" }, { [HOOK]: "pre-upgrade" }));
    expect(deleted.filter((f) => f.ruleId === RULE).map((f) => f.message)).toEqual([
      'Job "db-migrate" container "migrate": env PASSWORD needs Secret "db-password", a pre-install hook deleted on hook-succeeded before this ' +
        "pre-upgrade hook runs; drop hook-succeeded from its delete policy",
    ]);
  });
});

/** A Secret with the given annotations. */
const secret = (name: string, map: Record<string, string>): string =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  annotations:${annotations(map)}\ntype: Opaque\n`;

/** A Deployment "api" whose container reads each Secret through env (SECRET0, SECRET1, …), with the given annotations. */
const deployment = (secrets: string[], map: Record<string, string> = {}): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api${Object.keys(map).length > 0 ? `\n  annotations:${annotations(map)}` : ""}\nspec:\n` +
  "  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n" +
  "        - name: api\n          image: example/api:1.0\n          env:\n" +
  secrets.map((name, i) => `            - name: SECRET${i}\n              valueFrom:\n                secretKeyRef:\n                  name: ${name}\n                  key: k\n`).join("");

const POST_INSTALL_TOKEN =
  'Deployment "api" container "api": env SECRET1 needs Secret "api-token", a post-install hook created after the workloads, so the install ' +
  "times out; make it pre-install,pre-upgrade or an ordinary resource";

describe("hook-resource-consumed-at-start judges only hooks Helm runs", () => {
  const messages = async (yaml: string): Promise<string[]> => {
    const report = await lintJson(["-", "--stdin-filename", "hooks.yaml"], { stdin: yaml });
    expect(report.stderr).toBe("");
    return report.findings.filter((f) => f.ruleId === RULE).map((f) => `${f.severity} ${f.line}:${f.column} ${f.target?.kind}/${f.target?.name} ${f.message}`);
  };
  const tokenAt = (yaml: string): string => `${yaml.split("\n").indexOf("                  name: api-token") + 1}:19`;

  // The post-install api-token, read second, is reported every time: silence about the first Secret is a decision, not a crash.
  it.each([
    ["an unknown event", "post-instal"],
    ["a known and an unknown event", "post-install,post-instal"],
    ["no event at all", ""],
  ])("leaves a Secret with %s to hook-annotation-invalid: Helm skips it, so it is no hook that comes late", async (_what, events) => {
    const yaml = [secret("typo-token", { [HOOK]: events }), secret("api-token", { [HOOK]: "post-install" }), deployment(["typo-token", "api-token"])].join("---\n");
    expect(await messages(yaml)).toEqual([`error ${tokenAt(yaml)} Secret/api-token ${POST_INSTALL_TOKEN}`]);
  });

  it("says nothing when one of several same-named hook objects is there when the workload starts", async () => {
    const yaml = [secret("api-token", { [HOOK]: "pre-install" }), secret("api-token", { [HOOK]: "post-install" }), deployment(["api-token"])].join("---\n");
    expect(await messages(yaml)).toEqual([]);
  });

  it("does not judge a hook Deployment (Helm waits only for hook Jobs and Pods), nor a hook Job Helm skips for an unknown event", async () => {
    const lateSecret = secret("api-token", { [HOOK]: "post-install" });
    expect(await messages([lateSecret, deployment(["api-token"], { [HOOK]: "pre-install" })].join("---\n"))).toEqual([]);
    expect(await messages(hooks({ [HOOK]: "post-install" }, { [HOOK]: "pre-install,pre-instal" }))).toEqual([]);
  });

  it("judges a hook Pod like a hook Job: Helm waits for it too", async () => {
    const pod =
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: smoke\n  annotations:${annotations({ [HOOK]: "test" })}\nspec:\n  restartPolicy: Never\n  containers:\n` +
      "    - name: smoke\n      image: example/smoke:1.0\n      env:\n        - name: TOKEN\n          valueFrom:\n            secretKeyRef:\n              name: api-token\n              key: k\n";
    const yaml = [secret("api-token", { [HOOK]: "test", [WEIGHT]: "5" }), pod].join("---\n");
    expect(await messages(yaml)).toEqual([
      `error ${yaml.split("\n").indexOf("              name: api-token") + 1}:15 Secret/api-token Pod "smoke" container "smoke": env TOKEN needs Secret "api-token", ` +
        "a test hook created after this test hook (weight 5 > 0), so the first test waits until it times out; give it a weight below 0",
    ]);
  });

  it("counts only hook-succeeded as deleting a hook object an earlier event left behind", async () => {
    const kept = await messages(hooks({ [HOOK]: "pre-install,pre-upgrade", [WEIGHT]: "5", [POLICY]: "before-hook-creation,hook-failed" }, { [HOOK]: "pre-upgrade" }));
    expect(kept).toEqual([]);
  });
});

describe("hook-annotation-invalid reads weights as Helm does", () => {
  const job = (weight: string): string =>
    `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: seed\n  annotations:\n    helm.sh/hook: post-install\n    helm.sh/hook-weight: ${JSON.stringify(weight)}\n`;
  const messages = async (weight: string): Promise<string[]> =>
    (await findings(job(weight))).filter((f) => f.ruleId === "hook-annotation-invalid").map((f) => `${f.severity} ${f.line}:${f.column} ${f.message}`);

  it("says an out-of-range weight is 0, not the largest weight", async () => {
    expect(await messages("99999999999999999999")).toEqual([
      'warning 7:5 Job "seed": helm.sh/hook-weight "99999999999999999999" is out of range for strconv.Atoi (64-bit int), so Helm reads it as 0 and ' +
        "sorts the hook among the weight-0 hooks; write a weight between -9223372036854775808 and 9223372036854775807",
    ]);
    expect(await messages("-9223372036854775809")).toHaveLength(1);
    expect(await messages("9223372036854775807")).toEqual([]);
    expect(await messages("-9223372036854775808")).toEqual([]);
  });

  it.each([
    ["1.5", "1"],
    [" 5", "5"],
    ["1e3", "1000"],
    ["1.5e30", "0"],
    ["first", "0"],
  ])("says %j is not an integer and suggests %j", async (weight, suggested) => {
    expect(await messages(weight)).toEqual([
      `warning 7:5 Job "seed": helm.sh/hook-weight ${JSON.stringify(weight)} is not an integer, so Helm reads it as 0; write an integer string such as "${suggested}"`,
    ]);
  });

  it("stays silent on an empty weight: 0, the same as none", async () => {
    expect(await messages("")).toEqual([]);
  });
});

describe("hook-annotation-invalid names the entries Helm does not know", () => {
  const messages = async (map: Record<string, string>): Promise<string[]> =>
    (await findings(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:${annotations(map)}\n`))
      .filter((f) => f.ruleId === "hook-annotation-invalid")
      .map((f) => `${f.severity} ${f.line}:${f.column} ${f.object?.kind}/${f.object?.name} ${f.message}`);
  const skipped = (value: string, what: string, fix: string): string =>
    `error 6:5 ConfigMap/c ConfigMap "c": helm.sh/hook ${JSON.stringify(value)} ${what}, so Helm silently skips the whole object; ${fix}`;
  const EVENTS = "use only pre-install, post-install, pre-delete, post-delete, pre-upgrade, post-upgrade, pre-rollback, post-rollback, test";

  it.each([
    ["pre-instal,post-instal", 'has unknown "pre-instal", unknown "post-instal"', 'did you mean "pre-install"?; did you mean "post-install"?'],
    ["crd-install,pre-install", 'has Helm 2\'s "crd-install"', "move the CRD to the chart's crds/ directory"],
    // The whole value, spaces aside, is the bad entry.
    [" pre-instal", "is not a hook event", 'did you mean "pre-install"?'],
    // No likely fix for one entry: list the events instead (test, not Helm 2's test-success).
    ["bogus", "is not a hook event", EVENTS],
    ["pre-instal,bogus", 'has unknown "pre-instal", unknown "bogus"', EVENTS],
  ])("helm.sh/hook %j", async (value, what, fix) => {
    expect(await messages({ [HOOK]: value })).toEqual([skipped(value, what, fix)]);
  });

  const POLICIES = "use only before-hook-creation, hook-succeeded, hook-failed";
  const noPolicy = (value: string, fix: string): string =>
    `error 7:5 ConfigMap/c ConfigMap "c": helm.sh/hook-delete-policy ${JSON.stringify(value)} has no policy Helm knows, so the hook object is never deleted ` +
    `and Helm 3 fails the next install or upgrade with "already exists"; ${fix}`;

  it.each([
    // Helm splits "" into one empty policy, so its default before-hook-creation does not apply either.
    ["", POLICIES],
    ["on-success", POLICIES],
    ["hook-succeed,bogus", POLICIES],
    ["hook-succeed,hook-faild", 'did you mean "hook-succeeded"?; did you mean "hook-failed"?'],
  ])("says helm.sh/hook-delete-policy %j leaves no policy: %s", async (value, fix) => {
    expect(await messages({ [HOOK]: "pre-install", [POLICY]: value })).toEqual([noPolicy(value, fix)]);
  });

  it("warns about unknown policies next to a valid one, naming each", async () => {
    expect(await messages({ [HOOK]: "pre-install", [POLICY]: "before-hook-creation,on-success,bogus" })).toEqual([
      'warning 7:5 ConfigMap/c ConfigMap "c": helm.sh/hook-delete-policy "before-hook-creation,on-success,bogus" has unknown "on-success", unknown "bogus", ' +
        `which Helm ignores; ${POLICIES}`,
    ]);
  });

  it("reports the objects Helm dropped while rendering, where rendering placed them, and no other render problem", () => {
    const set = new ManifestSet();
    set.add(loadFile("release.yaml", "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  chart: {}\n"));
    const release = set.objects[0]!;
    const atTemplate = { file: "charts/web/templates/hook.yaml", line: 6, column: 5, message: "dropped at a template line", document: release.source };
    set.addProblems([
      { kind: "hook-annotation-invalid", object: release, path: ["spec", "chart"], message: "dropped from a pulled chart" },
      { kind: "hook-annotation-invalid", ...atTemplate },
      { kind: "render-failed", file: "charts/web/Chart.yaml", line: 1, column: 1, message: "not this rule's" },
    ]);
    const { reports } = runRules(set, [hookAnnotationInvalid], { severities: new Map(), options: new Map(), settings: {} });
    const rule = { ruleId: "hook-annotation-invalid", severity: "error", remediation: hookAnnotationInvalid.meta.remediation };
    expect(reports).toEqual([
      { object: release, path: ["spec", "chart"], message: "dropped from a pulled chart", ...rule },
      { ...atTemplate, ...rule },
    ]);
  });
});
