import { describe, expect, it } from "vitest";
import { lintJson, type JsonFinding } from "./support/cli.js";

const RULE = "hook-resource-consumed-at-start";

/** A hook Secret and a hook Job that reads it through env, with the given annotations. */
function hooks(secret: Record<string, string>, job: Record<string, string>, names = { secret: "db-password", job: "db-migrate" }): string {
  const annotations = (map: Record<string, string>): string =>
    Object.entries(map)
      .map(([k, v]) => `\n    ${k}: ${JSON.stringify(v)}`)
      .join("");
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
