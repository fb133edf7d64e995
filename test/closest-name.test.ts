import { describe, expect, it } from "vitest";
import { closestName } from "../src/util/closest-name.js";

// One "did you mean" for every rule: Helm hook names (case-insensitive in Helm) and Reloader entries
// (where a missing release-name prefix is the usual mistake).
describe("closestName", () => {
  it("suggests the nearest candidate within a third of the longer name", () => {
    expect(closestName("pre-instal", ["post-install", "pre-install"])).toBe("pre-install");
    expect(closestName("backup-credentails", ["backup-credentials", "backup-config"])).toBe("backup-credentials");
  });

  it("ignores case, and returns the candidate as written", () => {
    expect(closestName("PRE-INSTALL", ["pre-install"])).toBe("pre-install");
    expect(closestName("hook-succeed", ["Hook-Succeeded"])).toBe("Hook-Succeeded");
  });

  it("accepts a name that contains the other, however far apart", () => {
    expect(closestName("fqdn", ["platform-settings", "platform-sovereign-fqdn"])).toBe("platform-sovereign-fqdn");
    expect(closestName("succeeded", ["before-hook-creation", "hook-succeeded", "hook-failed"])).toBe("hook-succeeded");
  });

  it("suggests nothing for unrelated names or very short fragments", () => {
    expect(closestName("spring-cloud-kubernetes-config", ["app-config", "db-scripts"])).toBeUndefined();
    expect(closestName("on-success", ["before-hook-creation", "hook-succeeded", "hook-failed"])).toBeUndefined();
    expect(closestName("db", ["app-config-db"])).toBeUndefined();
  });

  it("prefers the nearer of two candidates and the first of two equally near", () => {
    expect(closestName("app-confg", ["app-configs", "app-config"])).toBe("app-config");
    expect(closestName("api-tokn", ["api-tokan", "api-toke"])).toBe("api-tokan");
  });
});
