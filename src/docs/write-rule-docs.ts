import { writeFileSync } from "node:fs";
import path from "node:path";
import { catalogue } from "../../rules/index.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { configSchemaJson } from "./config-schema.js";
import { rulesMarkdown } from "./rule-docs.js";

writeFileSync(path.join(PACKAGE_ROOT, "docs", "rules.md"), rulesMarkdown(catalogue));
console.log(`wrote docs/rules.md (${catalogue.length} rules and notices)`);
writeFileSync(path.join(PACKAGE_ROOT, "docs", "gitops-lint.schema.json"), configSchemaJson(catalogue));
console.log("wrote docs/gitops-lint.schema.json");
