import { describe, expect, it } from "vitest";
import { lintJson, type JsonFinding } from "./support/cli.js";

const RULE = "ephemeral-state-dir";

/** A Deployment "runner" with an emptyDir "work" and a PVC "data"; `containers` are list items indented 8 spaces. */
function deployment(containers: string, initContainers = ""): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: runner
spec:
  template:
    spec:
${initContainers}      containers:
${containers}      volumes:
        - {name: work, emptyDir: {}}
        - {name: data, persistentVolumeClaim: {claimName: runner-data}}
`;
}

/** The container "runner" running `image`, with `lines` (indented 10 spaces), /work and /data mounted. */
function container(image: string, lines: string): string {
  return `        - name: runner
          image: ${image}
${lines}          volumeMounts:
            - {name: work, mountPath: /work}
            - {name: data, mountPath: /data}
`;
}

/** A Deployment that applies in /work (an emptyDir), with extra container lines and init containers. */
function runner(lines: string, initContainers = ""): string {
  return deployment(container("ghcr.io/opentofu/opentofu:1.8", `          workingDir: /work\n${lines}`), initContainers);
}

async function findings(yaml: string): Promise<JsonFinding[]> {
  const report = await lintJson(["-", "--stdin-filename", "runner.yaml"], { stdin: yaml });
  // A rule that throws reports nothing at all: that must fail a test of silence, not pass it.
  expect(report.stderr).not.toContain(`rule ${RULE} failed`);
  return report.findings.filter((f) => f.ruleId === RULE);
}

/** The rule's findings in `yaml` as [line, column, message]. */
async function located(yaml: string): Promise<Array<[number, number, string]>> {
  return (await findings(yaml)).map((f) => [f.line, f.column, f.message]);
}

/** Line and column (1-based) where `needle` first occurs in `yaml`. */
function positionOf(yaml: string, needle: string): [number, number] {
  const offset = yaml.indexOf(needle);
  if (offset === -1) throw new Error(`${needle} is not in the manifest`);
  const lines = yaml.slice(0, offset).split("\n");
  return [lines.length, lines.at(-1)!.length + 1];
}

/** The message for `what` lost on the emptyDir at /work, from the signal `chain`. */
const lost = (what: string, chain: string): string =>
  `Deployment "runner" container "runner": ${what} is lost with the Pod: ${chain} → mount "work" at /work → emptyDir; use a PVC-backed volume or a remote state backend`;

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

  it("keeps reporting a -state-out file on ephemeral storage next to TF_STATE_BUCKET", async () => {
    const yaml = runner('          args: ["apply", "-state-out=/work/out.tfstate"]\n          env:\n            - {name: TF_STATE_BUCKET, value: acme-state}\n');
    expect(await located(yaml)).toEqual([
      [...positionOf(yaml, '"-state-out='), lost("the OpenTofu state file", "`tofu apply -state-out=/work/out.tfstate`")],
    ]);
  });

  it.each([
    ["TF_STATE_KEY", "env/prod/terraform.tfstate"],
    ["TF_STATE_REGION", "us-east-1"],
    ["TF_STATE", "prod"],
    // PATH inside the name, not at its end: a flag, not a path.
    ["TF_STATE_USE_PATH_STYLE", "true"],
    // Remote backend URLs, whatever the scheme's length.
    ["PULUMI_BACKEND_URL", "s3://acme-state/pulumi"],
    ["PULUMI_BACKEND_URL", "https://api.pulumi.com"],
    // Left as written by the kubelet: the program (or a shell) may expand them, so the directory is unknown.
    ["TOFU_WORKDIR", "~/stack"],
    ["TOFU_WORKDIR", "$HOME/stack"],
    ["TOFU_WORKDIR", ""],
  ])("never reads %s=%s as a state directory", async (name, value) => {
    const container = `          env:\n            - {name: ${name}, value: ${JSON.stringify(value)}}\n`;
    expect(await findings(runner(container))).toEqual([]);
  });

  it.each([
    ["TF_STATE", "terraform.tfstate"],
    ["TF_STATE", "./state"],
    ["CATALYST_TOFU_STATE_DIR", "state"],
    // A slash, or a leading dot, is enough.
    ["TF_STATE", "live/prod"],
    ["TF_STATE", ".state"],
  ])("reads %s=%s, a relative path, against workingDir", async (name, value) => {
    const yaml = runner(`          env:\n            - {name: ${name}, value: ${value}}\n`);
    expect(await located(yaml)).toEqual([
      [...positionOf(yaml, `value: ${value}}`), lost("the state directory", `${name}=${value}`)],
    ]);
  });
});

describe("ephemeral-state-dir env entries", () => {
  it("checks only the last entry of a name, the one the kubelet keeps", async () => {
    const yaml = runner("          env:\n            - {name: TOFU_WORKDIR, value: /opt/stack}\n            - {name: TOFU_WORKDIR, value: /work/stack}\n");
    expect(await located(yaml)).toEqual([
      [...positionOf(yaml, "value: /work/stack"), lost("the state directory", "TOFU_WORKDIR=/work/stack")],
    ]);
  });

  it("skips entries and arguments the API server rejects, and still reports the rest", async () => {
    const yaml = runner(
      '          args: ["apply", 2]\n          env:\n            - null\n            - {value: /work/nameless}\n            - {name: 5, value: /work/numbered}\n' +
        "            - {name: TOFU_STATE_DIR, value: 5}\n" +
        "            - {name: TOFU_WORKDIR, value: /work/stack}\n",
    );
    expect(await located(yaml)).toEqual([
      [...positionOf(yaml, "workingDir"), lost("the OpenTofu working directory", "`tofu apply` runs in /work (workingDir)")],
      [...positionOf(yaml, "value: /work/stack"), lost("the state directory", "TOFU_WORKDIR=/work/stack")],
    ]);
  });
});

describe("ephemeral-state-dir command lines and scripts", () => {
  /** The Deployment with one container of `image` and `lines`; its findings and the manifest. */
  async function lint(image: string, lines: string): Promise<{ yaml: string; found: Array<[number, number, string]> }> {
    const yaml = deployment(container(image, lines));
    return { yaml, found: await located(yaml) };
  }
  const script = (text: string): string => `          command: ["/bin/sh", "-c", ${JSON.stringify(text)}]\n`;

  it("still reports a state directory env var when the command line runs no CLI", async () => {
    const { yaml, found } = await lint("example/api:1", '          args: ["--listen=:8080"]\n          env:\n            - {name: API_TOFU_WORKDIR, value: /work/tofu}\n');
    expect(found).toEqual([[...positionOf(yaml, "value: /work/tofu"), lost("the state directory", "API_TOFU_WORKDIR=/work/tofu")]]);
  });

  it("guesses nothing from a script it cannot parse, and still reports the env var", async () => {
    const yaml = deployment(container("example/runner:1", `${script("cd /work/stack && tofu apply; fi")}          env:\n            - {name: TOFU_WORKDIR, value: /work/tofu}\n`));
    const report = await lintJson(["-", "--stdin-filename", "runner.yaml"], { stdin: yaml });
    expect(report.findings.filter((f) => f.ruleId === "script-not-checked").map((f) => f.line)).toEqual([positionOf(yaml, "command:")[0]]);
    expect(await located(yaml)).toEqual([
      [...positionOf(yaml, "value: /work/tofu"), lost("the state directory", "TOFU_WORKDIR=/work/tofu")],
    ]);
  });

  it("runs a script in workingDir until a cd", async () => {
    const { yaml, found } = await lint("example/runner:1", `          workingDir: /work\n${script("tofu init && tofu apply -auto-approve")}`);
    expect(found).toEqual([[...positionOf(yaml, '"tofu init'), lost("the OpenTofu working directory", "`tofu init` in the script runs in /work (workingDir)")]]);
  });

  it("knows no directory after a cd to an unset variable, and still reads the rest of the script", async () => {
    const text = 'cd "$RUNNER_TEMP/stack"; tofu apply -auto-approve; tofu -chdir=/work/live apply -auto-approve';
    const { yaml, found } = await lint("example/runner:1", `          workingDir: /work\n${script(text)}`);
    expect(found).toEqual([[...positionOf(yaml, '"cd '), lost("the OpenTofu working directory", "`tofu -chdir=/work/live apply` in the script")]]);
  });

  it.each([
    ["no workingDir", ""],
    ["a relative workingDir (no base either)", "          workingDir: work\n"],
  ])("resolves nothing against %s", async (_name, workingDir) => {
    const env = "          env:\n            - {name: TOFU_STATE_DIR, value: state}\n";
    expect((await lint("example/runner:1", `${workingDir}${script("tofu apply -auto-approve")}${env}`)).found).toEqual([]);
  });

  it("reads a script that overrides the command of a CLI image, not the image's entrypoint", async () => {
    const { yaml, found } = await lint("hashicorp/terraform:1.9", script("cd /work/stack && terraform apply -auto-approve"));
    expect(found).toEqual([[...positionOf(yaml, '"cd '), lost("the Terraform working directory", "`terraform apply` in the script runs in /work/stack (cd)")]]);
  });

  it("reports a -chdir working directory when the subcommand is only known at runtime", async () => {
    const env = "          env:\n            - name: TOFU_COMMAND\n              valueFrom: {configMapKeyRef: {name: runner, key: command}}\n";
    const { yaml, found } = await lint("example/runner:1", `          command: ["tofu", "-chdir=/work/stack", "$(TOFU_COMMAND)"]\n${env}`);
    expect(found).toEqual([[...positionOf(yaml, '"-chdir='), lost("the OpenTofu working directory", "`tofu -chdir=/work/stack`")]]);
  });

  it.each([
    ["-chdir", '"-chdir=stack", "apply"'],
    ["-state-out", '"apply", "-state-out=out.tfstate"'],
    ["-backend-config=path=", '"init", "-backend-config=path=terraform.tfstate"'],
  ])("resolves no relative %s without a workingDir", async (_name, words) => {
    expect((await lint("example/runner:1", `          command: ["tofu", ${words}]\n`)).found).toEqual([]);
  });

  it("reports an absolute -backend-config=path= without a workingDir", async () => {
    const { yaml, found } = await lint("example/runner:1", '          command: ["tofu", "init", "-backend-config=path=/work/terraform.tfstate"]\n');
    expect(found).toEqual([[...positionOf(yaml, '"-backend-config='), lost("the OpenTofu state file", "`tofu init -backend-config=path=/work/terraform.tfstate`")]]);
  });

  it("reports no working directory when -state puts the state on a PVC", async () => {
    expect(await findings(runner('          args: ["apply", "-state=/data/terraform.tfstate"]\n'))).toEqual([]);
  });

  // workingDir is on the PVC below: only a path resolved against -chdir is on the emptyDir.
  it("resolves a relative -state-out against -chdir, not workingDir", async () => {
    const { yaml, found } = await lint("example/runner:1", '          workingDir: /data\n          command: ["tofu", "-chdir=/work/stack", "apply", "-state-out=out.tfstate"]\n');
    expect(found).toEqual([
      [...positionOf(yaml, '"-chdir='), lost("the OpenTofu working directory", "`tofu -chdir=/work/stack apply`")],
      [...positionOf(yaml, '"-state-out='), lost("the OpenTofu state file", "`tofu apply -state-out=out.tfstate`")],
    ]);
  });

  it("resolves a relative -backend-config=path= against -chdir, and reports only that state file", async () => {
    const { yaml, found } = await lint("example/runner:1", '          workingDir: /data\n          command: ["tofu", "-chdir=/work/stack", "init", "-backend-config=path=state/terraform.tfstate"]\n');
    expect(found).toEqual([[...positionOf(yaml, '"-backend-config='), lost("the OpenTofu state file", "`tofu init -backend-config=path=state/terraform.tfstate`")]]);
  });
});
