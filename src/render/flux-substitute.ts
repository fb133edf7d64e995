/*
 * Flux post-build variable substitution (kustomize-controller `spec.postBuild`), with the semantics of
 * fluxcd/pkg `envsubst` (a fork of drone/envsubst), read from its parser and its functions:
 *  - `${NAME}` and the bash-style forms `${NAME:=default}`, `${NAME:-default}`, `${NAME=default}` (all three:
 *    the default when the value is empty or unset), `${#NAME}`, `${NAME^}`, `${NAME^^}`, `${NAME,}`, `${NAME,,}`,
 *    `${NAME:pos}`, `${NAME:pos:len}`, `${NAME/a/b}`, `${NAME//a/b}`, `${NAME/#a/b}`, `${NAME/%a/b}`, `${NAME#p}`,
 *    `${NAME##p}`, `${NAME%p}`, `${NAME%%p}`; `:+`, `:?`, `+`, `?` parse but act as a default, as in Flux.
 *  - `$$` is an escape for `$` everywhere in the text (so `$${NAME}` stays `${NAME}`, and a shell's `$$` becomes `$`);
 *    `$NAME` without braces is never touched.
 *  - `${NAME-default}` and an unclosed `${` are errors ("missing closing brace", "bad substitution").
 *  - Strict mode (kustomize-controller ≥ v1.9 by default): a variable without a value fails, unless its form
 *    supplies a default (`-`, `+`, `=`, `?` with or without `:`); a variable set to "" counts as set.
 * Substitution runs on each built object's YAML text; the caller re-parses the result.
 */

export interface Substitution {
  output: string;
  /** Variables referenced without a default and without a value, in order, with their offsets in the input. */
  unset: Array<{ name: string; offset: number }>;
}

export type SubstitutionResult = Substitution | { error: string; offset: number };

/** Variable names Flux accepts in `substitute` and from `substituteFrom` (kustomize_varsub.go `varsubRegex`). */
export const VARIABLE_NAME = /^[_\p{L}][_\p{L}\p{Nd}]*$/u;

const DEFAULT_OPS = new Set(["-", "+", "=", "?", ":-", ":+", ":=", ":?"]);

/**
 * Substitutes `vars` into `text`. `known(name)` says whether a missing variable is known to be unset (strict
 * mode's failure) or may come from a source gitops-lint cannot read (then the reference is left as written).
 */
export function substitute(text: string, vars: ReadonlyMap<string, string>, options: { unknownIsUnset: boolean }): SubstitutionResult {
  const parser = new Parser(text, vars, options.unknownIsUnset);
  try {
    const output = parser.text(false);
    return { output, unset: parser.unset };
  } catch (error) {
    if (error instanceof SubstitutionError) return { error: error.message, offset: error.offset };
    throw error;
  }
}

class SubstitutionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

class Parser {
  private pos = 0;
  readonly unset: Array<{ name: string; offset: number }> = [];

  constructor(
    private readonly src: string,
    private readonly vars: ReadonlyMap<string, string>,
    private readonly unknownIsUnset: boolean,
  ) {}

  /** Text up to the end (or, inside an expression argument, up to `stop`), with expressions evaluated. */
  text(inArgument: boolean, stop: (c: string) => boolean = (c) => c === "}"): string {
    let out = "";
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (inArgument && stop(c)) break;
      if (c === "$" && this.src[this.pos + 1] === "$" && !inArgument) {
        out += "$";
        this.pos += 2;
        continue;
      }
      if (c === "$" && this.src[this.pos + 1] === "{") {
        out += this.expression();
        continue;
      }
      if (inArgument && c === "\\" && (this.src[this.pos + 1] === "/" || this.src[this.pos + 1] === "\\")) {
        out += this.src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      out += c;
      this.pos++;
    }
    return out;
  }

  /** `${…}` at `pos`: its value. */
  private expression(): string {
    const start = this.pos;
    this.pos += 2;
    if (this.src[this.pos] === "#" && /[_\p{L}]/u.test(this.src[this.pos + 1] ?? "")) {
      this.pos++;
      const name = this.name(start);
      this.close(start);
      return String(Buffer.byteLength(this.value(name, "#", start) ?? "", "utf8"));
    }
    const name = this.name(start);
    const next = this.src[this.pos];
    if (next === "}") {
      this.pos++;
      return this.value(name, "", start) ?? this.src.slice(start, this.pos);
    }
    const opStart = this.pos;
    let op: string;
    if (next === ":" && "=-?+".includes(this.src[this.pos + 1] ?? "\0")) op = this.src.slice(this.pos, (this.pos += 2));
    else if (next === "=") op = this.src.slice(this.pos, ++this.pos);
    else if (next === ":") op = this.src.slice(this.pos, ++this.pos);
    else if (next === "," || next === "^") op = this.run(next, 2);
    else if (next === "/") op = "/" + (["/", "#", "%"].includes(this.src[this.pos + 1] ?? "") ? this.src[this.pos + 1]! : "");
    else if (next === "#" || next === "%") op = this.run(next, 2);
    else throw new SubstitutionError("missing closing brace", start);
    if (op.startsWith("/")) this.pos = opStart + op.length;

    const args: string[] = [];
    if (op === ":") {
      args.push(this.text(true, (c) => c === ":" || c === "}"));
      if (this.src[this.pos] === ":") {
        this.pos++;
        args.push(this.text(true));
      }
    } else if (op.startsWith("/")) {
      args.push(this.text(true, (c) => c === "/" || c === "}"));
      if (this.src[this.pos] === "/") {
        this.pos++;
        args.push(this.text(true));
      }
    } else if (op !== "^" && op !== "^^" && op !== "," && op !== ",,") {
      args.push(this.text(true));
    }
    this.close(start);
    const raw = this.src.slice(start, this.pos);
    const value = this.value(name, op, start);
    if (value === undefined) return raw;
    return apply(op, value, args);
  }

  private name(start: number): string {
    const match = /^[_\p{L}\p{Nd}]+/u.exec(this.src.slice(this.pos));
    if (!match) throw new SubstitutionError("unable to parse variable name", start);
    this.pos += match[0].length;
    return match[0];
  }

  /** Up to `max` repetitions of `c` at `pos`. */
  private run(c: string, max: number): string {
    let n = 0;
    while (n < max && this.src[this.pos] === c) {
      this.pos++;
      n++;
    }
    return c.repeat(n);
  }

  private close(start: number): void {
    if (this.src[this.pos] !== "}") throw new SubstitutionError(this.pos >= this.src.length ? "bad substitution" : "missing closing brace", start);
    this.pos++;
  }

  /** The variable's value; "" when it has none and that is what Flux writes; undefined when gitops-lint cannot know it (left as written). */
  private value(name: string, op: string, offset: number): string | undefined {
    const value = this.vars.get(name);
    if (value !== undefined) return value;
    if (DEFAULT_OPS.has(op)) return "";
    if (!this.unknownIsUnset) return undefined;
    this.unset.push({ name, offset });
    return "";
  }
}

function apply(op: string, value: string, args: string[]): string {
  switch (op) {
    case ",":
      return value.charAt(0).toLowerCase() + value.slice(1);
    case ",,":
      return value.toLowerCase();
    case "^":
      return value.charAt(0).toUpperCase() + value.slice(1);
    case "^^":
      return value.toUpperCase();
    case "#":
      return trim(value, args[0] ?? "", "prefix", false);
    case "##":
      return trim(value, args[0] ?? "", "prefix", true);
    case "%":
      return trim(value, args[0] ?? "", "suffix", false);
    case "%%":
      return trim(value, args[0] ?? "", "suffix", true);
    case ":":
      return substring(value, args);
    case "/#":
      return args.length === 2 && value.startsWith(args[0]!) ? args[1]! + value.slice(args[0]!.length) : value;
    case "/%":
      return args.length === 2 && value.endsWith(args[0]!) ? value.slice(0, value.length - args[0]!.length) + args[1]! : value;
    case "/":
      return args.length === 0 ? value : value.replace(args[0]!, args[1] ?? "");
    case "//":
      return args.length === 0 ? value : value.split(args[0]!).join(args[1] ?? "");
    default:
      return value === "" ? args.join("") : value; // the defaults, and every form Flux does not know
  }
}

function substring(value: string, args: string[]): string {
  let position = Number.parseInt(args[0] ?? "", 10);
  if (!/^-?\d+$/.test((args[0] ?? "").trim())) return value;
  if (position < 0) position = Math.max(0, value.length + position);
  if (args.length === 1) return value.slice(position);
  if (!/^-?\d+$/.test((args[1] ?? "").trim())) return value;
  const length = Number.parseInt(args[1]!, 10);
  return position + length >= value.length ? value.slice(position) : value.slice(position, position + length);
}

/** Removes the shortest or longest prefix/suffix matching a shell glob (`*`, `?`, `[…]`). */
function trim(value: string, pattern: string, side: "prefix" | "suffix", longest: boolean): string {
  const glob = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");
  const lengths = [...Array(value.length + 1).keys()];
  if (longest) lengths.reverse();
  for (const n of lengths) {
    const part = side === "prefix" ? value.slice(0, n) : value.slice(value.length - n);
    if (glob.test(part)) return side === "prefix" ? value.slice(n) : value.slice(0, value.length - n);
  }
  return value;
}
