import { defineRule } from "../src/engine/rule.js";
import { describe } from "../src/model/objects.js";
import { probeFailureBudgetOf, type ProbeFailureBudget } from "../src/model/probe-failure-budget.js";
import { isProcessLevelCheck, probeHandlerOf, type ProbeHandler } from "../src/model/probe-handlers.js";
import { containersOf, isLongLived, podSpecOf } from "../src/model/pod-spec.js";
import type { ScriptRead } from "../src/shell/shell-scripts.js";
import { dependencySignalOf } from "../src/model/probe-dependency.js";
import { containerEnvironmentOf, envLookup } from "../src/model/kubernetes-var-expansion.js";

export default defineRule({
  meta: {
    id: "liveness-equals-readiness",
    description:
      "A container whose liveness probe runs the same check as its readiness probe: a warning when liveness gives up no later than readiness and the check shows it may depend on another service, advice otherwise.",
    rationale:
      "Readiness decides whether a Pod receives traffic; liveness decides whether the kubelet restarts it. The " +
      "same check for both is fine in itself: Kubernetes' guide (\"Configure Liveness, Readiness and Startup " +
      "Probes\") recommends the same cheap endpoint with a higher liveness `failureThreshold`, so that a failing Pod " +
      "is first taken out of the Service and restarted only if it stays broken. The harm is a check that also " +
      "fails when a dependency is down (a database, a broker, a cache sync, a peer): it fails in every replica at " +
      "once, and liveness restarts them all together, again and again while the outage lasts. When the liveness " +
      "budget is no longer than the readiness budget, there is no window in which the Pod is merely out of " +
      "rotation. In the incident (#530) the informer-sync check drove both probes; the Pod was killed every ~33 s " +
      "while it waited for a kubeconfig that could only arrive through its own Service, which had no ready " +
      "endpoints: a deadlock.\n\n" +
      "A probe's budget is `failureThreshold` × `periodSeconds` (defaults 3 and 10 s). When liveness outlasts " +
      "readiness (the docs' advice) the Pod leaves the Service first: that is reported (info) only when the probe shows the " +
      "check may depend on another service (below), since an outage of it still restarts every replica, later. When the liveness budget " +
      "is ≤ the readiness budget, the finding is a warning only if the probe shows that the check may depend on " +
      "another service: a readiness endpoint (a path segment `ready`, `readyz` or `readiness`, such as `/ready`, " +
      "`/-/ready`, `/health/readiness`; Spring Boot's aggregate `/actuator/health`; a gRPC service named for " +
      "readiness), a check that contacts another host (httpGet or tcpSocket `host`; an exec command with a URL or " +
      "`-h`/`--host` naming a host other than localhost, variables resolved from the container's env; `celery … " +
      "inspect`, which goes through the broker), or a readiness probe that tolerates more than liveness (more " +
      "seconds or more failures: its author expects the check to fail for a while). Otherwise it is info: most " +
      "shared checks in public charts (exporters' `/healthz`, `/` or `/-/healthy`, `helm create`'s `/`) answer " +
      "as long as the process serves, and restarting a process that stopped serving is what liveness is for. " +
      "`timeoutSeconds` is not counted: it bounds one attempt, and the " +
      "kubelet still starts one attempt per period unless the timeout is longer. Handlers are compared as the " +
      "kubelet runs them (httpGet scheme, host, port — named ports resolved — path and headers; exec command; " +
      "grpc port and service). Not reported: process-level checks that cannot fail because a dependency is down " +
      "(`tcpSocket`; exec probes that only run `pgrep`/`pidof`, also inside `sh -c`), different paths or ports, a " +
      "container with only one of the two probes, a startup probe equal to the readiness probe (startup probes " +
      "stop after the first success), timing fields that are not integers (templated), and Jobs, CronJobs and " +
      "bare Pods (no rollout behind a Service; only Deployments, StatefulSets, DaemonSets and Argo Rollouts are " +
      "checked). A `sh -c` script that is not parsed (it does not parse, or is over one of the `limits.shell*` " +
      "limits) is not recognised as a `pgrep`/`pidof` check, nor read for the hosts it contacts: the probes are " +
      "compared as written.",
    remediation:
      "Give liveness a check that does not depend on other services (its own path such as `/livez`, a lighter " +
      "command, its own gRPC service name) and keep dependency checks in readiness (`/readyz`). If the shared " +
      "check is cheap and only fails when the process itself is broken, keep it and raise the liveness " +
      "`failureThreshold` until its budget is longer than readiness's. With no process-level check at all, use a " +
      "`tcpSocket` liveness probe on the port, or drop the liveness probe.",
    defaultSeverity: "warning",
    example: {
      bad:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n" +
        "          livenessProbe:\n            httpGet:\n              path: /readyz\n              port: 8080\n" +
        "          readinessProbe:\n            httpGet:\n              path: /readyz\n              port: 8080\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n" +
        "          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: 8080\n" +
        "          readinessProbe:\n            httpGet:\n              path: /readyz\n              port: 8080\n",
    },
    tags: ["probes", "availability"],
    precision: "medium",
  },
  check({ set, shell, report }) {
    for (const object of set.objects) {
      if (!isLongLived(object)) continue;
      const pod = podSpecOf(object);
      if (!pod) continue;
      for (const container of containersOf(pod)) {
        const { livenessProbe, readinessProbe } = container.container;
        const liveness = probeHandlerOf(livenessProbe, container.container);
        const readiness = probeHandlerOf(readinessProbe, container.container);
        if (!liveness || !readiness || liveness.key !== readiness.key) continue;
        const livenessBudget = probeFailureBudgetOf(livenessProbe);
        const readinessBudget = probeFailureBudgetOf(readinessProbe);
        if (!livenessBudget || !readinessBudget) continue;
        const read = (script: string): ScriptRead => shell.read(script);
        if (isProcessLevelCheck(liveness, read)) continue;
        const subject = `${describe(object)} container "${container.name}": liveness and readiness probes run the same check (${liveness.shown})`;
        const at = [...container.path, "livenessProbe"];
        const lookup = envLookup(containerEnvironmentOf(container.container));
        const signal = dependencySignalOf(liveness, livenessBudget, readinessBudget, read, (name) => {
          const value = lookup(name);
          return value?.known ? value.value : undefined;
        });
        // Kubernetes' "Configure Liveness, Readiness and Startup Probes" recommends the same endpoint with the longer
        // liveness budget: the Pod leaves the Service first. That only delays the restart when the check depends on
        // another service: advice then, and nothing to say when nothing shows it does.
        if (livenessBudget.seconds > readinessBudget.seconds) {
          if (!signal) continue;
          report({
            object,
            path: at,
            severity: "info",
            message: `${subject}; liveness outlasts readiness (${livenessBudget.seconds} s > ${readinessBudget.seconds} s), but ${signal}, so an outage of that service still restarts every replica once it lasts ${livenessBudget.seconds} s; ${lighterCheck(liveness)}`,
          });
          continue;
        }
        const arithmetic = `(${livenessBudget.failureThreshold} × ${livenessBudget.periodSeconds} s = ${livenessBudget.seconds} s ≤ ${readinessBudget.seconds} s)`;
        // Without a sign that the check depends on another service it is most likely the process's own health
        // (an exporter's /healthz, helm create's /): then restarting when it fails is what liveness is for.
        report({
          object,
          path: at,
          ...(signal ? {} : { severity: "info" as const }),
          message: signal
            ? `${subject} and liveness gives up no later ${arithmetic}; ${signal}, so the check may depend on another service and an outage restarts every replica: ` +
              fixFor(liveness, livenessBudget, readinessBudget)
            : `${subject} and liveness gives up no later ${arithmetic}; nothing shows the check depends on another service, but if it does an outage restarts every replica: ` +
              fixFor(liveness, livenessBudget, readinessBudget),
        });
      }
    }
  },
});

/** What to change, for this kind of check: a liveness check of its own, or the smallest liveness failureThreshold that outlasts readiness. */
function fixFor(handler: ProbeHandler, liveness: ProbeFailureBudget, readiness: ProbeFailureBudget): string {
  const threshold = Math.floor(readiness.seconds / liveness.periodSeconds) + 1;
  return `${lighterCheck(handler)}, or failureThreshold ≥ ${threshold} if the check is process-level`;
}

function lighterCheck(handler: ProbeHandler): string {
  const own = handler.type === "httpGet" ? "its own path" : handler.type === "grpc" ? "its own service" : "a lighter command";
  return `give liveness ${own}`;
}
