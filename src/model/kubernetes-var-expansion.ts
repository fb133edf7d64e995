import { asArray, isObject, type JsonObject } from "../util/json.js";

/**
 * What a container's environment tells us about one variable: its literal value, or that it exists but its
 * value is only known at runtime (`valueFrom`, or possibly any name when the container has `envFrom`).
 */
export type EnvValue = { known: true; value: string } | { known: false };

export interface ContainerEnvironment {
  /** Variables defined by `env` entries, in order, with the value each has after Kubernetes expanded it. */
  readonly vars: ReadonlyMap<string, EnvValue>;
  /** `envFrom` can define any name at runtime, so a name absent from `env` is not necessarily undefined. */
  readonly hasEnvFrom: boolean;
}

/**
 * `$(VAR)` expansion exactly as the kubelet does it (k8s.io/kubernetes third_party/forked/golang/expansion):
 * `$$` is an escaped `$`; `$(NAME)` becomes the variable's value; a reference to an undefined variable, an
 * unclosed `$(`, and a `$` before any other character stay literal. Returns `undefined` when the result
 * depends on a value only known at runtime.
 */
export function expandKubernetesVars(text: string, lookup: (name: string) => EnvValue | undefined): string | undefined {
  // Copies the text between `$`s in slices: most values have none, and scripts run to kilobytes.
  let out = "";
  let from = 0;
  for (let dollar = text.indexOf("$"); dollar !== -1 && dollar + 1 < text.length; dollar = text.indexOf("$", from)) {
    out += text.slice(from, dollar);
    const next = text[dollar + 1];
    if (next === "(") {
      // The name runs to the first `)`: `$(a $(b))` names "a $(b", as in the kubelet.
      const close = text.indexOf(")", dollar + 2);
      if (close === -1) {
        // Unclosed: the kubelet keeps `$(` and reads on, so a later `$$` is still unescaped.
        out += "$(";
        from = dollar + 2;
        continue;
      }
      const name = text.slice(dollar + 2, close);
      const value = lookup(name);
      if (value === undefined) out += `$(${name})`;
      else if (!value.known) return undefined;
      else out += value.value;
      from = close + 1;
    } else {
      out += "$"; // `$$` is an escaped `$`; a `$` before anything else stays
      from = next === "$" ? dollar + 2 : dollar + 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * The container's environment as the kubelet builds it: each `env[].value` is expanded against the entries
 * defined before it (later entries are not visible yet), `valueFrom` entries are runtime-only.
 */
export function containerEnvironmentOf(container: JsonObject): ContainerEnvironment {
  const vars = new Map<string, EnvValue>();
  const hasEnvFrom = asArray(container.envFrom).length > 0;
  for (const entry of asArray(container.env)) {
    if (!isObject(entry) || typeof entry.name !== "string") continue;
    if (entry.valueFrom !== undefined) {
      vars.set(entry.name, { known: false });
      continue;
    }
    const raw = typeof entry.value === "string" ? entry.value : entry.value === undefined || entry.value === null ? "" : String(entry.value);
    const expanded = expandKubernetesVars(raw, (name) => lookupIn(vars, hasEnvFrom, name));
    vars.set(entry.name, expanded === undefined ? { known: false } : { known: true, value: expanded });
  }
  return { vars, hasEnvFrom };
}

/** Lookup for `command`/`args` expansion, which sees every `env` entry. */
export function envLookup(environment: ContainerEnvironment): (name: string) => EnvValue | undefined {
  return (name) => lookupIn(environment.vars, environment.hasEnvFrom, name);
}

function lookupIn(vars: ReadonlyMap<string, EnvValue>, hasEnvFrom: boolean, name: string): EnvValue | undefined {
  const found = vars.get(name);
  if (found) return found;
  return hasEnvFrom ? { known: false } : undefined;
}
