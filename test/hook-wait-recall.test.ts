import { describe, expect, it } from "vitest";
import { unwrapCommand } from "../src/shell/command-line.js";
import { commandWait } from "../src/shell/command-waits.js";
import { shellParser } from "../src/shell/parser.js";
import { waitBudget } from "../src/shell/wait-budget.js";
import { lintJson } from "./support/cli.js";

function budget(script: string): { seconds: number; text: string } {
  const sh = shellParser();
  const result = waitBudget(sh, sh.parse(script), new Map());
  return { seconds: result.seconds, text: result.parts.map((p) => p.text).join(" + ") };
}

const at = { line: 1, col: 1 };
const wait = (line: string) => commandWait(line.split(" "), at);

describe("the command behind wrappers", () => {
  it("skips exec, env assignments, nice/stdbuf options, init wrappers and busybox, and keeps the tightest timeout", () => {
    const words = "exec env -u HOME X=1 nice -n 5 stdbuf -oL dumb-init -- tini -s -- timeout -k 5 900 busybox timeout 60 sleep 400".split(" ");
    const unwrapped = unwrapCommand(words)!;
    expect(words[unwrapped.index]).toBe("sleep");
    expect(unwrapped.timeout).toBe(60);
    expect(words[unwrapped.timeoutIndex!]).toBe("60");
    expect([...unwrapped.env]).toEqual([["X", "1"]]);
    expect(unwrapCommand("timeout 60 timeout 900 sleep 400".split(" "))).toMatchObject({ index: 4, timeout: 60, timeoutIndex: 1 });
  });

  it("reads no command when a wrapper's word is unknown or nothing follows it", () => {
    expect(unwrapCommand(["timeout", undefined, "sleep", "5"])).toBeUndefined();
    expect(unwrapCommand(["env", "X=1"])).toBeUndefined();
  });

  it("lets timeout N bound a script and stand for a wait it cannot read", () => {
    expect(budget("timeout 900 sh -c 'until curl -fs x; do sleep 5; done'")).toEqual({ seconds: 900, text: "timeout 900 s (cutting sh -c (`until curl …` loop with no exit bound, sleep 5 s per iteration))" });
    expect(budget("timeout 30 ./migrate")).toEqual({ seconds: 30, text: "timeout 30 s" });
    expect(budget("exec timeout 60 kubectl wait --for=condition=Ready pod/x --timeout=20m").seconds).toBe(60);
    expect(budget("timeout 0 sleep 40").seconds).toBe(40); // a zero duration disables the timeout
    expect(budget("env RETRIES=7 bash -ec 'for i in $(seq 1 \"$RETRIES\"); do sleep 60; done'")).toEqual({ seconds: 420, text: "sh -c (7 × sleep 60 s)" });
  });
});

describe("command waits", () => {
  it("reads kubectl's special timeouts: negative waits a week, zero checks once, rollout status 0 never ends", () => {
    expect(wait("kubectl wait --for=condition=Ready pod/x --timeout=-1s")).toMatchObject({ seconds: 604800 });
    expect(wait("kubectl wait --for=condition=Ready pod/x --timeout=0")).toBeUndefined();
    expect(wait("kubectl wait --for=condition=Ready pod/x")).toMatchObject({ seconds: 30 });
    expect(wait("oc rollout status deploy/x --timeout=0s")).toMatchObject({ seconds: Infinity });
    expect(wait("kubectl rollout status deploy/x --timeout=10m")).toMatchObject({ seconds: 600 });
  });

  it("adds curl's retry delays, its default back-off and the --retry-max-time cap", () => {
    expect(wait("curl --retry 10 --retry-delay 30 --max-time 10 http://x")).toMatchObject({ seconds: 10 * 30 + 11 * 10 });
    // 1 + 2 + 4 + … doubling, each at most 600 s: 1+2+…+512 = 1023, then 600 twice
    expect(wait("curl --retry 12 http://x")).toMatchObject({ seconds: 1023 + 600 + 600 });
    expect(wait("curl --retry 3 --retry-delay 0 -m 5 http://x")).toMatchObject({ seconds: 1 + 2 + 4 + 4 * 5 }); // 0 means the default back-off
    expect(wait("curl --retry 50 --retry-delay 10 --max-time 5 --retry-max-time 60 http://x")).toMatchObject({ seconds: 65 });
    expect(wait("curl --max-time 7 http://x")).toMatchObject({ seconds: 7, text: "curl --max-time 7 s" });
  });

  it("adds wget's linear back-off between --tries, and retries forever with --tries 0", () => {
    expect(wait("wget --tries=10 --waitretry=20 -T 30 http://x")).toMatchObject({ seconds: 10 * 30 + (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9) });
    expect(wait("wget -t 13 -T 1 http://x")).toMatchObject({ seconds: 13 + (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 10 + 10) }); // --waitretry 10 by default
    expect(wait("wget --tries=0 http://x")).toMatchObject({ seconds: Infinity });
    expect(wait("wget -T 4 http://x")).toMatchObject({ seconds: 4 });
  });

  it("reads the wait tools' timeouts and defaults, 0 as no timeout, and not the options of the command they start", () => {
    expect(wait("dockerize -wait tcp://db:5432 -timeout 20m")).toMatchObject({ seconds: 1200 });
    expect(wait("dockerize -wait tcp://db:5432")).toMatchObject({ seconds: 10 });
    expect(wait("dockerize -template a:b")).toBeUndefined(); // no -wait: nothing to wait for
    expect(wait("/opt/wait-for-it.sh db:5432 -t 400 -- ./start")).toMatchObject({ seconds: 400 });
    expect(wait("wait-for-it.sh db:5432 -- sleep -t 400")).toMatchObject({ seconds: 15 });
    expect(wait("wait-for db:5432 --timeout=0")).toMatchObject({ seconds: Infinity });
    expect(wait("wait4x tcp db:5432 --timeout 7m")).toMatchObject({ seconds: 420 });
  });
});

describe("loop bounds", () => {
  it("reads a counter tested beside the awaited command only where it ends the loop by itself", () => {
    expect(budget('n=0\nuntil pg_isready || [ "$n" -ge 60 ]; do n=$((n+1)); sleep 10; done').seconds).toBe(600);
    expect(budget('n=0\nwhile ! pg_isready && [ "$n" -lt 30 ]; do n=$((n+1)); sleep 10; done').seconds).toBe(300);
    expect(budget('n=0\nuntil pg_isready && [ "$n" -ge 60 ]; do n=$((n+1)); sleep 10; done').seconds).toBe(0);
    expect(budget('n=0\nwhile ! pg_isready || [ "$n" -lt 60 ]; do n=$((n+1)); sleep 10; done').seconds).toBe(0);
  });

  it("reads $SECONDS deadlines as the rest of the deadline after what ran before", () => {
    expect(budget('while [ "$SECONDS" -lt 900 ]; do pg_isready && exit 0; sleep 5; done')).toEqual({ seconds: 900, text: "`while [ $SECONDS -lt 900 ]` loop (900 s after the shell started)" });
    expect(budget("sleep 100\nuntil (( SECONDS >= 600 )); do sleep 5; done").seconds).toBe(600);
    expect(budget("end=$((SECONDS + 300))\nuntil curl -fs x; do [ $SECONDS -gt $end ] && exit 1; sleep 5; done").seconds).toBe(301);
    expect(budget("sleep 1000\nwhile [ $SECONDS -lt 900 ]; do sleep 5; done").seconds).toBe(1000);
  });

  it("counts a while read loop once per line seq feeds it, and literal word lists", () => {
    expect(budget("seq 1 30 | while read -r i; do sleep 20; done").seconds).toBe(600);
    expect(budget("while read i; do sleep 20; done < <(seq 5 2 15)").seconds).toBe(120);
    expect(budget("cat /hosts | while read h; do sleep 20; done").seconds).toBe(0);
    expect(budget("for i in 1 2 3 4 5 6 7 8 9 10; do sleep 30; done").seconds).toBe(300);
  });
});

const hookJob = (name: string, container: string, labels = ""): string =>
  [
    "# Source: platform/templates/hook.yaml",
    "apiVersion: batch/v1",
    "kind: Job",
    "metadata:",
    `  name: ${name}`,
    ...(labels ? ["  labels:", `    ${labels}`] : []),
    "  annotations:",
    "    helm.sh/hook: pre-install",
    "spec:",
    "  backoffLimit: 0",
    "  template:",
    "    spec:",
    "      restartPolicy: Never",
    "      containers:",
    "        - name: run",
    "          image: alpine/k8s:1.31.4",
    container,
    "",
  ].join("\n");

describe("hook-budget-exceeds-timeout end to end on the new shapes", () => {
  it("reports an exec-form kubectl wait at the command, with the arithmetic", async () => {
    const report = await lintJson(["-"], { stdin: hookJob("wait-db", "          command: [kubectl, wait, --for=condition=Ready, pod/db-0, --timeout=20m]") });
    expect(report.findings.map((f) => [f.ruleId, f.severity, f.object?.name, f.file, f.line, f.column])).toEqual([["hook-budget-exceeds-timeout", "error", "wait-db", "<stdin>", 16, 21]]);
    expect(report.findings[0]!.message).toBe(
      'Job "wait-db": hook can wait kubectl wait --timeout 1200 s = 1200 s ≥ release timeout 5m = 300 s (Helm\'s default); cut the wait below 300 s or raise the timeout above 1200 s',
    );
  });

  it("reports a timeout wrapper at its duration", async () => {
    const container = '          command: ["timeout", "900", "sh", "-c", "until curl -fs http://db; do sleep 5; done"]';
    const report = await lintJson(["-"], { stdin: hookJob("poll", container) });
    expect(report.findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([["hook-budget-exceeds-timeout", 16, 32]]);
    expect(report.findings[0]!.message).toBe(
      'Job "poll": hook can wait timeout 900 s (cutting `until curl …` loop with no exit bound, sleep 5 s per iteration) = 900 s ≥ release timeout 5m = 300 s (Helm\'s default); cut the wait below 300 s or raise the timeout above 900 s',
    );
  });

  const releases = [
    "---",
    "apiVersion: helm.toolkit.fluxcd.io/v2",
    "kind: HelmRelease",
    "metadata: {name: slow, namespace: flux-system}",
    "spec: {interval: 5m, timeout: 30m, chart: {spec: {chart: platform, sourceRef: {kind: HelmRepository, name: r}}}}",
    "---",
    "apiVersion: helm.toolkit.fluxcd.io/v2",
    "kind: HelmRelease",
    "metadata: {name: fast, namespace: flux-system}",
    "spec: {interval: 5m, timeout: 5m, chart: {spec: {chart: platform, sourceRef: {kind: HelmRepository, name: r}}}}",
    "",
  ].join("\n");
  const sleeper = "          command: [sleep, \"600\"]";

  it("takes the timeout of the HelmRelease the hook's instance label names, and says how it matched", async () => {
    const slow = await lintJson(["-"], { stdin: `${hookJob("mint", sleeper, "app.kubernetes.io/instance: slow")}${releases}` });
    expect(slow.findings).toEqual([]);
    const fast = await lintJson(["-"], { stdin: `${hookJob("mint", sleeper, "app.kubernetes.io/instance: fast")}${releases}` });
    expect(fast.findings.map((f) => [f.ruleId, f.target?.name])).toEqual([["hook-budget-exceeds-timeout", "fast"]]);
    expect(fast.findings[0]!.message).toContain('install timeout 5m = 300 s via spec.timeout (HelmRelease flux-system/fast, matched by release name "fast" (label app.kubernetes.io/instance));');
  });

  it("holds a hook no label ties to one release to the shortest timeout, and says so", async () => {
    const report = await lintJson(["-"], { stdin: `${hookJob("mint", sleeper)}${releases}` });
    expect(report.findings.map((f) => [f.ruleId, f.target?.name])).toEqual([["hook-budget-exceeds-timeout", "fast"]]);
    expect(report.findings[0]!.message).toBe(
      'Job "mint": hook can wait sleep 600 s = 600 s ≥ install timeout 5m = 300 s via spec.timeout (HelmRelease flux-system/fast; which of 2 HelmReleases of chart "platform" delivers this hook is not known (also flux-system/slow), so the shortest timeout applies); cut the wait below 300 s or raise the timeout above 600 s',
    );
  });
});
