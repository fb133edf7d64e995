/**
 * What a workload shows about its OpenTofu/Terraform backend. The local backend (the default) keeps state in
 * the working directory and accepts only `path` and `workspace_dir` (`internal/backend/local`, both tools);
 * any other `-backend-config` key configures a remote backend (s3 `bucket`/`key`/`region`, gcs `prefix`,
 * azurerm `container_name`, http `address`, …), which keeps no state in the working directory.
 */

/** A `-backend-config` value: `key=value`, or a file of settings (`key` undefined: its contents are unknown). */
export function backendConfigKey(value: string): string | undefined {
  const eq = value.indexOf("=");
  return eq > 0 ? value.slice(0, eq).trim() : undefined;
}

/**
 * A `-backend-config=key=value` that moves the state out of the working directory: any key but `workspace_dir`
 * (which holds only the other workspaces' states) is either the local backend's `path` or a remote backend's.
 */
export function placesStateByConfig(value: string): boolean {
  const key = backendConfigKey(value);
  return key !== undefined && key !== "workspace_dir";
}

/** `TF_CLI_ARGS`, `TF_CLI_ARGS_init`: extra arguments both CLIs add to every (or the named) command. */
const CLI_ARGS_ENV = /^TF_CLI_ARGS(?:_init)?$/;

/** `-backend-config` values in a `TF_CLI_ARGS`/`TF_CLI_ARGS_init` value (split on blanks, as the CLIs do for unquoted text). */
export function backendConfigInCliArgs(name: string, value: string): string[] {
  if (!CLI_ARGS_ENV.test(name)) return [];
  const words = value.split(/\s+/).filter((w) => w !== "");
  const out: string[] = [];
  words.forEach((word, i) => {
    const match = /^--?backend-config(?:=(.*))?$/.exec(word);
    if (!match) return;
    const config = match[1] ?? words[i + 1];
    if (config !== undefined) out.push(config);
  });
  return out;
}

const TOOL_WORDS = new Set(["TF", "TOFU", "OPENTOFU", "TERRAFORM"]);
const STATE_WORDS = new Set(["STATE", "BACKEND"]);
/** Remote backends' settings (s3, gcs, azurerm, http, consul, cos, oss, pg, kubernetes, remote/cloud) as variable-name words. */
const SETTING_WORDS = new Set([
  "BUCKET", "KEY", "REGION", "TABLE", "ENDPOINT", "PROFILE", "ARN", "ROLE", "PREFIX", "CONTAINER", "ACCOUNT", "ADDRESS",
  "HOSTNAME", "ORGANIZATION", "ORG", "PROJECT", "NAMESPACE", "SCHEMA", "WORKSPACE", "WORKSPACES", "CREDENTIALS",
  "TOKEN", "PASSWORD", "USERNAME",
]);

/**
 * A variable that names a remote backend's setting, such as `TF_STATE_BUCKET`, `TOFU_STATE_KEY`,
 * `TERRAFORM_BACKEND_REGION`: a word for the tool, one for state or backend, and one for a setting. Its value
 * is a bucket, key, region or credential, never a directory, and its presence says the backend is remote.
 */
export function namesRemoteBackendSetting(name: string): boolean {
  const words = name.toUpperCase().split(/[_-]+/);
  return words.some((w) => TOOL_WORDS.has(w)) && words.some((w) => STATE_WORDS.has(w)) && words.some((w) => SETTING_WORDS.has(w));
}
