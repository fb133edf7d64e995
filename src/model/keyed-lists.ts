/*
 * Keyed lists: lists whose entries server-side apply identifies by key fields (an "associative list"
 * in structured-merge-diff), and the duplicates in them. The API server types every apply request
 * against its schema and rejects a request whose keyed list repeats a key: structured-merge-diff
 * `typed/validate.go` ("duplicate entries for key %v"), on create and update alike. A missing key
 * field takes its default (`protocol: TCP` for ports; structured-merge-diff `typed/helpers.go`
 * keyedAssociativeListItemToPathElement). Built-in keys come from the `+listType=map`/`+listMapKey`
 * markers of kubernetes/api (core/v1/types.go, admissionregistration/v1/types.go); custom resources
 * from `x-kubernetes-list-type: map|set` in a CRD of the input (load/crd-schema.ts keeps those branches).
 * Some duplicates the API validation rejects on every apply path too; the others only server-side
 * apply rejects, and client-side apply keeps (the API server only warns).
 */
import type { NodePath } from "../load/types.js";
import { asArray, getPath, isObject, type JsonObject } from "../util/json.js";
import { crdOf } from "./crds.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";
import { containersOf, podSpecOf } from "./pod-spec.js";

export interface DuplicateKey {
  /** What repeats, for a message: `env "FOO" in container "api"`. */
  what: string;
  /** The repeated entry (its first key field): where the finding points. */
  path: NodePath;
  /** Index of the first entry with the same key, and of this one. */
  firstIndex: number;
  index: number;
  /** What every server-side apply prints: `.spec.template.spec.containers[name="api"].env: duplicate entries for key [name="FOO"]`. */
  ssaError: string;
  /**
   * The API validation error that rejects the duplicate on every apply path, client-side too, with the
   * upstream function; undefined when only server-side apply rejects it.
   */
  validation?: { error: string; source: string };
}

interface ListSpec {
  keys: string[];
  defaults?: Record<string, unknown>;
  set?: boolean;
  /** `env "FOO"` from the entry's key values. */
  name: (key: Record<string, unknown>) => string;
  /** The validation error for the repeated entry at `apiPath` (`spec.template.spec.volumes[2]`), when validation rejects duplicates. */
  validation?: (apiPath: string, key: Record<string, unknown>) => { error: string; source: string };
}

const byName = (noun: string): ListSpec["name"] => (k) => `${noun} ${quote(k.name)}`;
const duplicateName = (source: string): ListSpec["validation"] => (p, k) => ({ error: `${p}.name: Duplicate value: ${quote(k.name)}`, source });
const CORE = "kubernetes pkg/apis/core/validation/validation.go";

const CONTAINER_LIST: ListSpec = { keys: ["name"], name: byName("container"), validation: duplicateName(`${CORE} validateContainers`) };
const POD_LISTS: Record<string, ListSpec> = {
  containers: CONTAINER_LIST,
  initContainers: { ...CONTAINER_LIST, name: byName("init container"), validation: duplicateName(`${CORE} validateInitContainers`) },
  ephemeralContainers: { ...CONTAINER_LIST, name: byName("ephemeral container"), validation: duplicateName(`${CORE} validateEphemeralContainers`) },
  volumes: { keys: ["name"], name: byName("volume"), validation: duplicateName(`${CORE} ValidateVolumes`) },
  imagePullSecrets: { keys: ["name"], name: byName("imagePullSecret") },
  hostAliases: { keys: ["ip"], name: (k) => `hostAlias ip ${quote(k.ip)}` },
  topologySpreadConstraints: {
    keys: ["topologyKey", "whenUnsatisfiable"],
    name: (k) => `topologySpreadConstraint (${quote(k.topologyKey)}, ${quote(k.whenUnsatisfiable)})`,
    validation: (p, k) => ({
      error: `${p}.{topologyKey, whenUnsatisfiable}: Duplicate value: "{${String(k.topologyKey)}, ${String(k.whenUnsatisfiable)}}"`,
      source: `${CORE} validateTopologySpreadConstraints`,
    }),
  },
  schedulingGates: { keys: ["name"], name: byName("schedulingGate"), validation: (p, k) => ({ error: `${p}: Duplicate value: ${quote(k.name)}`, source: `${CORE} validateSchedulingGates` }) },
  resourceClaims: { keys: ["name"], name: byName("resourceClaim"), validation: duplicateName(`${CORE} validatePodResourceClaim`) },
};
const CONTAINER_LISTS: Record<string, ListSpec> = {
  env: { keys: ["name"], name: byName("env") },
  ports: { keys: ["containerPort", "protocol"], defaults: { protocol: "TCP" }, name: (k) => `port ${String(k.containerPort)}/${String(k.protocol)}` },
  volumeMounts: {
    keys: ["mountPath"],
    name: (k) => `mountPath ${quote(k.mountPath)}`,
    validation: (p, k) => ({ error: `${p}.mountPath: Invalid value: ${quote(k.mountPath)}: must be unique`, source: `${CORE} ValidateVolumeMounts` }),
  },
  volumeDevices: {
    keys: ["devicePath"],
    name: (k) => `devicePath ${quote(k.devicePath)}`,
    validation: (p, k) => ({ error: `${p}.devicePath: Invalid value: ${quote(k.devicePath)}: must be unique`, source: `${CORE} ValidateVolumeDevices` }),
  },
};
const FINALIZERS: ListSpec = { keys: [], set: true, name: (k) => `finalizer ${quote(k[""])}` };
const SERVICE_PORTS: ListSpec = {
  keys: ["port", "protocol"],
  defaults: { protocol: "TCP" },
  name: (k) => `Service port ${String(k.port)}/${String(k.protocol)}`,
  validation: (p, k) => ({ error: `${p}: Duplicate value: core.ServicePort{…, Protocol:${quote(k.protocol)}, …, Port:${String(k.port)}, …}`, source: `${CORE} ValidateService` }),
};
const WEBHOOKS: ListSpec = {
  keys: ["name"],
  name: byName("webhook"),
  validation: duplicateName("kubernetes pkg/apis/admissionregistration/validation/validation.go validateValidatingWebhookConfiguration/validateMutatingWebhookConfiguration"),
};

/** Every repeated key in the object's keyed lists, at the repeated entry. */
export function duplicateKeys(object: K8sObject, set: ManifestSet): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const check = (relative: NodePath, smdPath: string, spec: ListSpec): void => {
    out.push(...duplicatesIn(object, relative, smdPath, spec));
  };
  check(["metadata", "finalizers"], ".metadata.finalizers", FINALIZERS);

  const pod = podSpecOf(object);
  if (pod) {
    const podRelative = pod.path.slice(object.basePath.length);
    const podSmd = fieldPath(podRelative);
    for (const [field, spec] of Object.entries(POD_LISTS)) check([...podRelative, field], `${podSmd}.${field}`, spec);
    for (const c of containersOf(pod)) {
      const relative = c.path.slice(object.basePath.length);
      const field = relative[relative.length - 2] as string;
      const of = `${field === "initContainers" ? "init container" : "container"} ${quote(c.name)}`;
      const smd = `${podSmd}.${field}[name=${quote(c.name)}]`;
      for (const [list, spec] of Object.entries(CONTAINER_LISTS)) {
        check([...relative, list], `${smd}.${list}`, { ...spec, name: (k) => `${spec.name(k)} in ${of}` });
      }
    }
  }
  if (object.kind === "Service" && object.apiVersion === "v1") check(["spec", "ports"], ".spec.ports", SERVICE_PORTS);
  if ((object.kind === "ValidatingWebhookConfiguration" || object.kind === "MutatingWebhookConfiguration") && object.apiVersion.startsWith("admissionregistration.k8s.io/")) {
    check(["webhooks"], ".webhooks", WEBHOOKS);
  }
  const schema = customResourceSchema(object, set);
  if (schema) walkSchema(schema, object.body, [], "", (relative, smd, list) => check(relative, smd, list));
  return out;
}

function duplicatesIn(object: K8sObject, relative: NodePath, smdPath: string, spec: ListSpec): DuplicateKey[] {
  const list = getPath(object.body, relative);
  if (!Array.isArray(list) || list.length < 2) return [];
  const seen = new Map<string, number>();
  const out: DuplicateKey[] = [];
  list.forEach((entry, i) => {
    const key = keyOf(entry, spec);
    if (!key) return;
    const first = seen.get(key.text);
    if (first === undefined) {
      seen.set(key.text, i);
      return;
    }
    const apiPath = `${relative.join(".").replace(/\.(\d+)(?=\.|$)/g, "[$1]")}[${i}]`;
    const field = spec.set ? [] : [spec.keys.find((k) => isObject(entry) && k in entry) ?? spec.keys[0]!];
    out.push({
      what: spec.name(key.values),
      path: [...object.basePath, ...relative, i, ...field],
      firstIndex: first,
      index: i,
      ssaError: `${smdPath}: duplicate entries for key ${key.text}`,
      ...(spec.validation ? { validation: spec.validation(apiPath, key.values) } : {}),
    });
  });
  return out;
}

/** The entry's key as structured-merge-diff prints it (`[containerPort=80,protocol="TCP"]`, a set's `[="x"]`), and the values it is made of. */
function keyOf(entry: unknown, spec: ListSpec): { text: string; values: Record<string, unknown> } | undefined {
  if (spec.set) return isScalar(entry) ? { text: `[=${smdValue(entry)}]`, values: { "": entry } } : undefined;
  if (!isObject(entry)) return undefined;
  const values: Record<string, unknown> = {};
  for (const key of spec.keys) {
    const value = key in entry ? entry[key] : spec.defaults?.[key];
    if (value !== undefined && isScalar(value)) values[key] = value;
  }
  const names = Object.keys(values).sort();
  if (names.length === 0) return undefined; // rejected for another reason: an entry must have a key
  return { text: `[${names.map((n) => `${n}=${smdValue(values[n])}`).join(",")}]`, values };
}

/** The custom resource's schema (branches to keyed lists only) from a CRD of the input, for its version. */
function customResourceSchema(object: K8sObject, set: ManifestSet): JsonObject | undefined {
  const crd = crdOf(object, set);
  if (!crd) return undefined;
  const version = object.apiVersion.slice(object.apiVersion.indexOf("/") + 1);
  const match = asArray(getPath(crd.body, ["spec", "versions"])).filter(isObject).find((v) => v.name === version);
  const schema = getPath(match, ["schema", "openAPIV3Schema"]);
  return isObject(schema) ? schema : undefined;
}

const LIST_TYPE = "x-kubernetes-list-type";
const MAP_KEYS = "x-kubernetes-list-map-keys";

/** Walks a value along a structural schema, calling `onList` for every keyed list (map or set) it holds. */
function walkSchema(schema: JsonObject, value: unknown, relative: NodePath, smd: string, onList: (relative: NodePath, smd: string, list: ListSpec) => void): void {
  if (Array.isArray(value)) {
    const listType = schema[LIST_TYPE];
    const keys = Array.isArray(schema[MAP_KEYS]) ? (schema[MAP_KEYS] as unknown[]).filter((k): k is string => typeof k === "string") : [];
    const itemProperties = getPath(schema, ["items", "properties"]);
    const defaults: Record<string, unknown> = {};
    for (const key of keys) {
      const d = getPath(itemProperties, [key, "default"]);
      if (d !== undefined) defaults[key] = d;
    }
    let spec: ListSpec | undefined;
    if (listType === "map" && keys.length > 0) spec = { keys, defaults, name: (k) => `entry ${keyText(k)} of ${smd}` };
    else if (listType === "set") spec = { keys: [], set: true, name: (k) => `entry ${smdValue(k[""])} of ${smd}` };
    if (spec) {
      onList(relative, smd, {
        ...spec,
        validation: (p) => ({ error: `${p}: Duplicate value`, source: "apiextensions-apiserver pkg/apiserver/schema/listtype ValidateListSetsAndMaps" }),
      });
    }
    if (!isObject(schema.items)) return;
    value.forEach((item, i) => {
      const element = spec && !spec.set ? keyOf(item, spec)?.text : undefined;
      walkSchema(schema.items as JsonObject, item, [...relative, i], `${smd}${element ?? `[${i}]`}`, onList);
    });
    return;
  }
  if (!isObject(value)) return;
  if (isObject(schema.properties)) {
    for (const [name, child] of Object.entries(schema.properties)) {
      if (isObject(child) && name in value) walkSchema(child, value[name], [...relative, name], `${smd}.${name}`, onList);
    }
  }
  if (isObject(schema.additionalProperties)) {
    for (const [name, child] of Object.entries(value)) walkSchema(schema.additionalProperties, child, [...relative, name], `${smd}.${name}`, onList);
  }
}

function keyText(values: Record<string, unknown>): string {
  return `[${Object.keys(values).sort().map((n) => `${n}=${smdValue(values[n])}`).join(",")}]`;
}

/** A path of map fields as structured-merge-diff prints it: `.spec.template.spec`. */
function fieldPath(relative: NodePath): string {
  return relative.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("");
}

/** A key value as structured-merge-diff prints it (`value.ToString`: strings quoted, numbers and booleans bare). */
function smdValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function quote(value: unknown): string {
  return JSON.stringify(typeof value === "string" ? value : String(value));
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}
