import { asArray, isObject, type JsonObject } from "../../util/json.js";
import { quantityValue } from "./quantity.js";

/**
 * A pod template with the defaults the API server fills in (pkg/apis/core/v1/defaults.go:
 * SetDefaults_PodSpec, _Container, _Probe, _HTTPGetAction, _ContainerPort, _ObjectFieldSelector and the
 * volume sources' defaultMode 0644) and quantities as numbers, so that a template that only spells out a
 * default compares equal to one that leaves it out. The common defaults only: a difference in a field
 * not covered here still counts as a change.
 */
export function normalizedPodTemplate(template: unknown): JsonObject {
  if (!isObject(template)) return {};
  const metadata = isObject(template.metadata) ? { ...template.metadata } : {};
  delete metadata.creationTimestamp;
  return { metadata, spec: podSpec(template.spec) };
}

function podSpec(spec: unknown): JsonObject {
  if (!isObject(spec)) return {};
  const hostNetwork = spec.hostNetwork === true;
  return withDefaults(spec, {
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
    dnsPolicy: "ClusterFirst",
    schedulerName: "default-scheduler",
    enableServiceLinks: true,
    containers: asArray(spec.containers).map((c) => container(c, hostNetwork)),
    initContainers: asArray(spec.initContainers).map((c) => container(c, hostNetwork)),
    volumes: asArray(spec.volumes).map(volume),
  });
}

function container(value: unknown, hostNetwork: boolean): unknown {
  if (!isObject(value)) return value;
  const resources = isObject(value.resources) ? { ...value.resources, requests: quantities(value.resources.requests), limits: quantities(value.resources.limits) } : value.resources;
  return withDefaults(value, {
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    imagePullPolicy: pullsAlways(value.image) ? "Always" : "IfNotPresent",
    ports: asArray(value.ports).map((p) =>
      isObject(p) ? withDefaults(p, { protocol: "TCP", ...(hostNetwork && p.containerPort !== undefined ? { hostPort: p.containerPort } : {}) }) : p,
    ),
    env: asArray(value.env).map(envVar),
    livenessProbe: probe(value.livenessProbe),
    readinessProbe: probe(value.readinessProbe),
    startupProbe: probe(value.startupProbe),
    resources,
  });
}

/** SetDefaults_Container: `Always` for an image tagged `latest` or not tagged (and not pinned by digest). */
function pullsAlways(image: unknown): boolean {
  if (typeof image !== "string" || image.includes("@")) return false;
  const lastPart = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastPart.lastIndexOf(":");
  return colon < 0 || lastPart.slice(colon + 1) === "latest";
}

function probe(value: unknown): unknown {
  if (!isObject(value)) return value;
  const httpGet = isObject(value.httpGet) ? withDefaults(value.httpGet, { path: "/", scheme: "HTTP" }) : value.httpGet;
  return withDefaults(value, { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, httpGet });
}

function envVar(value: unknown): unknown {
  if (!isObject(value) || !isObject(value.valueFrom) || !isObject(value.valueFrom.fieldRef)) return value;
  return { ...value, valueFrom: { ...value.valueFrom, fieldRef: withDefaults(value.valueFrom.fieldRef, { apiVersion: "v1" }) } };
}

const MODE_0644 = 420;

function volume(value: unknown): unknown {
  if (!isObject(value)) return value;
  const out: JsonObject = { ...value };
  for (const source of ["secret", "configMap", "downwardAPI", "projected"]) {
    if (isObject(value[source])) out[source] = withDefaults(value[source], { defaultMode: MODE_0644 });
  }
  return out;
}

function quantities(map: unknown): unknown {
  if (!isObject(map)) return map;
  return Object.fromEntries(Object.entries(map).map(([key, v]) => [key, quantityValue(v) ?? v]));
}

/**
 * `value` with each default filled in where the value leaves the field out; a default that is itself a
 * rewritten value (lists, probes) replaces the field only when the field was there.
 */
function withDefaults(value: JsonObject, defaults: JsonObject): JsonObject {
  const out: JsonObject = { ...value };
  for (const [key, fallback] of Object.entries(defaults)) {
    if (Array.isArray(fallback) || isObject(fallback)) {
      if (value[key] !== undefined) out[key] = fallback;
    } else if (value[key] === undefined || value[key] === null) {
      out[key] = fallback;
    }
  }
  return out;
}
