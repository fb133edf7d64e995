import type { NodePath } from "../src/load/types.js";
import { defineRule } from "../src/engine/rule.js";
import { ANNOTATIONS_LIMIT, annotationBytes, dns1035LabelErrors, LAST_APPLIED_KEY, lastAppliedBytes, portNameErrors, selectorMatches } from "../src/model/api-validation.js";
import { applierOf, type Applier } from "../src/model/applier.js";
import { describe, type K8sObject } from "../src/model/objects.js";
import { containersOf, podSpecOf } from "../src/model/pod-spec.js";
import { getPath, isObject } from "../src/util/json.js";

/** One rejection: where, the API server's error, what to do, and whether the object is created at all (a StatefulSet is; its Pods are not). */
interface Rejection {
  path: NodePath;
  what: string;
  error: string;
  fix: string;
  /** Accepted by the API server, failing later in a controller: no apply is rejected, so no force recreate. */
  later?: string;
  /** A name the API server never accepted: no live object can exist for a force switch to delete. */
  name?: boolean;
}

const MIB = 1024 * 1024;
const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const SELECTOR_KINDS = new Set(["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"]);

export default defineRule({
  meta: {
    id: "api-server-rejects",
    description:
      "Values the API server rejects although every schema accepts them: port names, CronJob, Job, StatefulSet and Service names, " +
      "a selector that does not match the pod template, ConfigMap/Secret data over 1 MiB, annotations over 256 KiB.",
    rationale:
      "Schemas (kubeconform, `helm lint`) describe types, not the API server's validation functions, so these pass " +
      "CI and fail the apply, or create an object that never works: a container port `name`, a Service `targetPort` " +
      "or a probe `port` given by name must be an IANA_SVC_NAME, at most 15 characters (apimachinery " +
      "`validation.IsValidPortName`, called by core validation `validateContainerPorts`, `validateServicePort`, " +
      "`validatePortNumOrName`); a CronJob name at most 52 characters (batch validation `ValidateCronJob`: the " +
      "controller appends `-` and the schedule time); a Job name at most 63 (the Job controller copies it into " +
      "the `job-name` and `batch.kubernetes.io/job-name` pod template labels, which label validation caps at 63: " +
      "`spec.template.labels: Invalid value: …: must be no more than 63 bytes`); a StatefulSet name at most 63 " +
      "(apps validation `ValidateStatefulSetName`, a DNS label), and at most 52 in practice: the apply succeeds, " +
      "but every Pod gets the label `controller-revision-hash: <name>-<hash of up to 10 characters>`, and Pod " +
      "creation fails on a label over 63 characters, so no Pod is ever created (kubernetes/kubernetes#64023); a " +
      "Service name must be a DNS-1035 label, starting with a letter (core validation `ValidateServiceName`); a " +
      "Deployment, ReplicaSet, StatefulSet or DaemonSet selector must be non-empty and select its own pod " +
      "template's labels (apps validation `ValidatePodTemplateSpecForReplicaSet`, " +
      "`ValidatePodTemplateSpecForStatefulSet`, `ValidateDaemonSetSpec`); ConfigMap data (`data` and `binaryData`) " +
      "and Secret data (decoded, `stringData` included) at most 1 MiB (core validation `ValidateConfigMap`, " +
      "`ValidateSecret`, `MaxSecretSize`); all annotations together at most 262,144 bytes (apimachinery " +
      "`ValidateAnnotationsSize`), which client-side apply (`kubectl apply`, Argo CD without `ServerSideApply=true` " +
      "or `Replace=true`) exceeds for large objects because it stores the whole object as JSON in the " +
      "`kubectl.kubernetes.io/last-applied-configuration` annotation (kubectl `apply` GetModifiedConfiguration); " +
      "Helm, Flux and every server-side apply do not. Under Flux force (`spec.force` or " +
      "`kustomize.toolkit.fluxcd.io/force: enabled`) or Argo CD `Force=true` a rejected apply is worse: the " +
      "controller deletes the live object first and then fails to create the new one (fluxcd/pkg " +
      "`ssa/errors/immutable.go` counts every 422 Invalid as immutable).",
    remediation:
      "Shorten or rename as the message says (in a chart, `trunc 52`/`trunc 63` the name template, or drop a random " +
      "suffix); make the selector a subset of the pod template labels; move data over 1 MiB out of the " +
      "ConfigMap or Secret (a volume, an image, an object store); for annotation size, apply large objects with " +
      "server-side apply (Argo CD `ServerSideApply=true`, `kubectl apply --server-side`) or `Replace=true`.",
    defaultSeverity: "error",
    example: {
      bad:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: search\nspec:\n  selector:\n    matchLabels: {app: search}\n  template:\n    metadata:\n      labels: {app: search}\n    spec:\n" +
        "      containers:\n        - name: search\n          image: example/search:1\n          ports:\n            - name: elasticsearch-https\n              containerPort: 9200\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: search\nspec:\n  selector:\n    matchLabels: {app: search}\n  template:\n    metadata:\n      labels: {app: search}\n    spec:\n" +
        "      containers:\n        - name: search\n          image: example/search:1\n          ports:\n            - name: es-https\n              containerPort: 9200\n",
    },
    tags: ["validation", "flux", "argocd"],
    precision: "very-high",
  },
  check({ set, settings, report }) {
    for (const object of set.objects) {
      const rejections = rejectionsOf(object);
      const applier = rejections.length > 0 || mayBeLarge(object) ? applierOf(object, set, settings) : undefined;
      if (applier) {
        const annotations = annotationRejection(object, applier);
        if (annotations) rejections.push(annotations);
      }
      for (const r of rejections) {
        const force = applier!.recreatesOnInvalid && !r.later && !r.name ? `; worse, ${applier!.label} deletes the live object first and then fails to create it (${applier!.why})` : "";
        const consequence = r.later ?? `the API server rejects it when ${applier!.tool} applies it: "${r.error}"`;
        report({
          object,
          path: r.path,
          message: `${describe(object)}: ${r.what}; ${consequence}${force}; ${r.fix}`,
          remediation: `${r.later ? `Error reported by the controller: "${r.error}". ` : ""}Applied by ${applier!.label}: ${applier!.why}.`,
        });
      }
    }
  },
});

/**
 * Only a large document, or one with aliases, can hold an object whose JSON, or whose annotations, reach 256 KiB:
 * without aliases no character takes more than 6 bytes of JSON (`<` becomes `\u003c`), 8 leaves room for quotes and braces.
 */
function mayBeLarge(object: K8sObject): boolean {
  const text = object.source.text;
  return text.length > ANNOTATIONS_LIMIT / 8 || (text.includes("&") && text.includes("*"));
}

function rejectionsOf(object: K8sObject): Rejection[] {
  const out: Rejection[] = [];
  const base = object.basePath;
  const named = typeof getPath(object.body, ["metadata", "name"]) === "string";
  const name = object.name;
  if (named && object.kind === "CronJob" && object.apiVersion.startsWith("batch/") && name.length > 52) {
    out.push({ path: [...base, "metadata", "name"], what: `name "${name}" has ${name.length} characters`, error: `metadata.name: Invalid value: "${name}": must be no more than 52 characters`, fix: "use at most 52", name: true });
  }
  if (named && object.kind === "Job" && object.apiVersion.startsWith("batch/") && name.length > 63 && getPath(object.body, ["spec", "manualSelector"]) !== true) {
    out.push({ path: [...base, "metadata", "name"], what: `name "${name}" has ${name.length} characters, and the Job controller copies it into the job-name pod label`, error: `spec.template.labels: Invalid value: "${name}": must be no more than 63 bytes`, fix: "use at most 63", name: true });
  }
  if (named && object.kind === "StatefulSet" && object.apiVersion.startsWith("apps/")) {
    if (name.length > 63) {
      out.push({ path: [...base, "metadata", "name"], what: `name "${name}" has ${name.length} characters`, error: `metadata.name: Invalid value: "${name}": must be no more than 63 characters`, fix: "use at most 52", name: true });
    } else if (name.length > 52) {
      out.push({
        path: [...base, "metadata", "name"],
        what: `name "${name}" has ${name.length} characters`,
        error: `create Pod ${name}-0 in StatefulSet ${name} failed error: Pod "${name}-0" is invalid: metadata.labels: Invalid value: "${name}-<hash>": must be no more than 63 characters`,
        later: "the apply succeeds but no Pod is ever created: the controller-revision-hash label (name, '-', a hash of up to 10 characters) exceeds 63 characters",
        fix: "use at most 52",
      });
    }
  }
  if (named && object.kind === "Service" && object.apiVersion === "v1") {
    const errors = dns1035LabelErrors(name);
    if (errors.length > 0) out.push({ path: [...base, "metadata", "name"], what: `name "${name}" is not a DNS-1035 label`, error: `metadata.name: Invalid value: "${name}": ${errors.join(", ")}`, fix: "start it with a letter and use only a-z, 0-9 and '-'", name: true });
  }
  if (object.kind === "Service" && object.apiVersion === "v1") {
    const ports = getPath(object.body, ["spec", "ports"]);
    (Array.isArray(ports) ? ports : []).forEach((port, i) => {
      const target = getPath(port, ["targetPort"]);
      if (typeof target === "string" && !/^\d+$/.test(target)) out.push(...portName(target, [...base, "spec", "ports", i, "targetPort"], `spec.ports[${i}].targetPort`, "targetPort"));
    });
  }
  const pod = podSpecOf(object);
  if (pod) {
    for (const c of containersOf(pod)) {
      const api = apiPath(c.path.slice(base.length));
      const ports = c.container.ports;
      (Array.isArray(ports) ? ports : []).forEach((port, i) => {
        const portNameValue = getPath(port, ["name"]);
        if (typeof portNameValue === "string" && portNameValue !== "") out.push(...portName(portNameValue, [...c.path, "ports", i, "name"], `${api}.ports[${i}].name`, `container "${c.name}" port name`));
      });
      for (const probe of PROBES) {
        for (const handler of ["httpGet", "tcpSocket"]) {
          const port = getPath(c.container, [probe, handler, "port"]);
          if (typeof port === "string" && !/^\d+$/.test(port)) out.push(...portName(port, [...c.path, probe, handler, "port"], `${api}.${probe}.${handler}.port`, `container "${c.name}" ${probe} port`));
        }
      }
    }
  }
  if (SELECTOR_KINDS.has(object.kind) && object.apiVersion.startsWith("apps/")) {
    const selector = getPath(object.body, ["spec", "selector"]);
    const labels = getPath(object.body, ["spec", "template", "metadata", "labels"]);
    const verdict = selector === undefined ? { unreadable: true as const } : selectorMatches(selector, isObject(labels) ? (labels as Record<string, string>) : {});
    if ("empty" in verdict) {
      out.push({ path: [...base, "spec", "selector"], what: "the selector is empty", error: `spec.selector: Invalid value: …: empty selector is invalid for ${object.kind.toLowerCase()}`, fix: "select the pod template's labels" });
    } else if ("matches" in verdict && !verdict.matches) {
      out.push({
        path: [...base, "spec", "selector"],
        what: `the selector requires ${verdict.reason}`,
        error: "spec.template.metadata.labels: Invalid value: …: `selector` does not match template `labels`",
        fix: "make the selector a subset of the pod template's labels",
      });
    }
  }
  if (object.kind === "ConfigMap" && object.apiVersion === "v1") {
    const size = sumBytes(object.body.data, (v) => Buffer.byteLength(v)) + sumBytes(object.body.binaryData, base64Bytes);
    if (size > MIB) out.push({ path: [...base, isObject(object.body.data) ? "data" : "binaryData"], what: `data holds ${size} bytes`, error: `Too long: may not be more than ${MIB} bytes`, fix: "keep ConfigMap data within 1 MiB" });
  }
  if (object.kind === "Secret" && object.apiVersion === "v1") {
    const data = isObject(object.body.data) ? object.body.data : {};
    const stringData = isObject(object.body.stringData) ? object.body.stringData : {};
    // stringData is merged over data before validation
    const size = sumBytes(Object.fromEntries(Object.entries(data).filter(([k]) => !(k in stringData))), base64Bytes) + sumBytes(stringData, (v) => Buffer.byteLength(v));
    if (size > MIB) out.push({ path: [...base, isObject(object.body.data) ? "data" : "stringData"], what: `data holds ${size} bytes`, error: `data: Too long: may not be more than ${MIB} bytes`, fix: "keep Secret data within 1 MiB" });
  }
  return out;
}

/** Annotations over the limit: the object's own, plus the last-applied-configuration that client-side apply writes. */
function annotationRejection(object: K8sObject, applier: Applier): Rejection | undefined {
  const own = annotationBytes(object.annotations, LAST_APPLIED_KEY);
  const clientSide = !applier.serverSideApply && !applier.replaces && (applier.id === "kubectl" || applier.id === "argocd");
  if (!clientSide && own <= ANNOTATIONS_LIMIT) return undefined;
  const lastApplied = clientSide ? LAST_APPLIED_KEY.length + lastAppliedBytes(object) : 0;
  const total = own + lastApplied;
  if (total <= ANNOTATIONS_LIMIT) return undefined;
  const path = [...object.basePath, "metadata", ...(Object.keys(object.annotations).length > 0 ? ["annotations"] : [])];
  const what = clientSide
    ? `${applier.label} stores the object in the ${LAST_APPLIED_KEY} annotation: ${lastApplied} bytes${own > 0 ? ` plus ${own} of its own annotations = ${total}` : ""} > ${ANNOTATIONS_LIMIT}`
    : `its annotations take ${total} bytes > ${ANNOTATIONS_LIMIT}`;
  return {
    path,
    what,
    error: `metadata.annotations: Too long: may not be more than ${ANNOTATIONS_LIMIT} bytes`,
    fix: clientSide ? (applier.id === "argocd" ? "sync it with ServerSideApply=true or Replace=true" : "apply it with kubectl apply --server-side") : "shrink the annotations",
  };
}

function portName(value: string, path: NodePath, api: string, what: string): Rejection[] {
  const errors = portNameErrors(value);
  if (errors.length === 0) return [];
  return [{ path, what: `${what} "${value}" is not a valid port name`, error: `${api}: Invalid value: "${value}": ${errors.join(", ")}`, fix: "use at most 15 characters of a-z, 0-9 and '-', with a letter" }];
}

function apiPath(relative: NodePath): string {
  return relative.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("").slice(1);
}

function sumBytes(map: unknown, size: (value: string) => number): number {
  if (!isObject(map)) return 0;
  let total = 0;
  for (const value of Object.values(map)) if (typeof value === "string") total += size(value);
  return total;
}

function base64Bytes(value: string): number {
  return Buffer.from(value, "base64").length;
}
