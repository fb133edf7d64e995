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
    const release = (timeouts: string) =>
      `---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: rel\n  namespace: flux-system\nspec:\n  interval: 5m\n  chart:\n    spec:\n      chart: platform\n      sourceRef: {kind: HelmRepository, name: r}\n${timeouts}`;
    const message = async (timeouts: string) =>
      (await lintJson(["-"], { stdin: job + release(timeouts) })).findings.find((f) => f.ruleId === "hook-budget-exceeds-timeout")!.message;

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
