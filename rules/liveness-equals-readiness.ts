import { defineRule } from "../src/engine/rule.js";
import { describe } from "../src/model/objects.js";
import { isProcessLevelCheck, probeHandlerOf } from "../src/model/probe-handlers.js";
import { containersOf, isLongLived, podSpecOf } from "../src/model/pod-spec.js";
import { ShellParseBudget } from "../src/model/shell/parse-budget.js";

export default defineRule({
  meta: {
    id: "liveness-equals-readiness",
    description: "A container whose liveness probe performs the same check as its readiness probe.",
    rationale:
      "Readiness decides whether a Pod receives traffic; liveness decides whether the kubelet kills it. When both " +
      "run the same check, anything that should only take the Pod out of rotation restarts it instead: a health " +
      "endpoint that also checks a database, a cache sync or a peer fails during a dependency outage, and every " +
      "replica is restarted at once, repeatedly. In the incident (#530) the informer-sync check drove both probes; " +
      "the Pod was killed every ~33 s while it waited for a kubeconfig that could only arrive through its own " +
      "Service, which had no ready endpoints: a deadlock.\n\n" +
      "Only the handler is compared (httpGet scheme, host, port — named ports resolved — path and headers; exec " +
      "command; grpc port and service), not the timing fields: a longer `failureThreshold` delays the restart " +
      "loop but does not break it. Not reported: process-level checks that cannot fail because a dependency is " +
      "down (`tcpSocket`; exec probes that only run `pgrep`/`pidof`, also inside `sh -c`), different paths or " +
      "ports, a container with only one of the two probes, a startup probe equal to the readiness probe (startup " +
      "probes stop after the first success), and Jobs, CronJobs and bare Pods (no rollout behind a Service; only " +
      "Deployments, StatefulSets, DaemonSets and Argo Rollouts are checked). A `sh -c` script that is not parsed " +
      "(it does not parse, or is over `limits.shellMaxScriptLength` / past its file's `limits.shellFileBudgetMs`) " +
      "is not recognised as a `pgrep`/`pidof` check: the probes are compared as written.",
    remediation:
      "Give liveness its own process-level check (\"is the process serving at all?\", e.g. `/healthz` or `/livez`) " +
      "and keep dependency checks in readiness (`/readyz`). If the application has no such endpoint, use a " +
      "`tcpSocket` liveness probe on its port, or drop the liveness probe.",
    defaultSeverity: "warning",
    example: {
      bad:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n" +
        "          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: 8080\n" +
        "          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: 8080\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n" +
        "          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: 8080\n" +
        "          readinessProbe:\n            httpGet:\n              path: /readyz\n              port: 8080\n",
    },
    tags: ["probes", "availability"],
    precision: "medium",
  },
  check({ set, settings, report }) {
    const shell = new ShellParseBudget(settings.shellLimits);
    for (const object of set.objects) {
      if (!isLongLived(object)) continue;
      const pod = podSpecOf(object);
      if (!pod) continue;
      for (const container of containersOf(pod)) {
        const liveness = probeHandlerOf(container.container.livenessProbe, container.container);
        const readiness = probeHandlerOf(container.container.readinessProbe, container.container);
        if (!liveness || !readiness || liveness.key !== readiness.key || isProcessLevelCheck(liveness, (script) => shell.parse(object.source.file, script))) continue;
        report({
          object,
          path: [...container.path, "livenessProbe"],
          message:
            `${describe(object)} container "${container.name}" uses the same check for liveness and readiness (${liveness.shown}): ` +
            `when it fails because a dependency is down, the kubelet restarts the container instead of only taking it out of the Service, ` +
            `and all replicas restart together. Point livenessProbe at a process-level check (e.g. /livez) and keep dependency checks in readinessProbe.`,
        });
      }
    }
  },
});
