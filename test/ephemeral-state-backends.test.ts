import { describe, expect, it } from "vitest";
import { lintJson, type JsonFinding } from "./support/cli.js";

const RULE = "ephemeral-state-dir";

/** A Deployment that applies in /work (an emptyDir), with extra container lines and init containers. */
function runner(container: string, initContainers = ""): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: runner
spec:
  template:
    spec:
${initContainers}      containers:
        - name: runner
          image: ghcr.io/opentofu/opentofu:1.8
          workingDir: /work
${container}          volumeMounts:
            - {name: work, mountPath: /work}
      volumes:
        - {name: work, emptyDir: {}}
`;
}

async function findings(yaml: string): Promise<JsonFinding[]> {
  return (await lintJson(["-", "--stdin-filename", "runner.yaml"], { stdin: yaml })).findings.filter((f) => f.ruleId === RULE);
}

const WORKDIR_LOST =
  'Deployment "runner" container "runner": the OpenTofu working directory is lost with the Pod: `tofu apply` runs in /work (workingDir) → ' +
  'mount "work" at /work → emptyDir; use a PVC-backed volume or a remote state backend';

describe("ephemeral-state-dir and remote backends", () => {
  it("reports the working directory when nothing says where the state lives", async () => {
    const [finding, ...rest] = await findings(runner('          args: ["apply", "-auto-approve"]\n'));
    expect(rest).toEqual([]);
    expect([finding!.file, finding!.line, finding!.column, finding!.severity, finding!.message]).toEqual(["runner.yaml", 11, 11, "error", WORKDIR_LOST]);
  });

  it.each([
    ["a remote -backend-config key in the args", '          args: ["init", "-backend-config=bucket=acme-state"]\n'],
    ["-backend-config KEY=VALUE as two words", '          args: ["init", "-backend-config", "address=https://state.example.org/app"]\n'],
    ["TF_STATE_BUCKET", '          args: ["apply"]\n          env:\n            - {name: TF_STATE_BUCKET, value: acme-state}\n'],
    ["TOFU_BACKEND_REGION", '          args: ["apply"]\n          env:\n            - {name: TOFU_BACKEND_REGION, value: eu-west-1}\n'],
    ["TF_CLI_ARGS_init", '          args: ["apply"]\n          env:\n            - {name: TF_CLI_ARGS_init, value: "-backend-config=key=prod.tfstate -upgrade"}\n'],
  ])("stays silent on the working directory with %s", async (_name, container) => {
    expect(await findings(runner(container))).toEqual([]);
  });

  it("takes the evidence from any container of the Pod: an init container that configures the backend", async () => {
    const init = '      initContainers:\n        - name: init\n          image: ghcr.io/opentofu/opentofu:1.8\n          args: ["init", "-backend-config=prefix=apps/prod"]\n';
    expect(await findings(runner('          args: ["apply"]\n', init))).toEqual([]);
  });

  it.each([
    ["a -backend-config file (contents unknown)", '          args: ["apply"]\n          env:\n            - {name: TF_CLI_ARGS_init, value: "-backend-config=backend.hcl"}\n'],
    ["workspace_dir, which moves only the other workspaces", '          args: ["apply"]\n          env:\n            - {name: TF_CLI_ARGS_init, value: "-backend-config=workspace_dir=/state"}\n'],
    ["a backend-like name without a state word", '          args: ["apply"]\n          env:\n            - {name: TF_BUCKET, value: acme-state}\n'],
  ])("still reports the working directory with %s", async (_name, container) => {
    expect((await findings(runner(container))).map((f) => f.message)).toEqual([WORKDIR_LOST]);
  });

  it("keeps reporting an explicit local state file on ephemeral storage, remote evidence or not", async () => {
    const container =
      '          args: ["init", "-backend-config=path=/work/state/terraform.tfstate"]\n          env:\n            - {name: TF_STATE_BUCKET, value: acme-state}\n';
    const found = await findings(runner(container));
    expect(found.map((f) => [f.line, f.column, f.message])).toEqual([
      [
        12,
        26,
        'Deployment "runner" container "runner": the OpenTofu state file is lost with the Pod: `tofu init -backend-config=path=/work/state/terraform.tfstate` → ' +
          'mount "work" at /work → emptyDir; use a PVC-backed volume or a remote state backend',
      ],
    ]);
  });

  it.each([
    ["TF_STATE_KEY", "env/prod/terraform.tfstate"],
    ["TF_STATE_REGION", "us-east-1"],
    ["TF_STATE", "prod"],
  ])("never reads %s=%s as a state directory", async (name, value) => {
    const container = `          env:\n            - {name: ${name}, value: ${value}}\n`;
    expect(await findings(runner(container))).toEqual([]);
  });

  it.each([
    ["TF_STATE", "terraform.tfstate"],
    ["TF_STATE", "./state"],
    ["CATALYST_TOFU_STATE_DIR", "state"],
  ])("reads %s=%s, a relative path, against workingDir", async (name, value) => {
    const container = `          env:\n            - {name: ${name}, value: ${value}}\n`;
    expect((await findings(runner(container))).map((f) => f.message)).toEqual([
      `Deployment "runner" container "runner": the state directory is lost with the Pod: ${name}=${value} → mount "work" at /work → emptyDir; use a PVC-backed volume or a remote state backend`,
    ]);
  });
});
