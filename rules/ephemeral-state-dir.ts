import path from "node:path";
import type { NodePath } from "../src/load/types.js";
import { defineRule } from "../src/engine/rule.js";
import { anyGlobRegExp } from "../src/util/glob-names.js";
import { backendConfigInCliArgs, backendConfigKey, namesRemoteBackendSetting, placesStateByConfig } from "../src/model/iac-backend.js";
import { iacEntrypointOfImage, mentionsIacCli, parseIacInvocation, type IacInvocation } from "../src/model/iac-commands.js";
import { asArray, getPath, isObject } from "../src/util/json.js";
import { containerEnvironmentOf, envLookup, expandKubernetesVars, type ContainerEnvironment } from "../src/model/kubernetes-var-expansion.js";
import { describe } from "../src/model/objects.js";
import { containersOf, isLongLived, podSpecOf, type ContainerView } from "../src/model/pod-spec.js";
import type { ScriptRead } from "../src/shell/shell-scripts.js";
import { shellScriptOf, simpleCommandsOf } from "../src/shell/simple-commands.js";
import { resolvePathToStorage, type ResolvedPath } from "../src/model/volume-storage.js";

export interface EphemeralStateDirOptions {
  /** Extra env var name globs that hold a working or state directory (added to the built-in ones). */
  stateEnvPatterns: string[];
  /** Env var name globs never treated as a state directory (added to the built-in cache exclusions). */
  ignoreEnv: string[];
}

/** Env var names that hold an OpenTofu/Terraform/Pulumi working or state directory. */
export const BUILT_IN_STATE_ENV_PATTERNS = ["*TOFU_*DIR", "*TERRAFORM_*DIR", "*TF_WORK*DIR", "*TOFU_STATE*", "*TERRAFORM_STATE*", "*TF_STATE*", "PULUMI_BACKEND_URL"];
/**
 * Caches and binaries: losing them costs a re-download, never state. `TF_DATA_DIR` (providers, modules, backend
 * settings) and `PULUMI_HOME` (plugins, credentials) are not matched by the built-in patterns for the same reason.
 */
export const BUILT_IN_IGNORED_ENV = ["*CACHE*", "*PLUGIN*", "*BIN*", "*CONFIG*"];

export default defineRule<EphemeralStateDirOptions>({
  meta: {
    id: "ephemeral-state-dir",
    description: "A long-lived workload keeps its OpenTofu/Terraform/Pulumi working or state directory on storage that is deleted with the Pod (emptyDir, ephemeral volumes, the container's writable layer).",
    rationale:
      "An `emptyDir` (any medium), a generic ephemeral volume and a CSI inline volume are deleted whenever the Pod is " +
      "replaced: every rollout, eviction and node drain. A directory with no volume mount at all lives in the " +
      "container's writable layer and is lost on every container restart. A Deployment's Pod is replaced by every " +
      "image bump, so an `apply` running at that moment loses its local state: the resources created so far exist " +
      "in the cloud but no state file records them, and the next run either leaks them or fails on name clashes " +
      "(the incident: a rollout 3 minutes into `tofu apply` left a load balancer without targets).\n\n" +
      "Signals: env vars named like a working/state dir (`*TOFU_*DIR`, `*TERRAFORM_*DIR`, `*TF_WORK*DIR`, " +
      "`*TOFU_STATE*`, `*TERRAFORM_STATE*`, `*TF_STATE*`, and a `file://` `PULUMI_BACKEND_URL`; never caches, plugin, " +
      "binary or config dirs; extendable with the `stateEnvPatterns` option, silenced per name with `ignoreEnv`), and " +
      "`tofu`/`terraform` commands in `command`/`args` or in a `sh -c` script (parsed with a real shell parser): " +
      "`-chdir=DIR` (the CLI accepts only the `=` form, before the subcommand), `-state`/`-state-out`, " +
      "`-backend-config=path=FILE` (or `workspace_dir=DIR`), a preceding `cd DIR`, or the container's `workingDir`. `$(VAR)` references are expanded as the kubelet does. The path " +
      "is resolved to the volume mount with the longest whole-segment prefix (`/var/lib/app` does not cover " +
      "`/var/lib/application`). `TF_DATA_DIR` (providers, modules, backend settings; the local state file lives in " +
      "the working directory, not there) and `PULUMI_HOME` (plugins and credentials; stack state lives in the " +
      "backend) are not reported by default: losing them costs a re-init, not state. Add them with " +
      "`stateEnvPatterns` if your setup keeps state there. A script that runs `tofu`/`terraform` but does not parse or " +
      "is over one of the `limits.shell*` limits is not read: `script-not-checked` says so.\n\n" +
      "Not reported: PVCs and StatefulSet `volumeClaimTemplates`, network file systems, `hostPath` (it survives Pod " +
      "replacement on the same node; a rescheduled Pod on another node still loses it), read-only sources " +
      "(ConfigMap, Secret, projected: writes fail at once, which is a different bug), `readOnly` mounts and a " +
      "read-only root filesystem with no mount (writes fail loudly), Jobs and CronJobs (not replaced by rollouts), and values only known at " +
      "runtime (`valueFrom`); env values that are no path (`TF_STATE=prod`: not absolute, no slash, no leading dot, " +
      "no `.tfstate` name, and the variable's name does not end in DIR, PATH or FILE); and every working directory " +
      "of a Pod whose configuration puts the state elsewhere, since the working directory then holds no state: " +
      "a `-backend-config=KEY=VALUE` (in the command line, a script, or `TF_CLI_ARGS`/`TF_CLI_ARGS_init`) with a " +
      "key the local backend does not accept (it takes only `path` and `workspace_dir`: `bucket`, `key`, " +
      "`address`, … configure a remote backend) or with the local backend's `path`, or a variable naming a remote " +
      "backend's setting (`TF_STATE_BUCKET`, `TF_STATE_KEY`, `TF_STATE_REGION`, `TOFU_BACKEND_…`: a tool word, " +
      "STATE or BACKEND, and a setting such as BUCKET, KEY, REGION, TABLE, CONTAINER, ADDRESS; its value is never " +
      "a directory either). An explicit state file is still checked then: `-state`/`-state-out` and " +
      "`-backend-config=path=…` on ephemeral storage are reported. A `-backend-config=FILE` is not read (its " +
      "contents are unknown), so it proves nothing either way; suppress a finding for a remote backend configured " +
      "only in the Terraform files with `# gitops-lint-ignore ephemeral-state-dir -- remote backend`.",
    remediation:
      "Point the directory at a PVC-backed mount: a StatefulSet with `volumeClaimTemplates`, or a PVC mounted by " +
      "the Deployment (a ReadWriteOnce claim needs `maxSurge: 0, maxUnavailable: 1`, see `rwo-volume-rolling-update`). " +
      "Better still, configure a remote " +
      "state backend so no Pod holds state.",
    defaultSeverity: "error",
    optionsSchema: {
      type: "object",
      additionalProperties: false,
      properties: {
        stateEnvPatterns: {
          type: "array",
          items: { type: "string", minLength: 1 },
          description: "Extra env var name globs (`*`, `?`) whose value is a working or state directory, added to the built-in ones.",
        },
        ignoreEnv: {
          type: "array",
          items: { type: "string", minLength: 1 },
          description: "Env var name globs never treated as a state directory, added to the built-in exclusions (caches, plugins, binaries, config).",
        },
      },
    },
    example: {
      bad:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n" +
        "        - name: api\n          image: api:1\n          env:\n            - name: CATALYST_TOFU_WORKDIR\n              value: /tmp/catalyst/tofu\n" +
        "          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n      volumes:\n        - name: tmp\n          emptyDir: {}\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 1\n  template:\n    spec:\n      containers:\n" +
        "        - name: api\n          image: api:1\n          env:\n            - name: CATALYST_TOFU_WORKDIR\n              value: /var/lib/catalyst/tofu\n" +
        "          volumeMounts:\n            - name: state\n              mountPath: /var/lib/catalyst\n      volumes:\n        - name: state\n" +
        "          persistentVolumeClaim:\n            claimName: api-state\n",
    },
    tags: ["storage", "opentofu", "terraform", "pulumi"],
    precision: "high",
  },
  defaultOptions: { stateEnvPatterns: [], ignoreEnv: [] },
  check({ set, options, shell, report }) {
    const stateGlobs = anyGlobRegExp([...BUILT_IN_STATE_ENV_PATTERNS, ...(options.stateEnvPatterns ?? [])]);
    const ignoreGlobs = anyGlobRegExp([...BUILT_IN_IGNORED_ENV, ...(options.ignoreEnv ?? [])]);
    for (const object of set.objects) {
      if (!isLongLived(object)) continue;
      const pod = podSpecOf(object);
      if (!pod) continue;
      const found: Array<{ container: ContainerView; signals: Signal[] }> = [];
      let stateElsewhere = false;
      for (const container of containersOf(pod)) {
        const environment = containerEnvironmentOf(container.container);
        const env = envSignals(container, environment, stateGlobs, ignoreGlobs);
        const commands = commandSignals(container, environment, (script) => shell.read(script));
        stateElsewhere ||= env.stateElsewhere || commands.stateElsewhere;
        found.push({ container, signals: [...env.signals, ...commands.signals] });
      }
      for (const { container, signals } of found) {
        const seen = new Set<string>();
        // A remote backend (or the local backend's path) keeps no state in the working directory: only an explicit
        // state file still counts.
        for (const signal of signals) {
          if (stateElsewhere && !signal.stateFile) continue;
          const resolved = resolvePathToStorage(object, pod, container, signal.path);
          if (!isLost(resolved, container)) continue;
          const key = `${JSON.stringify(signal.at)}\u0000${resolved.path}`;
          if (seen.has(key)) continue;
          seen.add(key);
          report({
            object,
            path: signal.at,
            message:
              `${describe(object)} container "${container.name}": ${signal.what} is lost with the ${lostWith(resolved)}: ` +
              `${signal.chain} → ${chainOf(resolved)}; use a PVC-backed volume or a remote state backend`,
          });
        }
      }
    }
  },
});

interface Signal {
  /** Absolute path the workload writes state to. */
  path: string;
  /** Where to report: the env entry's `value`, the argument, or `workingDir`. */
  at: NodePath;
  /** `the OpenTofu/Terraform working directory` etc. */
  what: string;
  /** The first link of the chain shown in the message. */
  chain: string;
  /** An explicit local state file (`-state`, `-backend-config=path=…`), which a remote backend elsewhere does not explain away. */
  stateFile?: boolean;
}

function isLost(resolved: ResolvedPath, container: ContainerView): boolean {
  // A read-only mount makes every write fail at once: loud, not silently lost.
  if (resolved.mount?.readOnly) return false;
  if (resolved.storage.lifetime === "ephemeral") return true;
  if (resolved.storage.lifetime !== "container-layer") return false;
  // A read-only root filesystem makes every write fail at once: loud, not silently lost.
  return getPath(container.container, ["securityContext", "readOnlyRootFilesystem"]) !== true;
}

function lostWith(resolved: ResolvedPath): string {
  return resolved.storage.lifetime === "container-layer" ? "container" : "Pod";
}

function chainOf(resolved: ResolvedPath): string {
  if (!resolved.mount) return `no volume mount covers ${resolved.path} → ${resolved.storage.description}`;
  const sub = resolved.mount.subPath ? ` (subPath ${resolved.mount.subPath})` : "";
  return `mount "${resolved.mount.name}" at ${resolved.mount.mountPath}${sub} → ${resolved.storage.description}`;
}

/** An absolute path, or one relative to an absolute `workingDir`; `undefined` when the base is unknown. */
function absolutePath(value: string, workingDir: unknown): string | undefined {
  if (value.startsWith("/")) return value;
  if (value === "" || value.startsWith("~") || value.startsWith("$")) return undefined;
  if (typeof workingDir === "string" && workingDir.startsWith("/")) return path.posix.join(workingDir, value);
  return undefined;
}

/**
 * Env var signals, and whether the environment places the state elsewhere: a remote backend's setting
 * (`TF_STATE_BUCKET`), or a `-backend-config` with a key in `TF_CLI_ARGS`/`TF_CLI_ARGS_init`.
 */
function envSignals(container: ContainerView, environment: ContainerEnvironment, stateGlobs: RegExp, ignoreGlobs: RegExp): { signals: Signal[]; stateElsewhere: boolean } {
  const out: Signal[] = [];
  let stateElsewhere = false;
  asArray(container.container.env).forEach((entry, index) => {
    if (!isObject(entry) || typeof entry.name !== "string") return;
    if (namesRemoteBackendSetting(entry.name)) {
      stateElsewhere = true; // TF_STATE_BUCKET and the like: a bucket, key or region, never a directory
      return;
    }
    const resolved = environment.vars.get(entry.name);
    if (resolved?.known && backendConfigInCliArgs(entry.name, resolved.value).some(placesStateByConfig)) stateElsewhere = true;
    if (typeof entry.value !== "string" || !stateGlobs.test(entry.name) || ignoreGlobs.test(entry.name)) return;
    // A later entry with the same name wins in the kubelet; only the last definition is checked.
    const later = asArray(container.container.env).slice(index + 1).some((e) => isObject(e) && e.name === entry.name);
    if (later || !resolved?.known) return;
    let value = resolved.value;
    if (/^file:\/\//.test(value)) value = value.slice("file://".length);
    else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return; // a remote backend URL (s3://, gs://, https://)
    if (!looksLikePath(entry.name, value)) return;
    const absolute = absolutePath(value, container.container.workingDir);
    if (!absolute) return;
    const shown = resolved.value === entry.value ? `${entry.name}=${entry.value}` : `${entry.name}=${entry.value} (= ${resolved.value})`;
    out.push({ path: absolute, at: [...container.path, "env", index, "value"], what: "the state directory", chain: shown });
  });
  return { signals: out, stateElsewhere };
}

/**
 * Whether a value is a path at all: absolute, or relative with a slash, a leading dot or a `.tfstate` name, or
 * held by a variable named for a path (`…DIR`, `…PATH`, `…FILE`). `TF_STATE=prod` names something; it is no directory.
 */
function looksLikePath(name: string, value: string): boolean {
  if (value.startsWith("/") || value.startsWith(".") || value.includes("/") || value.endsWith(".tfstate")) return true;
  return /(?:DIR|DIRECTORY|PATH|FILE|FOLDER)$/i.test(name);
}

interface Word {
  value: string | undefined;
  at: NodePath;
}

/** `command` + `args` after `$(VAR)` expansion; an image whose entrypoint is the CLI gets it prepended. */
function argvOf(container: ContainerView, environment: ContainerEnvironment): Word[] {
  const lookup = envLookup(environment);
  const words: Word[] = [];
  for (const field of ["command", "args"] as const) {
    asArray(container.container[field]).forEach((raw, i) => {
      const value = typeof raw === "string" ? expandKubernetesVars(raw, lookup) : typeof raw === "number" ? String(raw) : undefined;
      words.push({ value, at: [...container.path, field, i] });
    });
  }
  const entrypoint = iacEntrypointOfImage(container.container.image);
  if (container.container.command === undefined && words.length > 0 && entrypoint) words.unshift({ value: entrypoint, at: [...container.path, "image"] });
  return words;
}

/** Signals from the container's command line or `sh -c` script (read through the run's shell pass), and whether they place the state elsewhere. */
function commandSignals(container: ContainerView, environment: ContainerEnvironment, read: (script: string) => ScriptRead): { signals: Signal[]; stateElsewhere: boolean } {
  const argv = argvOf(container, environment);
  if (argv.length === 0) return { signals: [], stateElsewhere: false };
  const workingDir = container.container.workingDir;
  const values = argv.map((w) => w.value);
  const direct = parseIacInvocation(values);
  if (direct) {
    const at = (index: number | undefined): NodePath => (index === undefined ? undefined : argv[index]?.at) ?? container.path;
    const cwd = typeof workingDir === "string" && workingDir.startsWith("/") ? { dir: workingDir, shown: "workingDir" } : undefined;
    return { signals: invocationSignals(direct, cwd, at, [...container.path, "workingDir"], ""), stateElsewhere: placesState(direct) };
  }
  const shell = shellScriptOf(values);
  // The shell parser is slow (GopherJS) and most charts run scripts: parse only those that can run the CLI.
  if (!shell || !mentionsIacCli(shell.script)) return { signals: [], stateElsewhere: false };
  const scriptAt = argv[shell.index]?.at ?? container.path;
  const parsed = read(shell.script);
  // Not read (syntax error or limit): script-not-checked says so, no finding from a guess.
  if (!parsed.ok) return { signals: [], stateElsewhere: false };
  const lookup = envLookup(environment);
  const commands = simpleCommandsOf(parsed.file, (name) => {
    const v = lookup(name);
    return v?.known ? v.value : undefined;
  });
  const out: Signal[] = [];
  let stateElsewhere = false;
  let cwd: { dir: string; shown: string } | undefined =
    typeof workingDir === "string" && workingDir.startsWith("/") ? { dir: workingDir, shown: "workingDir" } : undefined;
  for (const command of commands) {
    const [first, target] = command.words;
    if (first === "cd") {
      const dir = target === undefined ? undefined : cwd ? absolutePath(target, cwd.dir) : absolutePath(target, undefined);
      cwd = dir ? { dir, shown: "cd" } : undefined;
      continue;
    }
    const invocation = parseIacInvocation(command.words);
    if (!invocation) continue;
    out.push(...invocationSignals(invocation, cwd, () => scriptAt, scriptAt, " in the script"));
    stateElsewhere ||= placesState(invocation);
  }
  return { signals: out, stateElsewhere };
}

/** `-backend-config` that says where state lives: a remote backend's key, or the local backend's `path`. */
function placesState(invocation: IacInvocation): boolean {
  return invocation.backendConfig.some((c) => placesStateByConfig(c.value));
}

function invocationSignals(
  invocation: IacInvocation,
  cwd: { dir: string; shown: string } | undefined,
  at: (index: number | undefined) => NodePath,
  cwdAt: NodePath,
  where: string,
): Signal[] {
  const label = invocation.binary === "tofu" ? "OpenTofu" : "Terraform";
  const sub = invocation.subcommand ? ` ${invocation.subcommand}` : "";
  const run = `${invocation.binary}${sub}`;
  const out: Signal[] = [];
  let workdir: string | undefined;
  if (invocation.chdir) {
    workdir = absolutePath(invocation.chdir.value, cwd?.dir);
    if (workdir) out.push({ path: workdir, at: at(invocation.chdir.index), what: `the ${label} working directory`, chain: `\`${invocation.binary} ${invocation.chdir.shown}${sub}\`${where}` });
  } else if (cwd && invocation.stateFiles.length === 0) {
    workdir = cwd.dir;
    out.push({ path: cwd.dir, at: cwd.shown === "workingDir" && where === "" ? cwdAt : at(undefined), what: `the ${label} working directory`, chain: `\`${run}\`${where} runs in ${cwd.dir} (${cwd.shown})` });
  }
  for (const state of invocation.stateFiles) {
    const file = absolutePath(state.value, workdir ?? cwd?.dir);
    if (file) out.push({ path: file, at: at(state.index), what: `the ${label} state file`, chain: `\`${run} ${state.shown}\`${where}`, stateFile: true });
  }
  // The local backend's own settings: its state file, or the directory of its workspaces' states.
  for (const config of invocation.backendConfig) {
    const key = backendConfigKey(config.value);
    if (key !== "path" && key !== "workspace_dir") continue;
    const file = absolutePath(config.value.slice(key.length + 1).trim(), workdir ?? cwd?.dir);
    const what = key === "path" ? `the ${label} state file` : `the ${label} workspace state directory`;
    if (file) out.push({ path: file, at: at(config.index), what, chain: `\`${run} ${config.shown}\`${where}`, stateFile: true });
  }
  return out;
}
