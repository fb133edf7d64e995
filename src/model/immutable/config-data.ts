import { isObject } from "../../util/json.js";
import type { K8sObject } from "../objects.js";
import { goQuote } from "./go-format.js";
import type { FieldChange, KindRules } from "./types.js";

const LOCKED = "field is immutable when `immutable` is set";

/**
 * ConfigMap and Secret (pkg/apis/core/validation/validation.go `ValidateConfigMapUpdate`,
 * `ValidateSecretUpdate`): once `immutable: true` is stored, `immutable` may not be unset and the data
 * may not change; a Secret's `type` never changes (`Opaque` when left out). Secret `stringData` is
 * merged into `data` before validation, so the decoded bytes are compared.
 */
export const configDataRules: KindRules = {
  kinds: ["ConfigMap", "Secret"],
  apiVersions: ["v1"],
  changes(base, head) {
    const out: FieldChange[] = [];
    if (head.kind === "Secret") {
      const oldType = secretType(base);
      const newType = secretType(head);
      if (oldType !== newType) {
        out.push({
          path: ["type"],
          error: `type: Invalid value: ${goQuote(newType)}: field is immutable`,
          change: `type ${JSON.stringify(oldType)} → ${JSON.stringify(newType)}`,
          effect: "rejected",
        });
      }
    }
    if (base.body.immutable !== true) return out;
    if (head.body.immutable !== true) {
      out.push({ path: ["immutable"], error: `immutable: Forbidden: ${LOCKED}`, change: "immutable: true removed", effect: "rejected" });
    }
    const fields = head.kind === "Secret" ? [["data", secretData] as const] : [["data", plain] as const, ["binaryData", decoded] as const];
    for (const [field, read] of fields) {
      const key = changedKey(read(base, field), read(head, field));
      if (key === undefined) continue;
      out.push({
        path: keyPath(head, field, key.name),
        error: `${field}: Forbidden: ${LOCKED}`,
        change: `${key.inHead ? (key.inBase ? "changed" : "added") : "removed"} key ${JSON.stringify(key.name)} of an immutable ${head.kind}`,
        effect: "rejected",
      });
    }
    return out;
  },
};

/** Where a key is written in the head: a Secret's `stringData` entry wins over its `data`. */
function keyPath(head: K8sObject, field: string, name: string): string[] {
  const from = head.kind === "Secret" && isObject(head.body.stringData) && name in head.body.stringData ? "stringData" : field;
  return isObject(head.body[from]) && name in (head.body[from] as object) ? [from, name] : [from];
}

function secretType(object: K8sObject): string {
  return typeof object.body.type === "string" && object.body.type !== "" ? object.body.type : "Opaque";
}

type Read = (object: K8sObject, field: string) => Map<string, string>;

const plain: Read = (object, field) => entries(object.body[field], (v) => v);
const decoded: Read = (object, field) => entries(object.body[field], (v) => Buffer.from(v, "base64").toString("latin1"));
/** `data` (base64) with `stringData` (plain text) written over it, as the API server merges them. */
const secretData: Read = (object) => {
  const out = decoded(object, "data");
  for (const [key, value] of entries(object.body.stringData, (v) => Buffer.from(v, "utf8").toString("latin1"))) out.set(key, value);
  return out;
};

function entries(map: unknown, read: (value: string) => string): Map<string, string> {
  const out = new Map<string, string>();
  if (isObject(map)) for (const [key, value] of Object.entries(map)) out.set(key, read(typeof value === "string" ? value : String(value ?? "")));
  return out;
}

function changedKey(before: Map<string, string>, after: Map<string, string>): { name: string; inBase: boolean; inHead: boolean } | undefined {
  for (const [name, value] of after) if (before.get(name) !== value) return { name, inBase: before.has(name), inHead: true };
  for (const name of before.keys()) if (!after.has(name)) return { name, inBase: true, inHead: false };
  return undefined;
}
