import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGoRegexp } from "../src/model/go-regexp.js";

function matches(pattern: string, text: string): boolean {
  const compiled = compileGoRegexp(pattern);
  if (!compiled.ok) throw new Error(`${pattern}: ${compiled.error}`);
  return compiled.regexp.test(text);
}

describe("Go regexp syntax", () => {
  it.each([
    ["a(?=b)", /invalid or unsupported Perl syntax: `\(\?=`/],
    ["a(?!b)", /invalid or unsupported Perl syntax: `\(\?!`/],
    ["(?<=a)b", /invalid named capture/],
    ["(?<!a)b", /invalid named capture/],
    ["(a)\\1", /invalid escape sequence: `\\1`/],
    ["(?P<x>a)(?P=x)", /invalid or unsupported Perl syntax|invalid named capture/],
    ["(?>a+)", /invalid or unsupported Perl syntax/],
    ["a*+", /nested repetition/],
    ["a++", /nested repetition/],
    ["a**", /nested repetition/],
    ["a*??", /nested repetition/],
    ["a{2}{3}", /nested repetition/],
    ["a{1001}", /repeat count/],
    ["a{5,2}", /repeat count/],
    ["\\y", /escape/],
    ["\\Z", /escape/],
    ["\\C", /escape/],
    ["[\\b]", /escape/],
    ["api-(token", /missing closing \)/],
    ["token)", /unexpected \)/],
    ["*a", /missing argument/],
    ["[a-", /missing closing \]/],
    ["[z-a]", /range/],
    ["\\", /trailing backslash/],
    ["\\p{NoSuchScript}", /character class/],
  ])("rejects %s as Go does", (pattern, error) => {
    const result = compileGoRegexp(pattern);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });

  it.each([
    ["(?i)API-token", "api-TOKEN", true],
    ["(?P<env>prod|stage)-db", "stage-db", true],
    ["(?<env>prod|stage)-db", "prod-db", true],
    ["(?i:app)-config", "APP-config", true],
    ["(?s).+", "a\nb", true],
    ["jwt-[[:alnum:]]+", "jwt-2026abc", true],
    ["jwt-[[:digit:]]+", "jwt-abc", false],
    ["\\Qa.b\\E", "a.b", true],
    ["\\Qa.b\\E", "axb", false],
    ["\\Aapp\\z", "app", true],
    ["tls-\\d{1,4}", "tls-2026", true],
    ["a*?b", "aaab", true],
    ["x{2}?", "xx", true],
    ["a{,3}", "a{,3}", true],
    ["\\-\\.\\:", "-.:", true],
    ["[]a]+", "]a]", true],
    ["\\x41\\x{42}\\101", "ABA", true],
    ["\\pL+", "äbc", true],
    ["\\p{Greek}", "λ", true],
    ["\\PL", "1", true],
    ["a]", "a]", true],
    ["a}", "a}", true],
    ["[[:^digit:]x]", "y", true],
    // Go scopes an inline flag to its group, or to the rest of the pattern from where it stands.
    ["(?i:app)-config", "APP-CONFIG", false],
    ["(?i:app)-config", "APP-config", true],
    ["a(?i)b", "AB", false],
    ["a(?i)b", "aB", true],
    ["[[:^digit:]]", "5", false],
    ["[[:^digit:]]", "x", true],
    // Go accepts \_ (regexp/syntax: "too many programs and people insist on using it").
    ["a\\_b", "a_b", true],
  ])("accepts %s like Go (against %j: %s)", (pattern, text, expected) => {
    expect(matches(`^${pattern}$`, text)).toBe(expected);
  });

  it("gives Go's error text, which Reloader's regexp.MustCompile panics with", () => {
    expect(compileGoRegexp("^agent-(tls$")).toEqual({ ok: false, error: "error parsing regexp: missing closing ): `^agent-(tls$`" });
    expect(compileGoRegexp("^token)$")).toEqual({ ok: false, error: "error parsing regexp: unexpected ): `^token)$`" });
    expect(compileGoRegexp("^a**$")).toEqual({ ok: false, error: "error parsing regexp: invalid nested repetition operator: `**`" });
  });

  it("keeps Go's unanchored search: Reloader's ^a|b$ matches any name that ends in b", () => {
    expect(matches("^api|token$", "my-token")).toBe(true);
    expect(matches("^api|token$", "api-x")).toBe(true);
    expect(matches("^(api|token)$", "my-token")).toBe(false);
  });

  it("treats a Kubernetes object name as the pattern that matches that name in full", () => {
    const dnsLabel = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/);
    fc.assert(
      fc.property(dnsLabel, dnsLabel, (name, other) => {
        expect(matches(`^${name}$`, name)).toBe(true);
        expect(matches(`^${name}$`, other)).toBe(name === other);
      }),
    );
  });
});
