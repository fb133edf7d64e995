import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { replicasOf, rollingUpdateBudgetOf } from "../src/model/deployment-rollout.js";
import { parseIacInvocation } from "../src/model/iac-commands.js";
import { containerEnvironmentOf, expandKubernetesVars, type EnvValue } from "../src/model/kubernetes-var-expansion.js";
import type { K8sObject } from "../src/model/objects.js";
import { probeFailureBudgetOf } from "../src/model/probe-failure-budget.js";
import { probeHandlerOf } from "../src/model/probe-handlers.js";
import { shellParser } from "../src/shell/parser.js";
import { shellScriptOf, simpleCommandsOf } from "../src/shell/simple-commands.js";
import { isPathSegmentPrefix, normalizeAbsolutePath } from "../src/model/volume-storage.js";

const known = (value: string): EnvValue => ({ known: true, value });

describe("expandKubernetesVars (kubelet $(VAR) semantics)", () => {
  const vars = new Map<string, EnvValue>([["ROOT", known("/data")], ["SECRET", { known: false }]]);
  const lookup = (name: string): EnvValue | undefined => vars.get(name);

  it("expands defined references, keeps undefined ones literal, unescapes $$", () => {
    expect(expandKubernetesVars("$(ROOT)/tofu", lookup)).toBe("/data/tofu");
    expect(expandKubernetesVars("$(MISSING)/tofu", lookup)).toBe("$(MISSING)/tofu");
    expect(expandKubernetesVars("$$(ROOT)/x", lookup)).toBe("$(ROOT)/x");
    expect(expandKubernetesVars("$$$(ROOT)", lookup)).toBe("$/data");
    expect(expandKubernetesVars("a$b$", lookup)).toBe("a$b$");
    expect(expandKubernetesVars("$(ROOT", lookup)).toBe("$(ROOT");
    expect(expandKubernetesVars("$(ROOT $$x $(ROOT", lookup)).toBe("$(ROOT $x $(ROOT"); // the kubelet reads on after an unclosed `$(`
  });

  it("returns undefined when the result depends on a runtime-only value", () => {
    expect(expandKubernetesVars("/tmp/$(SECRET)", lookup)).toBeUndefined();
  });

  it("leaves text without references unchanged", () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes("$")), (s) => expandKubernetesVars(s, lookup) === s));
  });

  it("env entries see only earlier entries; envFrom makes unknown names runtime-only", () => {
    const env = containerEnvironmentOf({
      env: [
        { name: "A", value: "$(B)/x" },
        { name: "B", value: "/b" },
        { name: "C", value: "$(B)/y" },
      ],
    });
    expect(env.vars.get("A")).toEqual(known("$(B)/x"));
    expect(env.vars.get("C")).toEqual(known("/b/y"));
    const withEnvFrom = containerEnvironmentOf({ envFrom: [{ configMapRef: { name: "x" } }], env: [{ name: "A", value: "$(FROM_CM)/x" }] });
    expect(withEnvFrom.vars.get("A")).toEqual({ known: false });
  });
});

describe("path segments", () => {
  it("a mount covers a path only by whole segments", () => {
    expect(isPathSegmentPrefix("/var/lib/app", "/var/lib/app")).toBe(true);
    expect(isPathSegmentPrefix("/var/lib/app", "/var/lib/app/tofu")).toBe(true);
    expect(isPathSegmentPrefix("/var/lib/app", "/var/lib/application")).toBe(false);
    expect(isPathSegmentPrefix("/", "/anything")).toBe(true);
    expect(normalizeAbsolutePath("/var//lib/./app/../app/")).toBe("/var/lib/app");
  });

  it("agrees with a segment-by-segment comparison", () => {
    const segment = fc.constantFrom("a", "ab", "b", "app", "application");
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.array(segment, { minLength: 1, maxLength: 4 }), (d, p) => {
        const bySegments = d.length <= p.length && d.every((s, i) => p[i] === s);
        return isPathSegmentPrefix(`/${d.join("/")}`, `/${p.join("/")}`) === bySegments;
      }),
    );
  });
});

describe("parseIacInvocation (tofu/terraform CLI syntax)", () => {
  it("reads -chdir= only before the subcommand and -state in both Go flag forms", () => {
    const a = parseIacInvocation(["tofu", "-chdir=/w", "apply", "-state", "/s.tfstate", "--state-out=/o.tfstate"]);
    expect(a?.chdir?.value).toBe("/w");
    expect(a?.subcommand).toBe("apply");
    expect(a?.stateFiles.map((s) => s.value)).toEqual(["/s.tfstate", "/o.tfstate"]);
    expect(parseIacInvocation(["terraform", "apply", "-chdir=/w"])?.chdir).toBeUndefined();
    expect(parseIacInvocation(["tofu", "-chdir", "/w", "apply"])?.chdir).toBeUndefined();
  });

  it("ignores other binaries and read-only subcommands, unwraps exec", () => {
    expect(parseIacInvocation(["terragrunt", "apply"])).toBeUndefined();
    expect(parseIacInvocation(["tofu", "fmt"])).toBeUndefined();
    expect(parseIacInvocation(["terraform", "-version"])).toBeUndefined();
    expect(parseIacInvocation(["exec", "/usr/bin/terraform", "apply"])?.binary).toBe("terraform");
  });
});

describe("shell scripts (mvdan-sh)", () => {
  it("finds the script of sh -c and bash -ec", () => {
    expect(shellScriptOf(["/bin/sh", "-c", "x"])?.script).toBe("x");
    expect(shellScriptOf(["bash", "-ec", "y"])?.index).toBe(2);
    expect(shellScriptOf(["python", "-c", "z"])).toBeUndefined();
  });

  it("evaluates words statically: quotes, env, script assignments; dynamic words are undefined", () => {
    const commands = simpleCommandsOf(shellParser().parse('D=/w; export E="$D/e"; tofu -chdir="$D" apply; cd $(mktemp -d); echo ${X:-y} $HOME'), (n) => (n === "HOME" ? "/root" : undefined));
    expect(commands.map((c) => c.words)).toEqual([
      ["tofu", "-chdir=/w", "apply"],
      ["cd", undefined],
      ["mktemp", "-d"],
      ["echo", undefined, "/root"],
    ]);
  });

  it("the shared parser returns undefined for a script that does not parse", () => {
    expect(shellParser().parse("if then fi (")).toBeUndefined();
  });
});

describe("rollingUpdateBudgetOf (API defaults and rounding)", () => {
  const deployment = (spec: Record<string, unknown>): K8sObject =>
    ({ kind: "Deployment", apiVersion: "apps/v1", name: "d", body: { spec }, basePath: [], labels: {}, annotations: {} }) as unknown as K8sObject;

  it("defaults to 25%/25%: surge rounds up, unavailable rounds down", () => {
    expect(rollingUpdateBudgetOf(deployment({}))).toMatchObject({ replicas: 1, surgePods: 1, unavailablePods: 0, maxSurge: "25%", maxUnavailable: "25%" });
    expect(rollingUpdateBudgetOf(deployment({ replicas: 4 }))).toMatchObject({ surgePods: 1, unavailablePods: 1 });
    expect(rollingUpdateBudgetOf(deployment({ replicas: 10, strategy: { rollingUpdate: { maxSurge: "15%", maxUnavailable: "15%" } } }))).toMatchObject({ surgePods: 2, unavailablePods: 1 });
  });

  it("allows one unavailable Pod when both resolve to 0; Recreate and invalid values have no budget", () => {
    expect(rollingUpdateBudgetOf(deployment({ strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }))).toMatchObject({ surgePods: 0, unavailablePods: 1 });
    expect(rollingUpdateBudgetOf(deployment({ strategy: { type: "Recreate" } }))).toBeUndefined();
    expect(rollingUpdateBudgetOf(deployment({ strategy: { rollingUpdate: { maxSurge: "1" } } }))).toBeUndefined();
  });
});

describe("replicasOf", () => {
  const deployment = (spec: Record<string, unknown>): K8sObject => ({ kind: "Deployment", body: { spec } }) as unknown as K8sObject;

  it("defaults to 1, keeps 0, and is unknown for anything but a non-negative integer", () => {
    expect(replicasOf(deployment({}))).toBe(1);
    expect(replicasOf(deployment({ replicas: 0 }))).toBe(0);
    expect(replicasOf(deployment({ replicas: 4 }))).toBe(4);
    expect(replicasOf(deployment({ replicas: "2" }))).toBeUndefined();
    expect(replicasOf(deployment({ replicas: -1 }))).toBeUndefined();
  });
});

describe("probeFailureBudgetOf (core/v1 probe defaults)", () => {
  it("is failureThreshold × periodSeconds, absent or 0 meaning 3 and 10", () => {
    expect(probeFailureBudgetOf({})).toEqual({ failureThreshold: 3, periodSeconds: 10, seconds: 30 });
    expect(probeFailureBudgetOf({ failureThreshold: 0, periodSeconds: 0 })?.seconds).toBe(30);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 300 }), (failureThreshold, periodSeconds) =>
        probeFailureBudgetOf({ failureThreshold, periodSeconds, timeoutSeconds: 5 })?.seconds === failureThreshold * periodSeconds),
    );
  });

  it("is unknown for values that are not integers", () => {
    expect(probeFailureBudgetOf({ failureThreshold: "3" })).toBeUndefined();
    expect(probeFailureBudgetOf({ periodSeconds: 2.5 })).toBeUndefined();
    expect(probeFailureBudgetOf(undefined)).toBeUndefined();
  });
});

describe("probeHandlerOf (message form)", () => {
  const container = { ports: [{ name: "http", containerPort: 8080 }] };

  it("shows httpGet without an empty host or the default scheme, ports as written", () => {
    const named = probeHandlerOf({ httpGet: { path: "/healthz", port: "http" } }, container)!;
    const numbered = probeHandlerOf({ httpGet: { path: "/healthz", port: 8080 } }, container)!;
    expect(named.shown).toBe("httpGet :http/healthz");
    expect(numbered.shown).toBe("httpGet :8080/healthz");
    expect(named.key).toBe(numbered.key);
    expect(probeHandlerOf({ httpGet: { host: "10.0.0.1", port: 8443, scheme: "HTTPS" } }, container)!.shown).toBe("httpGet HTTPS 10.0.0.1:8443/");
  });

  it("shows an exec command on one line, cut with an ellipsis past 60 characters", () => {
    const script = "export KEY=$(cat /secret)\n. /opt/env.sh && celery -A app.tasks inspect ping -d celery@$HOSTNAME\n";
    const shown = probeHandlerOf({ exec: { command: ["/bin/bash", "-ec", script] } }, container)!.shown;
    expect(shown.startsWith("exec /bin/bash -ec 'export KEY=$(cat /secret) . /opt/env.sh")).toBe(true);
    expect(shown.endsWith("…")).toBe(true);
    expect(shown.length).toBe("exec ".length + 60);
    expect(probeHandlerOf({ exec: { command: ["pg_isready", "-h", "db"] } }, container)!.shown).toBe("exec pg_isready -h db");
    // a word holding single quotes is double-quoted, so the shown command reads back as one word
    expect(probeHandlerOf({ exec: { command: ["sh", "-c", "psql -c 'select 1'"] } }, container)!.shown).toBe(`exec sh -c "psql -c 'select 1'"`);
  });
});
