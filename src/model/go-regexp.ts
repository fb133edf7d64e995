import { createRequire } from "node:module";

type Re2js = typeof import("re2js");
let re2js: Re2js | undefined;

/** re2js, loaded on first use: its Unicode tables take ~8 ms to build at start-up, and only a Reloader regex needs them. */
function re2(): Re2js {
  re2js ??= createRequire(import.meta.url)("re2js") as Re2js;
  return re2js;
}

/** A compiled Go regexp: `test` is Go's unanchored `Match`, as Reloader calls it. */
export interface GoRegexp {
  test(text: string): boolean;
}

export type GoRegexpResult = { ok: true; regexp: GoRegexp } | { ok: false; error: string };

/**
 * A Go `regexp` (RE2 syntax) pattern, compiled and run by re2js, a port of RE2 with Go's syntax and semantics
 * (scoped inline flags, POSIX classes, `\Q…\E`, no lookaround or backreferences) and Go's error text
 * (`error parsing regexp: missing closing ): `…``), which is what Reloader's `regexp.MustCompile` panics with.
 */
export function compileGoRegexp(pattern: string): GoRegexpResult {
  const { RE2JS, RE2JSSyntaxException } = re2();
  try {
    const compiled = RE2JS.compile(pattern);
    return { ok: true, regexp: { test: (text) => compiled.matcher(text).find() } };
  } catch (error) {
    if (error instanceof RE2JSSyntaxException) return { ok: false, error: error.message };
    throw error;
  }
}
