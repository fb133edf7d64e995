import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { containerCommand } from "../src/model/container-script.js";
import { mayWait } from "../src/shell/may-wait.js";
import { shellParser } from "../src/shell/parser.js";
import { waitBudget } from "../src/shell/wait-budget.js";
import { lintJson } from "./support/cli.js";

function budget(script: string, env: Record<string, string> = {}): { seconds: number; text: string } {
  const sh = shellParser();
  const file = sh.parse(script);
  if (!file) throw new Error("did not parse");
  const result = waitBudget(sh, file, new Map(Object.entries(env)));
  return { seconds: result.seconds, text: result.parts.map((p) => p.text).join(" + ") };
}

describe("wait budget of a script", () => {
  it("multiplies a loop's iterations by every sleep and command timeout of one iteration", () => {
    expect(budget('N=168\nfor i in $(seq 1 "$N"); do curl -sf --max-time 3 http://x && break; sleep 5; done')).toEqual({
      seconds: 1344,
      text: "168 × (curl --max-time 3 s + sleep 5 s)",
    });
  });

  it("reads the loop forms: brace ranges, word lists, C-style loops, while/until counters, counters checked in the body", () => {
    expect(budget("for i in {1..10}; do sleep 2; done").seconds).toBe(20);
    expect(budget("for i in {0..20..5}; do sleep 1; done").seconds).toBe(5);
    expect(budget("for host in a b c; do nc -z -w 4 $host 80; done").seconds).toBe(12);
    expect(budget("for ((i = 0; i < 7; i++)); do sleep 1m; done").seconds).toBe(420);
    expect(budget('i=0\nwhile [ "$i" -lt 12 ]; do i=$((i + 1)); sleep 5; done').seconds).toBe(60);
    expect(budget("c=3\nuntil [ $c -le 0 ]; do : $((c-=1)); sleep 10; done").seconds).toBe(30);
    expect(budget("n=0\nwhile (( n < 4 )); do let n++; kubectl wait --for=condition=Ready pod/x --timeout=1m; done").seconds).toBe(240);
    // exits once the counter reaches 30: at least 29 full iterations, whichever comes first in the body
    expect(budget("i=0\nuntil curl -fs x; do i=$((i+1)); [ $i -ge 30 ] && exit 1; sleep 2; done").seconds).toBe(58);
  });

  it("resolves variables from the script, the container env, defaults and function arguments", () => {
    expect(budget('for i in $(seq "$TRIES"); do sleep "$DELAY"; done', { TRIES: "6", DELAY: "10" }).seconds).toBe(60);
    expect(budget('for i in $(seq ${TRIES:-4}); do sleep 1; done').seconds).toBe(4);
    const retry = 'retry() { local n="${2:-12}"; for ((i = 1; i <= n; i+=1)); do $1 && return 0; sleep 5; done; return 1; }\n';
    expect(budget(`${retry}retry "mc ls"`).seconds).toBe(60);
    expect(budget(`${retry}retry "mc ls" 3`).seconds).toBe(15);
    expect(budget(`${retry}retry "mc ls" "$(cat /n)"`).seconds).toBe(0);
  });

  it("counts an if by its slower branch and a pipeline by its slower side", () => {
    expect(budget("if [ -f /a ]; then sleep 30; else sleep 10; fi").seconds).toBe(30);
    expect(budget("sleep 3 | sleep 7").seconds).toBe(7);
    expect(budget("timeout 20 sleep 5; timeout 20 kubectl get pods").seconds).toBe(25);
  });

  it("calls polling loops without a counter unbounded, but leaves loops with exits it cannot follow alone", () => {
    expect(budget("until curl -fs http://db; do sleep 5; done").seconds).toBe(Infinity);
    expect(budget("while true; do if curl -fs x; then break; fi; sleep 2; done").seconds).toBe(Infinity);
    expect(budget('while true; do [ "$(date +%s)" -gt "$END" ] && exit 1; sleep 2; done').seconds).toBe(0);
    expect(budget("while read -r line; do sleep 1; done < /list").seconds).toBe(0);
    expect(budget('while [ "$(kubectl get pod x -o name)" = "" ]; do sleep 1; done').seconds).toBe(0);
    expect(budget("while true; do nc -l 8080; done").seconds).toBe(0);
  });

  it("counts commands without an explicit timeout as 0 s and unknown loop bounds as no wait", () => {
    expect(budget("curl -fs http://x; kubectl apply -f /m").seconds).toBe(0);
    expect(budget("for f in /data/*.sql; do psql -f $f; sleep 1; done").seconds).toBe(0);
    expect(budget("for i in $(seq 1 $N); do sleep 1; done").seconds).toBe(0);
  });

  it("does not parse invalid shell", () => {
    expect(shellParser().parse("for i in $(seq 1 ; do")).toBeUndefined();
  });
});

const hookJob = (args: string, extra = ""): string =>
  `apiVersion: batch/v1
kind: Job
metadata:
  name: wait
  annotations:
    helm.sh/hook: pre-install
spec:
  backoffLimit: 0${extra}
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: wait
          image: busybox
          command: ["sh", "-c"]
          args:
${args}`;

/** A HelmRelease flux-system/rel of chart "platform" with the given lines of spec (timeouts). */
const platformRelease = (timeouts: string): string =>
  `---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: rel\n  namespace: flux-system\nspec:\n  interval: 5m\n  chart:\n    spec:\n      chart: platform\n      sourceRef: {kind: HelmRepository, name: r}\n${timeouts}`;

describe("the kubelet's $(VAR) expansion of command and args", () => {
  const script = (text: string) =>
    containerCommand({ container: { command: ["sh", "-c", text], env: [{ name: "RETRIES", value: "100" }, { name: "TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }] }, path: [], name: "c", init: false })!.script!;

  it("replaces defined env vars and $$, and leaves everything else to the shell", () => {
    expect(script("n=$(RETRIES); for i in $(seq 1 $n); do echo $$; done").script).toBe("n=100; for i in $(seq 1 $n); do echo $; done");
    expect(script("t=$(date +%s) $(UNDEFINED) $(TOKEN) $").script).toBe("t=$(date +%s) $(UNDEFINED) $(TOKEN) $");
    expect(script("n=$(RETRIES)").verbatim).toBe(false);
    expect(script("echo $(date; echo $$x").script).toBe("echo $(date; echo $x"); // unclosed `$(`: read on
  });

  it("reads a reference to the first `)`, as the kubelet does: a nested one is not expanded", () => {
    const nested = script("for i in $(seq 1 $(RETRIES)); do sleep 1; done");
    expect(nested.script).toBe("for i in $(seq 1 $(RETRIES)); do sleep 1; done");
    expect(nested.verbatim).toBe(true);
  });
});

describe("hook-budget-exceeds-timeout end to end", () => {
  it("points at the loop's line inside a literal block scalar, and at the script element otherwise", async () => {
    const literal = hookJob("            - |\n              echo start\n\n              until nc -z db 5432; do sleep 2; done\n");
    const literalReport = await lintJson(["-"], { stdin: literal });
    const literalFinding = literalReport.findings.find((f) => f.ruleId === "hook-budget-exceeds-timeout")!;
    expect([literalFinding.line, literalFinding.column]).toEqual([20, 15]);

    const crlf = await lintJson(["-"], { stdin: literal.replace(/\n/g, "\r\n") });
    expect(crlf.findings.find((f) => f.ruleId === "hook-budget-exceeds-timeout")!.line).toBe(20);

    const folded = hookJob("            - >-\n              echo start;\n              until nc -z db 5432; do sleep 2; done\n");
    const foldedFinding = (await lintJson(["-"], { stdin: folded })).findings.find((f) => f.ruleId === "hook-budget-exceeds-timeout")!;
    expect([foldedFinding.line, foldedFinding.column]).toEqual([17, 15]);
  });

  it("reads kubelet-expanded values, reporting at the script element since the text no longer matches the file", async () => {
    // The kubelet reads `$(` to the first `)`: `$(seq 1 $(RETRIES))` would not be expanded (see above).
    const job = hookJob("            - |\n              n=$(RETRIES); for i in $(seq 1 $n); do sleep 5; done\n").replace(
      'command: ["sh", "-c"]',
      'command: ["sh", "-c"]\n          env:\n            - name: RETRIES\n              value: "100"',
    );
    const finding = (await lintJson(["-"], { stdin: job })).findings.find((f) => f.ruleId === "hook-budget-exceeds-timeout")!;
    expect(finding.message).toContain("100 × sleep 5 s = 500 s");
    expect([finding.line, finding.column]).toEqual([20, 15]);
  });

  it("takes the timeout from the matching HelmRelease, else --release-timeout, else 5m, and says which", async () => {
    const job = `# Source: platform/templates/wait.yaml\n${hookJob("            - for i in $(seq 1 40); do sleep 10; done\n")}`;
    const release = (chart: string, timeout: string) =>
      `---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: rel\n  namespace: flux-system\nspec:\n  interval: 5m\n  chart:\n    spec:\n      chart: ${chart}\n      sourceRef: {kind: HelmRepository, name: r}\n  install:\n    timeout: ${timeout}\n`;
    const withRelease = await lintJson(["-"], { stdin: job + release("./charts/platform", "6m") });
    const finding = withRelease.findings.find((f) => f.ruleId === "hook-budget-exceeds-timeout")!;
    expect(finding.message).toContain("40 × sleep 10 s = 400 s ≥ install timeout 6m = 360 s (HelmRelease flux-system/rel)");
    expect(finding.target).toMatchObject({ kind: "HelmRelease", name: "rel" });

    const longerRelease = await lintJson(["-"], { stdin: job + release("platform", "10m") });
    expect(longerRelease.findings.filter((f) => f.ruleId === "hook-budget-exceeds-timeout")).toEqual([]);

    const otherChart = await lintJson(["-", "--release-timeout", "6m"], { stdin: job + release("other", "1h") });
    const fallback = otherChart.findings.find((f) => f.ruleId === "hook-budget-exceeds-timeout")!;
    expect(fallback.message).toContain("release timeout 6m = 360 s (--release-timeout 6m)");
    expect(fallback.remediation).toContain("so --release-timeout 6m applied");
    expect(fallback.target).toBeUndefined();

    const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-release-timeout-"));
    try {
      writeFileSync(path.join(dir, ".gitops-lint.yaml"), "releaseTimeout: 6m\n");
      const fromConfig = (await lintJson(["-"], { stdin: job, cwd: dir })).findings.find((f) => f.ruleId === "hook-budget-exceeds-timeout")!;
      expect(fromConfig.message).toContain("release timeout 6m = 360 s (releaseTimeout: 6m in .gitops-lint.yaml)");
      expect(fromConfig.remediation).toContain("so releaseTimeout: 6m in .gitops-lint.yaml applied");
      expect(fromConfig.message).not.toContain("--release-timeout");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const helmDefault = await lintJson(["-"], { stdin: job });
    expect(helmDefault.findings.find((f) => f.ruleId === "hook-budget-exceeds-timeout")!.message).toContain("5m = 300 s (Helm's default");
  });

  it("says a timeout shared by several hook events once, and keeps different ones apart", async () => {
    const job = `# Source: platform/templates/wait.yaml\n${hookJob("            - for i in $(seq 1 40); do sleep 10; done\n").replace("helm.sh/hook: pre-install", "helm.sh/hook: pre-install,pre-upgrade")}`;
    const message = async (timeouts: string) =>
      (await lintJson(["-"], { stdin: job + platformRelease(timeouts) })).findings.find((f) => f.ruleId === "hook-budget-exceeds-timeout")!.message;

    const shared = await message("  install:\n    timeout: 6m\n  upgrade:\n    timeout: 6m\n");
    expect(shared).toContain("= 400 s ≥ install/upgrade timeout 6m = 360 s (HelmRelease flux-system/rel);");
    expect(shared).not.toContain("upgrade.timeout");

    const differing = await message("  install:\n    timeout: 6m\n  upgrade:\n    timeout: 5m\n");
    expect(differing).toContain("≥ install timeout 6m = 360 s and upgrade timeout 5m = 300 s (HelmRelease flux-system/rel);");

    const specWide = await message("  timeout: 6m\n");
    expect(specWide).toContain("≥ install/upgrade timeout 6m = 360 s via spec.timeout (HelmRelease flux-system/rel);");
    expect(specWide.match(/spec\.timeout/g)).toHaveLength(1);

    const defaulted = await message("  install:\n    timeout: 6m\n");
    expect(defaulted).toContain("≥ install timeout 6m = 360 s and upgrade timeout 5m = 300 s by default (HelmRelease flux-system/rel);");
  });

  it("lets activeDeadlineSeconds bound the wait, warns when only a retry no longer fits", async () => {
    const unbounded = "            - until nc -z db 5432; do sleep 2; done\n";
    expect((await lintJson(["-"], { stdin: hookJob(unbounded, "\n  activeDeadlineSeconds: 200") })).findings.filter((f) => f.ruleId === "hook-budget-exceeds-timeout")).toEqual([]);
    const capped = (await lintJson(["-"], { stdin: hookJob(unbounded, "\n  activeDeadlineSeconds: 300") })).findings.find((f) => f.ruleId === "hook-budget-exceeds-timeout")!;
    expect(capped.severity).toBe("error");
    expect(capped.message).toContain("min(Job activeDeadlineSeconds 300 s");

    const retried = hookJob("            - for i in $(seq 1 20); do sleep 10; done\n").replace("backoffLimit: 0", "backoffLimit: 2");
    const warning = (await lintJson(["-"], { stdin: retried })).findings.find((f) => f.ruleId === "hook-budget-exceeds-timeout")!;
    expect(warning.severity).toBe("warning");
    expect(warning.message).toContain("200 s + 10 s back-off + 200 s = 410 s");
    const shortRetried = retried.replace("seq 1 20", "seq 1 6");
    expect((await lintJson(["-"], { stdin: shortRetried })).findings.filter((f) => f.ruleId === "hook-budget-exceeds-timeout")).toEqual([]);
  });
});

describe("hook-budget-exceeds-timeout: deadlines, retries and several events", () => {
  const RULE = "hook-budget-exceeds-timeout";
  const HELM_DEFAULT = "release timeout 5m = 300 s (Helm's default)";
  const NO_RELEASE =
    "No HelmRelease is in the input and no --release-timeout was given, so Helm's default 5m applied: lint the HelmRelease together with the rendered chart, or pass --release-timeout.";
  /** The rule's findings; a rule that throws stops at the object it failed on and says so on stderr. */
  const findings = async (stdin: string) => {
    const report = await lintJson(["-"], { stdin });
    expect(report.stderr).toBe("");
    return report.findings.filter((f) => f.ruleId === RULE);
  };
  const only = async (stdin: string) => {
    const found = await findings(stdin);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const loop = (n: number, sleep: number) => `            - for i in $(seq 1 ${n}); do sleep ${sleep}; done\n`;
  const unbounded = "            - until nc -z db 5432; do sleep 2; done\n";
  /** hookJob with another backoffLimit (null: none, so the default 6) and lines added to the Job's and the pod's spec. */
  const job = (args: string, { backoffLimit = 0 as number | null, jobSpec = "", podSpec = "" } = {}) =>
    hookJob(args, jobSpec)
      .replace("\n  backoffLimit: 0", backoffLimit === null ? "" : `\n  backoffLimit: ${backoffLimit}`)
      .replace("      restartPolicy: Never", `      restartPolicy: Never${podSpec}`);
  const hookPod = (args: string, podSpec = "") =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: wait\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  restartPolicy: Never${podSpec}\n  containers:\n    - name: wait\n      image: busybox\n      command: ["sh", "-c"]\n      args:\n${args.replace(/^ {12}/, "        ")}`;

  it("names the deadline that bounds the wait, the Job's or the pod's, only when it binds", async () => {
    const error = (wait: string, single: number) =>
      `Job "wait": hook can wait ${wait} ≥ ${HELM_DEFAULT}; cut the wait below 300 s or raise the timeout above ${single} s`;
    const jobCut = await only(job(loop(50, 10), { jobSpec: "\n  activeDeadlineSeconds: 400" }));
    expect(jobCut.message).toBe(error("min(Job activeDeadlineSeconds 400 s, 50 × sleep 10 s = 500 s) = 400 s", 400));
    expect([jobCut.severity, jobCut.line, jobCut.column]).toEqual(["error", 18, 15]);
    expect(jobCut.remediation).toContain("each hook gets the full timeout). No HelmRelease is in the input");

    // a deadline the wait reaches first is named, one it never reaches is not
    expect((await only(job(loop(50, 10), { jobSpec: "\n  activeDeadlineSeconds: 500" }))).message).toBe(
      error("min(Job activeDeadlineSeconds 500 s, 50 × sleep 10 s = 500 s) = 500 s", 500),
    );
    expect((await only(job(loop(50, 10), { jobSpec: "\n  activeDeadlineSeconds: 900" }))).message).toBe(error("50 × sleep 10 s = 500 s", 500));
    expect((await only(job(loop(50, 10)))).message).toBe(error("50 × sleep 10 s = 500 s", 500));

    // the pod template's deadline bounds each attempt
    expect((await only(job(loop(50, 10), { podSpec: "\n      activeDeadlineSeconds: 400" }))).message).toBe(
      error("min(pod activeDeadlineSeconds 400 s, 50 × sleep 10 s = 500 s) = 400 s", 400),
    );
    expect((await only(job(loop(50, 10), { podSpec: "\n      activeDeadlineSeconds: 500" }))).message).toBe(
      error("min(pod activeDeadlineSeconds 500 s, 50 × sleep 10 s = 500 s) = 500 s", 500),
    );
    expect((await only(job(loop(50, 10), { podSpec: "\n      activeDeadlineSeconds: 900" }))).message).toBe(error("50 × sleep 10 s = 500 s", 500));

    // with both, the tighter one
    const both = (jobDeadline: number, podDeadline: number) =>
      job(loop(50, 10), { jobSpec: `\n  activeDeadlineSeconds: ${jobDeadline}`, podSpec: `\n      activeDeadlineSeconds: ${podDeadline}` });
    expect((await only(both(450, 400))).message).toBe(error("min(pod activeDeadlineSeconds 400 s, 50 × sleep 10 s = 500 s) = 400 s", 400));
    expect((await only(both(350, 400))).message).toBe(error("min(Job activeDeadlineSeconds 350 s, 50 × sleep 10 s = 500 s) = 350 s", 350));

    // a bare Pod's activeDeadlineSeconds is the pod's
    const pod = await only(hookPod(loop(50, 10), "\n  activeDeadlineSeconds: 400"));
    expect(pod.message).toBe(`Pod "wait": hook can wait min(pod activeDeadlineSeconds 400 s, 50 × sleep 10 s = 500 s) = 400 s ≥ ${HELM_DEFAULT}; cut the wait below 300 s or raise the timeout above 400 s`);
    expect([pod.severity, pod.line, pod.column]).toEqual(["error", 15, 11]);
  });

  it("counts a zero or negative activeDeadlineSeconds, which the API server rejects, as no bound", async () => {
    const forever = `Job "wait": hook can wait forever (\`until nc …\` loop with no exit bound, sleep 2 s per iteration) ≥ ${HELM_DEFAULT}; bound the wait or set activeDeadlineSeconds below 300 s`;
    expect((await only(job(unbounded, { jobSpec: "\n  activeDeadlineSeconds: 0" }))).message).toBe(forever);
    expect((await only(job(unbounded, { jobSpec: "\n  activeDeadlineSeconds: -30" }))).message).toBe(forever);
    expect((await only(job(unbounded, { podSpec: "\n      activeDeadlineSeconds: 0" }))).message).toBe(forever);
  });

  it("warns from the moment a failed attempt, 10 s back-off and one retry reach the timeout", async () => {
    const at = await only(job(loop(145, 1), { backoffLimit: 2 }));
    expect(at.severity).toBe("warning");
    expect(at.message).toBe(
      `Job "wait": hook waits 145 × sleep 1 s = 145 s per attempt; with one retry 145 s + 10 s back-off + 145 s = 300 s ≥ ${HELM_DEFAULT}; shorten the wait or set backoffLimit: 0`,
    );
    expect([at.line, at.column]).toEqual([17, 15]);
    // 3 attempts of 145 s, back-offs 10 s + 20 s
    expect(at.remediation).toBe(
      "backoffLimit 2 allows 3 attempts, up to 465 s with back-offs, but Helm gives up at the timeout, before the retries can help. Shorten the wait so that a " +
        `failed attempt and one retry fit in the timeout, or set backoffLimit: 0 and let the release retry. ${NO_RELEASE}`,
    );
    expect(await findings(job(loop(144, 1), { backoffLimit: 2 }))).toEqual([]);
  });

  it("says when the Job's activeDeadlineSeconds cuts the retry short, and stays silent when it ends it in time", async () => {
    const retried = (deadline: number) => job(loop(20, 10), { backoffLimit: 2, jobSpec: `\n  activeDeadlineSeconds: ${deadline}` });
    const warning = (cut: string) =>
      `Job "wait": hook waits 20 × sleep 10 s = 200 s per attempt; with one retry 200 s + 10 s back-off + 200 s = 410 s${cut} ≥ ${HELM_DEFAULT}; shorten the wait or set backoffLimit: 0`;
    const cut = await only(retried(350));
    expect([cut.severity, cut.message]).toEqual(["warning", warning(", cut to 350 s by Job activeDeadlineSeconds,")]);
    expect((await only(retried(410))).message).toBe(warning(""));
    expect((await only(retried(900))).message).toBe(warning(""));
    expect((await only(job(loop(20, 10), { backoffLimit: 2 }))).message).toBe(warning(""));
    expect(await findings(retried(250))).toEqual([]);
  });

  it("counts restartPolicy OnFailure retries as kubelet restarts, bounded together by the pod's deadline", async () => {
    const onFailure = (podSpec = "") => job(loop(20, 10), { backoffLimit: null }).replace("restartPolicy: Never", `restartPolicy: OnFailure${podSpec}`);
    const warning = await only(onFailure());
    expect(warning.severity).toBe("warning");
    // 7 attempts of 200 s; the kubelet's back-offs 10 + 20 + 40 + 80 + 160 + 300 (its 5 min cap) s
    expect(warning.remediation).toBe(
      "backoffLimit 6 allows 7 attempts, restarted in place by the kubelet (restartPolicy: OnFailure), up to 2010 s with back-offs, but Helm gives up at the timeout, " +
        `before the retries can help. Shorten the wait so that a failed attempt and one retry fit in the timeout, or set backoffLimit: 0 and let the release retry. ${NO_RELEASE}`,
    );
    // the restarts run in the same Pod: its 250 s deadline ends them before the 300 s timeout
    expect(await findings(onFailure("\n      activeDeadlineSeconds: 250"))).toEqual([]);
    // a new Pod per retry gets a 250 s deadline of its own
    expect((await only(job(loop(20, 10), { backoffLimit: null, podSpec: "\n      activeDeadlineSeconds: 250" }))).severity).toBe("warning");
  });

  it("does not warn about retries of a bare Pod hook, which nothing retries", async () => {
    expect(await findings(hookPod(loop(20, 10)))).toEqual([]);
    expect((await only(hookPod(loop(40, 10)))).severity).toBe("error");
  });

  it("holds each event to its action's timeout and shows only the worst grade", async () => {
    const hooks = (events: string, args: string, backoffLimit = 0) =>
      `# Source: platform/templates/wait.yaml\n${job(args, { backoffLimit }).replace("helm.sh/hook: pre-install", `helm.sh/hook: ${events}`)}`;

    // only the upgrade exceeds
    const upgradeOnly = await only(hooks("pre-install,pre-upgrade", loop(40, 10)) + platformRelease("  install:\n    timeout: 10m\n  upgrade:\n    timeout: 5m\n"));
    expect(upgradeOnly.message).toBe(
      'Job "wait": hook can wait 40 × sleep 10 s = 400 s ≥ upgrade timeout 5m = 300 s (HelmRelease flux-system/rel); cut the wait below 300 s or raise the timeout above 400 s',
    );
    // both exceed: cut below the shorter timeout
    const both = await only(hooks("pre-install,pre-upgrade", loop(40, 10)) + platformRelease("  install:\n    timeout: 6m\n  upgrade:\n    timeout: 5m\n"));
    expect(both.message).toBe(
      'Job "wait": hook can wait 40 × sleep 10 s = 400 s ≥ install timeout 6m = 360 s and upgrade timeout 5m = 300 s (HelmRelease flux-system/rel); ' +
        "cut the wait below 300 s or raise the timeout above 400 s",
    );
    // an error on upgrade (200 s ≥ 180 s) outranks the retry warning on install (410 s ≥ 360 s)
    const mixed = await only(hooks("pre-install,pre-upgrade", loop(20, 10), 2) + platformRelease("  install:\n    timeout: 6m\n  upgrade:\n    timeout: 3m\n"));
    expect([mixed.severity, mixed.message]).toEqual([
      "error",
      'Job "wait": hook can wait 20 × sleep 10 s = 200 s ≥ upgrade timeout 3m = 180 s (HelmRelease flux-system/rel); cut the wait below 180 s or raise the timeout above 200 s',
    ]);
    expect(mixed.target).toMatchObject({ kind: "HelmRelease", name: "rel" });
  });

  it("leaves a hook with an unknown event, which Helm skips, to hook-annotation-invalid, and reads Jobs that are no hooks as nothing", async () => {
    const plain = job(loop(40, 10)).replace("  annotations:\n    helm.sh/hook: pre-install\n", "");
    expect(await findings(`${plain}---\n${job(loop(40, 10)).replace("helm.sh/hook: pre-install", "helm.sh/hook: pre-install,pre-instal")}`)).toEqual([]);
    const after = await only(`${plain}---\n${job(loop(40, 10))}`);
    expect([after.severity, after.line, after.column]).toEqual(["error", 33, 15]);
  });
});

describe("which scripts need the shell parser at all", () => {
  it("sends every script that runs a command with a readable wait to the parser, however it is spelled", () => {
    const waiting = ["sleep 5", "timeout 10 ./job", "curl --max-time 3 http://x", "wget -T 4 http://x", "nc -z -w 2 db 5432", "ncat -w 2 db 5432", "netcat -w 2 db 5432", "kubectl wait --for=condition=Ready pod/x", "oc rollout status deploy/x --timeout=1m"];
    for (const line of waiting) {
      expect(budget(line).seconds, line).toBeGreaterThan(0);
      expect(mayWait(`set -e\n${line}\n`), line).toBe(true);
    }
    expect(mayWait("sl''eep 5")).toBe(true);
    expect(mayWait('/usr/bin/"curl" --max-time 3 x')).toBe(true);
    // names built by expansion or joined by a line continuation: the text never spells them
    for (const script of ["$PROBE --max-time 3 http://x", "${S:-sleep} 1000", "P=sl; ${P}eep 1000", "sle\\\nep 1000", "`echo sleep` 5"]) {
      expect(mayWait(script), script).toBe(true);
    }
  });

  it("skips scripts that cannot wait, without mistaking longer words for commands", () => {
    expect(mayWait("if [ -f /data/done ]; then echo done; else ./migrate && touch /data/done; fi")).toBe(false);
    expect(mayWait("./sleeper --once; curl-config --version; echo kubectl-style")).toBe(false);
  });

  it("never skips a script the walker finds a wait in (random scripts from waiting and harmless words)", () => {
    const word = fc.constantFrom(
      "sleep", "sl'e'ep", "timeout", "curl", "wget", "nc", "kubectl", "oc", "echo", "touch", "./migrate", "sleeper", "5", "3", "--max-time", "-w", "-T", "wait", "x",
      // whole commands whose name only expansion or a line continuation spells
      "P=sl; ${P}eep 5", "${S:-sleep} 5", "sle\\\nep 5", "`echo sleep` 5", "x=sleep; $x 5", "-sleep",
    );
    const line = fc.array(word, { minLength: 1, maxLength: 5 }).map((words) => words.join(" "));
    const script = fc.array(line, { minLength: 1, maxLength: 4 }).map((lines) => lines.join("\n"));
    fc.assert(
      fc.property(script, (text) => {
        if (mayWait(text)) return;
        const sh = shellParser();
        const file = sh.parse(text);
        if (file) expect(waitBudget(sh, file, new Map()).seconds).toBe(0);
      }),
      { seed: 20261201, numRuns: 300 },
    );
  });
});
