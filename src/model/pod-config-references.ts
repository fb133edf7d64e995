import type { NodePath } from "../load/types.js";
import { asArray, isObject } from "./json.js";
import { containersOf, type PodSpecView } from "./pod-spec.js";

/** A pod spec's reference to a ConfigMap or Secret, with whether the kubelet tolerates its absence. */
export interface ConfigReference {
  kind: "ConfigMap" | "Secret";
  name: string;
  optional: boolean;
  /** How it is used, for messages: `env CATALYST_TOKEN`, `envFrom`, `volume "certs"`. */
  usage: string;
  /** The container that reads it (env/envFrom); absent for volumes, which belong to the Pod. */
  container?: string;
  /** Path of the `name`/`secretName` key of the reference (basePath included). */
  path: NodePath;
}

/**
 * Every ConfigMap/Secret reference of a pod spec: `env[].valueFrom.{configMapKeyRef,secretKeyRef}`,
 * `envFrom[].{configMapRef,secretRef}` of init and app containers, and `configMap`/`secret` volumes
 * and `projected` volume sources. Image pull secrets are not included (a missing one does not stop a
 * Pod from starting when the image is reachable).
 */
export function configReferences(pod: PodSpecView): ConfigReference[] {
  const out: ConfigReference[] = [];
  const add = (kind: ConfigReference["kind"], ref: unknown, nameKey: string, usage: string, path: NodePath, container?: string): void => {
    if (!isObject(ref) || typeof ref[nameKey] !== "string") return;
    out.push({ kind, name: ref[nameKey] as string, optional: ref.optional === true, usage, path: [...path, nameKey], ...(container !== undefined ? { container } : {}) });
  };
  for (const view of containersOf(pod)) {
    asArray(view.container.env).forEach((env, i) => {
      if (!isObject(env) || !isObject(env.valueFrom)) return;
      const base = [...view.path, "env", i, "valueFrom"];
      const usage = `env ${typeof env.name === "string" ? env.name : `#${i}`}`;
      add("ConfigMap", env.valueFrom.configMapKeyRef, "name", usage, [...base, "configMapKeyRef"], view.name);
      add("Secret", env.valueFrom.secretKeyRef, "name", usage, [...base, "secretKeyRef"], view.name);
    });
    asArray(view.container.envFrom).forEach((source, i) => {
      if (!isObject(source)) return;
      const base = [...view.path, "envFrom", i];
      add("ConfigMap", source.configMapRef, "name", "envFrom", [...base, "configMapRef"], view.name);
      add("Secret", source.secretRef, "name", "envFrom", [...base, "secretRef"], view.name);
    });
  }
  asArray(pod.spec.volumes).forEach((volume, i) => {
    if (!isObject(volume)) return;
    const base = [...pod.path, "volumes", i];
    const usage = `volume "${typeof volume.name === "string" ? volume.name : `#${i}`}"`;
    add("ConfigMap", volume.configMap, "name", usage, [...base, "configMap"]);
    add("Secret", volume.secret, "secretName", usage, [...base, "secret"]);
    if (isObject(volume.projected)) {
      asArray(volume.projected.sources).forEach((source, j) => {
        if (!isObject(source)) return;
        const sourceBase = [...base, "projected", "sources", j];
        add("ConfigMap", source.configMap, "name", usage, [...sourceBase, "configMap"]);
        add("Secret", source.secret, "name", usage, [...sourceBase, "secret"]);
      });
    }
  });
  return out;
}
