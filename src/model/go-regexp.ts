/**
 * Go `regexp` (RE2 syntax) patterns, checked and run with JavaScript's RegExp.
 *
 * JavaScript's syntax is close to Go's but not the same, so the pattern is walked once: constructs Go
 * rejects are reported with Go's wording (lookahead/lookbehind, backreferences, atomic groups, possessive
 * quantifiers, escapes Go does not know, repeat counts above 1000); Go-only constructs are translated
 * (`(?P<name>`, inline flags `(?i)` / `(?s:…)`, `\A`, `\z`, `\Q…\E`, POSIX classes `[[:alpha:]]`); the
 * result is compiled with the `u` flag, which also catches the errors both engines share (unbalanced
 * parentheses, a quantifier with nothing to repeat, a bad range).
 *
 * Limits, on purpose: inline flags apply to the whole pattern (Go scopes them to their group), `(?U)`
 * (ungreedy) is dropped (it changes only how much matches, not whether), Unicode class names are left to
 * JavaScript's table, and Go's `[]a]` (a class starting with `]`) is rewritten to `[\]a]`. Good enough for
 * the names Reloader compares (Kubernetes object names), not a general RE2 engine. A negated POSIX class
 * (`[[:^alpha:]]`) is approximated by "any character", so it can only over-match.
 */
export type GoRegexpResult = { ok: true; regexp: RegExp } | { ok: false; error: string };

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** The errors both engines share, in Go's words. */
const JS_TO_GO_MESSAGES: Record<string, string> = {
  "Unterminated group": "missing closing )",
  "Unmatched ')'": "unexpected )",
  "Nothing to repeat": "missing argument to repetition operator",
  "Range out of order in character class": "invalid character class range",
  "Lone quantifier brackets": "missing argument to repetition operator",
  "Invalid property name": "invalid character class range",
  "Invalid property name in character class": "invalid character class range",
};

/** Escapes Go accepts after a backslash, besides punctuation. */
const GO_LETTER_ESCAPES = new Set(["a", "f", "t", "n", "r", "v", "d", "D", "s", "S", "w", "W", "b", "B", "A", "z", "p", "P", "x", "Q", "E"]);

class GoSyntaxError extends Error {}

export function compileGoRegexp(pattern: string): GoRegexpResult {
  try {
    const { source, flags } = translate(pattern);
    return { ok: true, regexp: new RegExp(source, `u${[...flags].join("")}`) };
  } catch (error) {
    if (error instanceof GoSyntaxError) return { ok: false, error: error.message };
    const js = (error as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /, "");
    return { ok: false, error: JS_TO_GO_MESSAGES[js] ?? js };
  }
}

function translate(pattern: string): { source: string; flags: Set<string> } {
  const flags = new Set<string>();
  let out = "";
  let i = 0;
  let quantifier = "none";
  const fail = (message: string): never => {
    throw new GoSyntaxError(message);
  };

  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "\\") {
      const { text, length } = escape(pattern, i, false, fail);
      out += text;
      i += length;
      quantifier = "none";
      continue;
    }
    if (c === "[") {
      const { text, length } = characterClass(pattern, i, fail);
      out += text;
      i += length;
      quantifier = "none";
      continue;
    }
    if (c === "(" && pattern[i + 1] === "?") {
      const rest = pattern.slice(i + 2);
      if (/^(?:=|!|<=|<!)/.test(rest)) fail(`invalid or unsupported Perl syntax: \`(?${rest.slice(0, rest[0] === "<" ? 2 : 1)}\` (Go has no lookahead or lookbehind)`);
      if (rest.startsWith(">")) fail("invalid or unsupported Perl syntax: `(?>` (Go has no atomic groups)");
      if (rest.startsWith("P=") || rest.startsWith("P>")) fail(`invalid or unsupported Perl syntax: \`(?${rest.slice(0, 2)}\` (Go has no backreferences)`);
      const named = /^P?<([A-Za-z0-9_]+)>/.exec(rest);
      if (named) {
        out += `(?<${named[1]}>`;
        i += 2 + named[0].length;
        quantifier = "none";
        continue;
      }
      const flagGroup = /^(-?[imsU]+|[imsU]+-[imsU]*)(:|\))/.exec(rest);
      if (flagGroup) {
        const [on] = flagGroup[1]!.split("-");
        for (const f of on ?? "") if (f !== "U") flags.add(f);
        if (flagGroup[2] === ":") out += "(?:";
        i += 2 + flagGroup[0].length;
        quantifier = "none";
        continue;
      }
      if (rest.startsWith(":")) {
        out += "(?:";
        i += 3;
        quantifier = "none";
        continue;
      }
      fail(`invalid or unsupported Perl syntax: \`(?${rest.slice(0, 1)}\``);
    }
    if (c === "*" || c === "+" || c === "?") {
      if (quantifier === "lazy" || (quantifier === "greedy" && c !== "?")) fail(`invalid nested repetition operator: \`${pattern.slice(i - 1, i + 1)}\``);
      quantifier = quantifier === "greedy" ? "lazy" : "greedy";
      out += c;
      i += 1;
      continue;
    }
    if (c === "{") {
      const repeat = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (repeat) {
        const min = Number(repeat[1]);
        const max = repeat[3] ? Number(repeat[3]) : min;
        if (min > 1000 || max > 1000 || (repeat[3] && max < min)) fail(`invalid repeat count: \`${repeat[0]}\``);
        if (quantifier !== "none") fail(`invalid nested repetition operator: \`${repeat[0]}\``);
        out += repeat[0];
        i += repeat[0].length;
        quantifier = "greedy";
        continue;
      }
      out += "\\{";
      i += 1;
      quantifier = "none";
      continue;
    }
    if (c === "]") {
      out += "\\]";
      i += 1;
      quantifier = "none";
      continue;
    }
    if (c === "}") {
      out += "\\}";
      i += 1;
      quantifier = "none";
      continue;
    }
    out += c;
    i += 1;
    quantifier = "none";
  }
  return { source: out, flags };
}

function escape(pattern: string, i: number, inClass: boolean, fail: (m: string) => never): { text: string; length: number } {
  const next = pattern[i + 1];
  if (next === undefined) fail("trailing backslash at end of expression");
  const n = next!;
  if (/[1-9]/.test(n) && !/[0-7]/.test(pattern[i + 2] ?? "")) fail(`invalid escape sequence: \`\\${n}\` (Go has no backreferences)`);
  if (/[0-7]/.test(n)) {
    const octal = /^[0-7]{1,3}/.exec(pattern.slice(i + 1))![0];
    return { text: `\\u{${parseInt(octal, 8).toString(16)}}`, length: 1 + octal.length };
  }
  if (n === "Q") {
    const end = pattern.indexOf("\\E", i + 2);
    const literal = end < 0 ? pattern.slice(i + 2) : pattern.slice(i + 2, end);
    const text = [...literal].map((ch) => (/[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch)).join("");
    return { text, length: (end < 0 ? pattern.length : end + 2) - i };
  }
  if (n === "E") return { text: "", length: 2 };
  if (n === "x") {
    const braced = /^x\{([0-9A-Fa-f]+)\}/.exec(pattern.slice(i + 1));
    if (braced) {
      if (parseInt(braced[1]!, 16) > 0x10ffff) fail(`invalid escape sequence: \`\\${braced[0]}\``);
      return { text: `\\u{${braced[1]}}`, length: 1 + braced[0].length };
    }
    const two = /^x[0-9A-Fa-f]{2}/.exec(pattern.slice(i + 1));
    if (!two) fail(`invalid escape sequence: \`\\${pattern.slice(i + 1, i + 4)}\``);
    return { text: `\\${two![0]}`, length: 1 + two![0].length };
  }
  if (n === "p" || n === "P") {
    const cls = /^[pP](\{\^?[A-Za-z_]+\}|[A-Za-z])/.exec(pattern.slice(i + 1));
    if (!cls) fail(`invalid character class range: \`\\${n}\``);
    const body = cls![1]!.startsWith("{") ? cls![1]! : `{${cls![1]}}`;
    const negated = body.startsWith("{^");
    const name = body.slice(negated ? 2 : 1, -1);
    // Go takes general categories (L, Lu, Nd), scripts (Greek) and Any; JavaScript spells scripts Script=Greek.
    const property = /^[A-Z][a-z]?$/.test(name) || name === "Any" ? name : `Script=${name}`;
    return { text: `\\${negated === (n === "p") ? "P" : "p"}{${property}}`, length: 1 + cls![0].length };
  }
  if (/[A-Za-z]/.test(n)) {
    if (!GO_LETTER_ESCAPES.has(n)) fail(`invalid escape sequence: \`\\${n}\``);
    if (n === "A") {
      if (inClass) fail("invalid escape sequence: `\\A`");
      return { text: "^", length: 2 };
    }
    if (n === "z") {
      if (inClass) fail("invalid escape sequence: `\\z`");
      return { text: "$", length: 2 };
    }
    if (n === "a") return { text: "\\x07", length: 2 };
    if ((n === "b" || n === "B") && inClass) fail(`invalid escape sequence: \`\\${n}\``);
    return { text: `\\${n}`, length: 2 };
  }
  if (/[0-9A-Za-z_]/.test(n) || n.charCodeAt(0) > 0x7f) fail(`invalid escape sequence: \`\\${n}\``);
  // Go lets any ASCII punctuation be escaped; the u flag allows only syntax characters, so re-escape those only.
  return { text: /[\\^$.*+?()[\]{}|/]/.test(n) || (inClass && n === "-") ? `\\${n}` : n, length: 2 };
}

function characterClass(pattern: string, start: number, fail: (m: string) => never): { text: string; length: number } {
  let i = start + 1;
  let out = "[";
  if (pattern[i] === "^") {
    out += "^";
    i += 1;
  }
  let first = true;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "]" && !first) return { text: `${out}]`, length: i + 1 - start };
    first = false;
    if (c === "[" && pattern[i + 1] === ":") {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i));
      if (posix) {
        const ranges = POSIX_CLASSES[posix[2]!];
        if (!ranges) fail(`invalid character class range: \`${posix[0]}\``);
        // A negated POSIX class inside a class is a union with a complement, which a JS class cannot spell
        // without the v flag: approximate it by "anything", so it can only over-match (miss a finding), never invent one.
        out += posix[1] ? "\\s\\S" : ranges;
        i += posix[0].length;
        continue;
      }
    }
    if (c === "\\") {
      const { text, length } = escape(pattern, i, true, fail);
      out += text;
      i += length;
      continue;
    }
    out += c === "]" || c === "[" || c === "/" ? `\\${c}` : c;
    i += 1;
  }
  return fail(`missing closing ]: \`${pattern.slice(start)}\``);
}
