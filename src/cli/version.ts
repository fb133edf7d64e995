import { readFileSync } from "node:fs";
import path from "node:path";
import { BUNDLE_VERSION } from "../bundle-version.js";
import { PACKAGE_ROOT } from "../package-root.js";

export const VERSION: string = BUNDLE_VERSION ?? (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
