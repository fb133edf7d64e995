import { defineRule } from "../src/engine/rule.js";
import { configRefsOf, renderedConfig, type ConfigKind } from "../src/model/config-refs.js";
import { closestName } from "../src/util/closest-name.js";
import { describe } from "../src/model/objects.js";
import { pathIn, podSpecOf } from "../src/model/pod-spec.js";
import { RELOADER, reloadEntries, reloaderCoverage } from "../src/model/reloader.js";
import { reloaderInstances } from "../src/model/reloader-instances.js";

/** The annotations every finding of this rule is about. */
const RELOAD_KEYS = [RELOADER.reload("ConfigMap"), RELOADER.reload("Secret")];

export default defineRule({
  meta: {
    id: "reload-annotation-unmatched",
    description:
      "A `configmap|secret.reloader.stakater.com/reload` entry that is not a valid Go regular expression, names a referenced object of the other type, or matches none of the workload's references while a similar referenced name is left unwatched.",
    rationale:
      "Reloader compiles every comma-separated entry as the anchored Go regular expression `^entry$` and rolls " +
      "the workload only when a changed ConfigMap/Secret's name matches. An entry that differs from the " +
      "referenced name (the incident annotated `handover-jwt-public` but mounted `catalyst-handover-jwt-public`) " +
      "never fires, and the fix it was meant to be does nothing; so does a Secret's name under the `configmap.` key. " +
      "Entries are compiled as Go compiles them (re2js, a port of RE2: inline flags scoped to their group " +
      "or to the rest of the pattern, POSIX classes, no lookaround or backreferences), and the error is Go's own " +
      "text. An entry Go cannot compile makes Reloader up to v1.4.21 (`regexp.MustCompile` in " +
      "`pkg/common/common.go`) crash on every event; later versions log it and skip it. Entries unrelated to every reference are " +
      "not reported: Reloader still rolls the workload for them, which is how apps that read a ConfigMap through " +
      "the Kubernetes API ask for restarts.",
    remediation:
      "Write the exact object name (or a Go regular expression that matches it in full, such as `sovereign-.*`). " +
      "Go's regexp has no lookaround, backreferences, atomic groups or possessive quantifiers.",
    defaultSeverity: "warning",
    example: {
      bad:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  annotations:\n    secret.reloader.stakater.com/reload: handover-jwt-public\n" +
        "spec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n" +
        "      containers:\n        - name: api\n          image: api:1.0\n          volumeMounts:\n            - {name: jwt, mountPath: /etc/jwt}\n" +
        "      volumes:\n        - name: jwt\n          secret:\n            secretName: catalyst-handover-jwt-public\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  annotations:\n    secret.reloader.stakater.com/reload: catalyst-handover-jwt-public\n" +
        "spec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n" +
        "      containers:\n        - name: api\n          image: api:1.0\n          volumeMounts:\n            - {name: jwt, mountPath: /etc/jwt}\n" +
        "      volumes:\n        - name: jwt\n          secret:\n            secretName: catalyst-handover-jwt-public\n",
    },
    tags: ["reloader", "configmap", "secret"],
    precision: "high",
  },
  check({ set, report }) {
    const autoReloadAll = set.derived(reloaderInstances).some((i) => i.autoReloadAll);
    for (const workload of set.objects) {
      const pod = podSpecOf(workload);
      if (!pod) continue;
      if (!RELOAD_KEYS.some((key) => key in workload.annotations || key in pod.templateAnnotations)) continue;
      const refs = configRefsOf(pod);
      const places = [
        { annotations: workload.annotations, path: pathIn(workload, "metadata", "annotations") },
        { annotations: pod.templateAnnotations, path: [...pod.templateMetadataPath, "annotations"] },
      ];
      for (const kind of ["ConfigMap", "Secret"] as ConfigKind[]) {
        const key = RELOADER.reload(kind);
        const names = [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.name))];
        for (const place of places) {
          const value = place.annotations[key];
          if (value === undefined) continue;
          for (const entry of reloadEntries(value)) {
            if (entry.text === "") continue;
            if (entry.error !== undefined) {
              report({
                object: workload,
                path: [...place.path, key],
                severity: "error",
                message: `${describe(workload)}: ${key} entry "${entry.text}" is not a valid Go regular expression: ${entry.error}; write the plain name or an RE2 pattern`,
                remediation:
                  `Reloader up to v1.4.21 crashes on it, later versions skip it, so no ${kind} change rolls this ${workload.kind} through it. ` +
                  `Replace "${entry.text}" with the exact ${kind} name or a Go (RE2) regular expression; Go has no lookaround, ` +
                  `backreferences, atomic groups or possessive quantifiers.`,
              });
              continue;
            }
            if (names.some((n) => entry.regexp!.test(n))) continue;
            // Only a name nothing else makes Reloader watch can be the one this entry was meant for.
            const unwatched = (k: ConfigKind, n: string): boolean => {
              const rendered = renderedConfig(set, k, n, workload);
              return !reloaderCoverage(workload, k, n, rendered.available ?? rendered.unordered ?? rendered.hook, { autoReloadAll });
            };
            const other: ConfigKind = kind === "ConfigMap" ? "Secret" : "ConfigMap";
            // Only the exact name counts here: a pattern that happens to match the other type may well mean objects read through the API.
            const otherType = refs.find((r) => r.kind === other && r.name === entry.text && unwatched(other, r.name));
            if (otherType) {
              const right = RELOADER.reload(other);
              report({
                object: workload,
                path: [...place.path, key],
                target: { kind: other, name: otherType.name },
                message: `${describe(workload)}: ${key} entry "${entry.text}" names a ${other}, but this key matches only ${kind} names; move it to ${right}`,
                remediation: `Reloader compares ${key} only with ${kind} names, so a change to ${other} "${otherType.name}" never rolls this ${workload.kind}. Move "${entry.text}" from ${key} to ${right}.`,
              });
              continue;
            }
            const uncovered = names.filter((n) => unwatched(kind, n));
            const closest = closestName(entry.text, uncovered);
            if (closest === undefined) continue;
            report({
              object: workload,
              path: [...place.path, key],
              target: { kind, name: closest },
              message: `${describe(workload)}: ${key} entry "${entry.text}" matches no ${kind} it references (Reloader anchors it as ^${entry.text}$); did you mean "${closest}"?`,
              remediation:
                `A change to ${kind} "${closest}" never rolls this ${workload.kind}. Change the entry "${entry.text}" to "${closest}" ` +
                `(the name the pod spec references), or to a Go regular expression that matches it in full.`,
            });
          }
        }
      }
    }
  },
});
