import { describe, expect, it } from "vitest";
import { lintJson, runCli, type JsonFinding, type JsonReport } from "./support/cli.js";

const findingsOf = async (yaml: string, ruleId: string): Promise<JsonFinding[]> =>
  (JSON.parse((await runCli(["-", "-f", "json"], { stdin: yaml })).stdout) as JsonReport).findings.filter((f) => f.ruleId === ruleId);

describe("liveness-equals-readiness compares failure budgets", () => {
  interface Timing {
    failureThreshold: number;
    periodSeconds: number;
  }
  const probe = (handler: string, t: Timing): string =>
    `            ${handler}\n            failureThreshold: ${t.failureThreshold}\n            periodSeconds: ${t.periodSeconds}\n`;
  const deployment = (handler: string, pairs: Array<[string, Timing, Timing]>): string =>
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n" +
    pairs
      .map(([name, liveness, readiness]) =>
        `        - name: ${name}\n          image: api:1\n          livenessProbe:\n${probe(handler, liveness)}          readinessProbe:\n${probe(handler, readiness)}`)
      .join("");
  const http = "httpGet: {path: /healthz, port: 8080}";

  it("reports every identical check liveness does not outlast; a warning only when readiness tolerates more", async () => {
    const values = [1, 2, 3, 5];
    const pairs: Array<[string, Timing, Timing]> = [];
    for (const lf of values) for (const lp of values) for (const rf of values) for (const rp of values)
      pairs.push([`c-${lf}-${lp}-${rf}-${rp}`, { failureThreshold: lf, periodSeconds: lp }, { failureThreshold: rf, periodSeconds: rp }]);
    const findings = await findingsOf(deployment(http, pairs), "liveness-equals-readiness");
    const containerOf = (f: JsonFinding): string => /container "([^"]+)"/.exec(f.message)![1]!;
    // /healthz says nothing about other services: only a readiness probe written to tolerate more (seconds or
    // failures) than liveness shows that its author expects the check to fail for a while. A longer liveness budget
    // (Kubernetes' advice) takes the Pod out of the Service before the restart: said (info) only with that sign.
    const budget = (t: Timing): number => t.failureThreshold * t.periodSeconds;
    const outlasting = ([, l, r]: [string, Timing, Timing]): boolean => budget(l) > budget(r);
    const signalled = ([, l, r]: [string, Timing, Timing]): boolean => budget(r) > budget(l) || r.failureThreshold > l.failureThreshold;
    expect(pairs.filter((pair) => outlasting(pair) && !signalled(pair)).length).toBeGreaterThan(0);
    expect(findings.map(containerOf).sort()).toEqual(pairs.filter((pair) => !outlasting(pair) || signalled(pair)).map(([name]) => name).sort());
    for (const finding of findings) {
      const [, lf, lp, rf, rp] = containerOf(finding).split("-").map(Number);
      const outlasts = lf! * lp! > rf! * rp!;
      const tolerant = rf! * rp! > lf! * lp! || rf! > lf!;
      expect(finding.severity, containerOf(finding)).toBe(!outlasts && tolerant ? "warning" : "info");
      expect(finding.message).toContain(outlasts ? `liveness outlasts readiness (${lf! * lp!} s > ${rf! * rp!} s)` : `= ${lf! * lp!} s ≤ ${rf! * rp!} s)`);
    }
  });

  it("keeps the incident a warning: readiness tolerates more than liveness, which gives up no later", async () => {
    const liveness = { failureThreshold: 3, periodSeconds: 10 };
    const cases: Array<[Timing, string]> = [
      [{ failureThreshold: 6, periodSeconds: 5 }, "readiness tolerates more failures (6 > 3)"],
      [{ failureThreshold: 6, periodSeconds: 10 }, "readiness waits longer (60 s > 30 s)"],
      [{ failureThreshold: 3, periodSeconds: 20 }, "readiness waits longer (60 s > 30 s)"],
    ];
    for (const [readiness, why] of cases) {
      const [finding] = await findingsOf(deployment(http, [["api", liveness, readiness]]), "liveness-equals-readiness");
      expect([finding!.severity, finding!.message]).toEqual([
        "warning",
        `Deployment "api" container "api": liveness and readiness probes run the same check (httpGet :8080/healthz) and liveness gives up no later ` +
          `(3 × 10 s = 30 s ≤ ${readiness.failureThreshold * readiness.periodSeconds} s); ${why}, so the check may depend on another service and an outage ` +
          `restarts every replica: give liveness its own path, or failureThreshold ≥ ${Math.floor((readiness.failureThreshold * readiness.periodSeconds) / 10) + 1} if the check is process-level`,
      ]);
    }
  });

  it("makes the same check with the same timing info: nothing shows it depends on another service", async () => {
    const same = { failureThreshold: 3, periodSeconds: 10 };
    const [finding] = await findingsOf(deployment(http, [["api", same, same]]), "liveness-equals-readiness");
    expect([finding!.severity, finding!.message]).toEqual([
      "info",
      'Deployment "api" container "api": liveness and readiness probes run the same check (httpGet :8080/healthz) and liveness gives up no later (3 × 10 s = 30 s ≤ 30 s); ' +
        "nothing shows the check depends on another service, but if it does an outage restarts every replica: give liveness its own path, or failureThreshold ≥ 4 if the check is process-level",
    ]);
  });

  it.each([
    ["httpGet: {path: /ready, port: 3100}", "path /ready names a readiness check"],
    ["httpGet: {path: /-/ready, port: 9090}", "path /-/ready names a readiness check"],
    ["httpGet: {path: /api/health/readiness?full=1, port: 8080}", "path /api/health/readiness names a readiness check"],
    ["httpGet: {path: /actuator/health, port: 8080}", "path /actuator/health is Spring Boot's aggregate health, which includes its dependencies"],
    ["grpc: {port: 9090, service: readiness}", "gRPC service readiness names a readiness check"],
    ["httpGet: {host: auth.example.org, path: /healthz, port: 443}", "it connects to host auth.example.org"],
    ['exec: {command: ["curl", "-fsS", "http://keycloak:8080/health"]}', "it contacts host keycloak"],
    ['exec: {command: ["sh", "-c", "mysqladmin ping --host=$DB_HOST"]}', "it contacts host mariadb"],
    ['exec: {command: ["/bin/bash", "-ec", "redis-cli -h \\"$REDIS\\" ping | grep -q PONG"]}', "it contacts host redis-master"],
  ])("warns on %s: %s", async (handler, why) => {
    const same = { failureThreshold: 3, periodSeconds: 10 };
    const yaml = deployment(handler, [["api", same, same]]).replace(
      "          image: api:1\n",
      "          image: api:1\n          env:\n            - {name: DB_HOST, value: mariadb}\n            - {name: REDIS, value: redis-master}\n",
    );
    const [finding] = await findingsOf(yaml, "liveness-equals-readiness");
    expect(finding!.severity).toBe("warning");
    expect(finding!.message).toContain(`; ${why}, so the check may depend on another service and an outage restarts every replica: `);
  });

  it.each([
    ["httpGet: {path: /healthz, port: 8080}"],
    ["httpGet: {path: /, port: http}"],
    ["httpGet: {path: /-/healthy, port: 9115}"],
    ["httpGet: {path: /actuator/health/liveness, port: 8080}"],
    ["httpGet: {host: 127.0.0.1, path: /already, port: 8080}"],
    ['exec: {command: ["curl", "-fsS", "http://localhost:8080/health"]}'],
    ['exec: {command: ["sh", "-c", "pg_isready -h 127.0.0.1 -p 5432"]}'],
    ['exec: {command: ["sh", "-c", "wget -qO- http://$(POD_IP):8080/health"]}'],
    ["grpc: {port: 9090}"],
  ])("keeps %s at info: a process-level check as far as the probe shows", async (handler) => {
    const same = { failureThreshold: 3, periodSeconds: 10 };
    const findings = await findingsOf(deployment(handler, [["api", same, same]]), "liveness-equals-readiness");
    expect(findings.map((f) => f.severity)).toEqual(["info"]);
  });

  it("grades the fixture's upstream shapes: warnings for /ready and another host, info for the scaffold and the exporter", async () => {
    const report = await lintJson(["fixtures/liveness-equals-readiness/dependency-signals-and-exporters.yaml"]);
    const graded = report.findings.filter((f) => f.ruleId === "liveness-equals-readiness").map((f) => [/container "([^"]+)"/.exec(f.message)![1], f.severity]);
    expect(graded).toEqual([
      ["ingester", "warning"],
      ["migrator-sidecar", "warning"],
      ["scaffold", "info"],
      ["exporter", "info"],
    ]);
  });

  it("shows the arithmetic, and the failureThreshold it suggests is the smallest that makes liveness outlast readiness (and the finding go)", async () => {
    const readiness = { failureThreshold: 3, periodSeconds: 10 };
    const [finding] = await findingsOf(deployment(http, [["api", { failureThreshold: 2, periodSeconds: 5 }, readiness]]), "liveness-equals-readiness");
    expect(finding!.message).toContain("(httpGet :8080/healthz)");
    expect(finding!.message).toContain("(2 × 5 s = 10 s ≤ 30 s)");
    const suggested = Number(/failureThreshold ≥ (\d+)/.exec(finding!.message)![1]);
    const verdictWith = async (failureThreshold: number): Promise<string[]> =>
      (await findingsOf(deployment(http, [["api", { failureThreshold, periodSeconds: 5 }, readiness]]), "liveness-equals-readiness")).map((f) =>
        f.message.includes("liveness outlasts readiness") ? "outlasts" : "gives up no later",
      );
    expect(await verdictWith(suggested)).toEqual([]);
    expect(await verdictWith(suggested - 1)).toEqual(["gives up no later"]);
  });

  it("suggests a fix that suits the kind of check", async () => {
    const same = { failureThreshold: 3, periodSeconds: 10 };
    const fixOf = async (handler: string): Promise<string> =>
      (await findingsOf(deployment(handler, [["api", same, same]]), "liveness-equals-readiness"))[0]!.message.split(": ").at(-1)!;
    // the fix is a check of the liveness probe's own, for either severity
    expect(await fixOf(http)).toMatch(/own path/);
    expect(await fixOf('exec: {command: ["pg_isready", "-h", "db"]}')).toMatch(/lighter command/);
    expect(await fixOf("grpc: {port: 9090}")).toMatch(/own service/);
  });
});

describe("rwo-volume-rolling-update tells shared replicas from a surging rollout", () => {
  const deployment = (accessMode: string, replicas: number, strategy: string): string =>
    `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [${accessMode}]\n` +
    "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n" +
    `  replicas: ${replicas}\n${strategy}  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n` +
    "      volumes:\n        - name: data\n          persistentVolumeClaim:\n            claimName: data\n";
  const noSurge = "  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 1\n";
  const lint = (yaml: string): Promise<JsonFinding[]> => findingsOf(yaml, "rwo-volume-rolling-update");

  it("one replica: the rollout diagnosis, which its own remedy silences", async () => {
    const [finding] = await lint(deployment("ReadWriteOnce", 1, ""));
    expect(finding!.severity).toBe("warning");
    expect(finding!.message).toContain("(maxSurge 25% → 1, maxUnavailable 25% → 0 of 1)");
    expect(finding!.message).toContain("maxSurge: 0, maxUnavailable: 1");
    expect(await lint(deployment("ReadWriteOnce", 1, noSurge))).toEqual([]);
  });

  it("several replicas: its own diagnosis, whatever the strategy, not silenced by the rollout remedy", async () => {
    for (const replicas of [2, 3, 4, 10]) {
      const findings = await lint(deployment("ReadWriteOnce", replicas, noSurge));
      expect(findings).toHaveLength(1);
      expect(findings[0]!.message).toContain(`${replicas} replicas share ReadWriteOnce PVC "data": only Pods on one node can mount it`);
      expect(findings[0]!.message).not.toContain("maxSurge");
    }
  });

  const hpa = (minReplicas: string, target = "kind: Deployment, name: api"): string =>
    `---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api-hpa\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, ${target}}\n${minReplicas}  maxReplicas: 8\n`;

  it("an HPA with minReplicas ≥ 2 makes the count known: the replicas share the claim, named with the HPA", async () => {
    for (const min of [2, 5]) {
      const yaml = deployment("ReadWriteOnce", 1, noSurge) + hpa(`  minReplicas: ${min}\n`);
      const findings = await lint(yaml);
      expect(findings.map((f) => [f.severity, f.line, f.target?.name, f.message])).toEqual([
        [
          "warning",
          yaml.split("\n").indexOf("            claimName: data") + 1,
          "data",
          `Deployment "api": HorizontalPodAutoscaler "api-hpa" keeps at least ${min} replicas (minReplicas), which share ReadWriteOnce PVC "data": ` +
            "only Pods on one node can mount it; use ReadWriteMany or a StatefulSet with volumeClaimTemplates",
        ],
      ]);
    }
    // spec.replicas above the HPA's minimum keeps its own count and wording.
    expect((await lint(deployment("ReadWriteOnce", 3, noSurge) + hpa("  minReplicas: 2\n")))[0]!.message).toContain('3 replicas share ReadWriteOnce PVC "data"');
  });

  it.each([
    ["minReplicas defaulted to 1", "", undefined],
    ["minReplicas: 1", "  minReplicas: 1\n", undefined],
    ["an HPA for a StatefulSet of that name", "  minReplicas: 2\n", "kind: StatefulSet, name: api"],
    ["an HPA for another Deployment", "  minReplicas: 2\n", "kind: Deployment, name: web"],
  ])("leaves the count at spec.replicas with %s", async (_name, minReplicas, target) => {
    expect(await lint(deployment("ReadWriteOnce", 1, noSurge) + hpa(minReplicas, target))).toEqual([]);
  });

  it("keeps the count at spec.replicas, and its wording, when it equals the HPA's minReplicas", async () => {
    const findings = await lint(deployment("ReadWriteOnce", 2, noSurge) + hpa("  minReplicas: 2\n"));
    expect(findings.map((f) => f.message)).toEqual([
      'Deployment "api": 2 replicas share ReadWriteOnce PVC "data": only Pods on one node can mount it; use ReadWriteMany, a StatefulSet with volumeClaimTemplates, or replicas: 1',
    ]);
  });

  // Only a non-empty nodeName or a kubernetes.io/hostname selector puts every Pod on one node, where ReadWriteOnce is shared.
  it.each([
    ["an empty nodeName", '      nodeName: ""\n'],
    ["a nodeSelector on another label", "      nodeSelector: {disktype: ssd}\n"],
  ])("is not pinned to one node by %s", async (_name, placement) => {
    const yaml = deployment("ReadWriteOnce", 1, "").replace("    spec:\n      containers:", `    spec:\n${placement}      containers:`);
    const findings = await lint(yaml);
    expect(findings.map((f) => [f.severity, f.line, f.column, f.object?.name, f.target?.name])).toEqual([
      ["warning", yaml.split("\n").indexOf("            claimName: data") + 1, 13, "api", "data"],
    ]);
    expect(findings[0]!.message).toContain('mounts ReadWriteOnce PVC "data" with a rollout that starts the new Pod before stopping the old');
    // The same Deployment on one named node is not reported.
    expect(await lint(deployment("ReadWriteOnce", 1, "").replace("    spec:\n      containers:", "    spec:\n      nodeName: node-a\n      containers:"))).toEqual([]);
  });

  it("ReadWriteOncePod is an error in both cases", async () => {
    const shared = await lint(deployment("ReadWriteOncePod", 2, noSurge));
    expect(shared.map((f) => f.severity)).toEqual(["error"]);
    expect(shared[0]!.message).toContain("only one Pod can mount it");
    expect((await lint(deployment("ReadWriteOncePod", 1, ""))).map((f) => f.severity)).toEqual(["error"]);
  });
});
