/**
 * stakater/Reloader installations in the input, and whether they act on ConfigMap/Secret creation events, as
 * released Reloader decides it (v1.0.13 to v1.4.21, `internal/pkg/controller/controller.go` Add):
 *
 * - `options.ReloadOnCreate == "true"`: the flag is a string, compared with the exact text `true`, so `True`,
 *   `1` or `yes` leave creation events off (only the metrics' options summary parses it as a bool).
 * - `secretControllerInitialized.Load() && configmapControllerInitialized.Load()`: each flag is set in
 *   `runWorker` of the controller for that resource. `internal/pkg/cmd/reloader.go` starts no controller for
 *   a type in `--resources-to-ignore`, so its flag is never set and every creation event is dropped, for
 *   ConfigMaps and Secrets alike, unless `--sync-after-restart` set both flags up front (NewController).
 *
 * The chart (`deployments/kubernetes/chart/reloader`) passes `--reload-on-create=true` only for
 * `reloader.reloadOnCreate` equal to boolean true, `--resources-to-ignore=secrets|configmaps` when
 * `reloader.ignoreSecrets`/`ignoreConfigMaps` is set (Go template truth), and `--sync-after-restart=true` for
 * `reloader.syncAfterRestart` equal to true.
 */
import type { NodePath } from "../load/types.js";
import { asArray, asString, getPath, isObject, type JsonObject } from "../util/json.js";
import type { ManifestSet } from "./manifest-set.js";
import type { K8sObject } from "./objects.js";
import { containersOf, pathIn, podSpecOf } from "./pod-spec.js";
import { goParseBool } from "./reloader.js";

/** A Reloader installation visible in the input, and whether it acts on creation events. */
export interface ReloaderInstance {
  object: K8sObject;
  /** Where to report: the container's args (or the container), or the HelmRelease's values. */
  path: NodePath;
  /** `"unknown"` when the setting may come from `valuesFrom`. */
  reloadOnCreate: boolean | "unknown";
  /** Why it ignores creation events, for messages: `--reload-on-create=True is not …`. */
  how: string;
  /** The change that makes it act on them: `add --reload-on-create=true to its args`. */
  fix: string;
  /** More for the remediation, when there is another way out. */
  note?: string;
  /** `--auto-reload-all` (chart value `reloader.autoReloadAll`): every workload without an auto annotation is watched. */
  autoReloadAll: boolean;
}

const RELOADER_IMAGE = /(?:^|\/)stakater\/reloader(?:[:@]|$)/;
const ON_CREATE = "--reload-on-create";
const IGNORE = "--resources-to-ignore";
const SYNC = "--sync-after-restart";
const AUTO_ALL = "--auto-reload-all";
const NO_SYNC_EVER = "(Reloader then never marks both informers synced and drops every creation event)";

/** Reloader Deployments, StatefulSets and DaemonSets (image `stakater/reloader`), and Flux HelmReleases of the `reloader` chart. */
export function reloaderInstances(set: ManifestSet): ReloaderInstance[] {
  const out: ReloaderInstance[] = [];
  for (const object of set.ofKind("Deployment", "StatefulSet", "DaemonSet")) {
    const pod = podSpecOf(object);
    if (!pod) continue;
    for (const c of containersOf(pod)) {
      if (c.init || !RELOADER_IMAGE.test(asString(c.container.image) ?? "")) continue;
      const args = [...asArray(c.container.command), ...asArray(c.container.args)].map((a) => (typeof a === "string" ? a : String(a)));
      const path = c.container.args !== undefined ? [...c.path, "args"] : c.path;
      out.push({ object, path, ...fromArgs(args), autoReloadAll: boolFlag(args, AUTO_ALL) });
    }
  }
  for (const object of set.ofKind("HelmRelease")) {
    const chart = asString(getPath(object.body, ["spec", "chart", "spec", "chart"]));
    if (chart === undefined || !/(?:^|\/)reloader$/.test(chart)) continue;
    const values = getPath(object.body, ["spec", "values"]);
    const reloader = isObject(values) && isObject(values.reloader) ? values.reloader : undefined;
    const hasValuesFrom = asArray(getPath(object.body, ["spec", "valuesFrom"])).length > 0;
    const path = reloader ? pathIn(object, "spec", "values", "reloader") : isObject(values) ? pathIn(object, "spec", "values") : pathIn(object, "spec");
    out.push({
      object,
      path: reloader && "reloadOnCreate" in reloader ? [...path, "reloadOnCreate"] : path,
      ...fromValues(reloader ?? {}, hasValuesFrom),
      autoReloadAll: reloader?.autoReloadAll === true,
    });
  }
  return out;
}

type Verdict = Pick<ReloaderInstance, "reloadOnCreate" | "how" | "fix" | "note">;

const SYNC_NOTE =
  "Reloader also handles creation events with `--sync-after-restart=true` (chart value `reloader.syncAfterRestart: true`), " +
  "which marks both informers synced from the start, but then also acts on every ConfigMap and Secret it lists when it starts.";

function fromArgs(args: string[]): Verdict {
  const value = lastStringFlag(args, ON_CREATE);
  if (value === undefined) return { reloadOnCreate: false, how: `its args have no ${ON_CREATE}`, fix: `add ${ON_CREATE}=true to its args` };
  if (value !== "true") {
    const why = value === "false" || value === "" ? "" : `, which is not the exact string "true" Reloader compares it with`;
    return { reloadOnCreate: false, how: `${ON_CREATE}=${value}${why}`, fix: `write ${ON_CREATE}=true` };
  }
  const ignored = sliceFlag(args, IGNORE);
  if (ignored.length === 0 || boolFlag(args, SYNC)) return { reloadOnCreate: true, how: `${ON_CREATE}=true`, fix: "" };
  const flag = `${IGNORE}=${ignored.join(",")}`;
  return { reloadOnCreate: false, how: `${ON_CREATE}=true with ${flag} ${NO_SYNC_EVER}`, fix: `drop ${flag}`, note: SYNC_NOTE };
}

function fromValues(reloader: JsonObject, hasValuesFrom: boolean): Verdict {
  const setting = reloader.reloadOnCreate;
  if (setting !== true && setting !== "true") {
    return {
      reloadOnCreate: setting === undefined && hasValuesFrom ? "unknown" : false,
      how: setting === undefined ? "reloader.reloadOnCreate is unset (false)" : `reloader.reloadOnCreate: ${JSON.stringify(setting)}`,
      fix: "set reloader.reloadOnCreate: true",
    };
  }
  const ignored = ["ignoreSecrets", "ignoreConfigMaps"].filter((key) => goTemplateTrue(reloader[key]));
  if (ignored.length === 0 || reloader.syncAfterRestart === true) return { reloadOnCreate: true, how: "reloader.reloadOnCreate: true", fix: "" };
  const values = ignored.map((key) => `reloader.${key}: ${JSON.stringify(reloader[key])}`).join(", ");
  return {
    reloadOnCreate: false,
    how: `reloader.reloadOnCreate: true with ${values} ${NO_SYNC_EVER}`,
    fix: `unset ${ignored.map((key) => `reloader.${key}`).join(" and ")}`,
    note: SYNC_NOTE,
  };
}

/** A pflag string flag: `--flag=value` or `--flag value`; the last one wins. */
function lastStringFlag(args: string[], flag: string): string | undefined {
  let value: string | undefined;
  args.forEach((arg, i) => {
    if (arg === flag) value = args[i + 1] ?? "";
    else if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
  });
  return value;
}

/** A pflag string slice: every `--flag=a,b` or `--flag a,b`, comma-separated, as written (Reloader lower-cases them). */
function sliceFlag(args: string[], flag: string): string[] {
  const out: string[] = [];
  args.forEach((arg, i) => {
    const value = arg === flag ? args[i + 1] : arg.startsWith(`${flag}=`) ? arg.slice(flag.length + 1) : undefined;
    if (value !== undefined) out.push(...value.split(",").map((v) => v.trim()).filter((v) => v !== ""));
  });
  return out;
}

/** A pflag bool flag: bare, or with `=value` read by Go's ParseBool (a separate "true" argument would be positional). */
function boolFlag(args: string[], flag: string): boolean {
  return args.some((a) => a === flag || (a.startsWith(`${flag}=`) && goParseBool(a.slice(flag.length + 1))));
}

/** Go template truth, as `{{ if … }}` decides it: false, 0, "", nil and empty collections are false. */
function goTemplateTrue(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  return !(isObject(value) && Object.keys(value).length === 0);
}
