/**
 * One YAML document's text as the line scan (scan-positions.ts) reads it: where its lines start and end and
 * how far they are indented, and where a plain, quoted or flow value or an alias that starts at an offset
 * ends. What it cannot read exactly throws UNSUPPORTED, and the caller builds the AST instead.
 */

export const UNSUPPORTED: unique symbol = Symbol("unsupported YAML shape");
export function unsupported(): never {
  throw UNSUPPORTED;
}

export const SPACE = 0x20;
export const TAB = 0x09;
export const HASH = 0x23;
const DASH = 0x2d;
export const COLON = 0x3a;

/** Offset of each line's first character. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** The 0-based line an offset is on. */
export function lineIndex(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

export class ScanText {
  constructor(
    protected readonly text: string,
    /** Offset of each line's first character. */
    protected readonly starts: number[],
  ) {}

  protected get lineCount(): number {
    return this.starts.length;
  }

  /** Offset of the line's end: its newline, or the end of the text. */
  protected lineEnd(line: number): number {
    return line + 1 < this.starts.length ? this.starts[line + 1]! - 1 : this.text.length;
  }

  /** Past the line's newline (the end of the text on the last line). */
  protected afterLine(line: number): number {
    return Math.min(this.lineEnd(line) + 1, this.text.length);
  }

  protected lineOf(offset: number): number {
    return lineIndex(this.starts, offset);
  }

  /** The first offset at or after `from` on its line that is not a space or tab. */
  protected skipBlanks(from: number, end: number): number {
    let p = from;
    while (p < end && (this.text.charCodeAt(p) === SPACE || this.text.charCodeAt(p) === TAB)) p++;
    return p;
  }

  /** Column of the line's first character that is not a space; -1 for a line of spaces and tabs only. */
  protected indentOf(line: number): number {
    const start = this.starts[line]!;
    const end = this.lineEnd(line);
    let p = start;
    while (p < end && this.text.charCodeAt(p) === SPACE) p++;
    if (p < end && this.text.charCodeAt(p) === TAB && this.skipBlanks(p, end) === end) return -1;
    return p === end ? -1 : p - start;
  }

  /** Whether a line starts with more than `indent` spaces (a blank line may too): the quick test for the lines of a deeper value. */
  protected deeper(line: number, indent: number): boolean {
    return this.text.startsWith(spaceRun(indent + 1), this.starts[line]);
  }

  /** Whether a line that belongs to the structure (not to a deeper value) starts with a tab after its spaces: YAML indents with spaces only, and what a tab there means is not read here. */
  protected refuseTab(line: number, indent: number): void {
    if (this.charAt(line, indent) === TAB) unsupported();
  }

  protected charAt(line: number, column: number): number {
    return this.text.charCodeAt(this.starts[line]! + column);
  }

  protected isComment(line: number, indent: number): boolean {
    return this.charAt(line, indent) === HASH;
  }

  /** `-` followed by a space, a tab or the end of the line: a sequence entry. */
  protected isDash(offset: number): boolean {
    return this.isIndicator(offset, DASH);
  }

  /** The character `code` at `offset`, followed by a space, a tab or the end of the line. */
  protected isIndicator(offset: number, code: number): boolean {
    if (this.text.charCodeAt(offset) !== code) return false;
    const next = this.text.charCodeAt(offset + 1);
    return offset + 1 >= this.text.length || next === SPACE || next === TAB || next === 0x0a;
  }

  /** The first line from `line` on with content (not blank, not a comment), or lineCount. */
  protected nextContent(line: number, onComment?: () => void): number {
    for (; line < this.lineCount; line++) {
      const indent = this.indentOf(line);
      if (indent === -1) continue;
      if (this.isComment(line, indent)) {
        onComment?.();
        continue;
      }
      this.refuseTab(line, indent);
      return line;
    }
    return line;
  }

  /** The end of a plain scalar's text on one line; `open` when no comment ends it there. A `: ` would make it a key: not read here. */
  protected plainLineEnd(p: number, lineEnd: number): { at: number; open: boolean } {
    let i = p;
    for (; i < lineEnd; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch === HASH && i > p && (this.text.charCodeAt(i - 1) === SPACE || this.text.charCodeAt(i - 1) === TAB)) break;
      if (ch === COLON && (i + 1 === lineEnd || this.text.charCodeAt(i + 1) === SPACE || this.text.charCodeAt(i + 1) === TAB)) unsupported();
    }
    let at = i;
    while (at > p && (this.text.charCodeAt(at - 1) === SPACE || this.text.charCodeAt(at - 1) === TAB)) at--;
    return { at, open: i === lineEnd };
  }

  /** Past the closing quote of the scalar opening at `p`. */
  protected quotedEnd(p: number): number {
    const quote = this.text.charCodeAt(p);
    for (let i = p + 1; i < this.text.length; i++) {
      const ch = this.text.charCodeAt(i);
      if (quote === 0x22 && ch === 0x5c /* \ */) i++;
      else if (ch === quote) {
        if (quote === 0x27 && this.text.charCodeAt(i + 1) === 0x27) i++;
        else return i + 1;
      }
    }
    return unsupported();
  }

  /** Past the bracket closing the flow collection opening at `p` (quotes and comments inside skipped). */
  protected flowEnd(p: number): number {
    let depth = 0;
    for (let i = p; i < this.text.length; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch === 0x5b || ch === 0x7b) depth++;
      else if (ch === 0x5d || ch === 0x7d) {
        if (--depth === 0) return i + 1;
      } else if ((ch === 0x22 || ch === 0x27) && /[\s[{,:]/.test(this.text[i - 1]!)) i = this.quotedEnd(i) - 1;
      else if (ch === HASH && /\s/.test(this.text[i - 1]!)) i = this.lineEnd(this.lineOf(i)) - 1;
    }
    return unsupported();
  }

  /** Past spaces, line breaks and comments inside a flow collection. */
  protected skipFlowSpace(from: number): number {
    let i = from;
    for (; i < this.text.length; i++) {
      const c = this.text.charCodeAt(i);
      if (c === HASH && i > 0 && /\s/.test(this.text[i - 1]!)) i = this.lineEnd(this.lineOf(i));
      else if (c !== SPACE && c !== TAB && c !== 0x0a) break;
    }
    return i;
  }

  protected aliasEnd(p: number): number {
    let i = p + 1;
    while (i < this.text.length && !/[\s,[\]{}]/.test(this.text[i]!)) i++;
    return i;
  }
}

const SPACE_RUNS: string[] = [];
function spaceRun(length: number): string {
  return (SPACE_RUNS[length] ??= " ".repeat(length));
}

/**
 * A plain key as the yaml core schema reads it, when that is its text (the path has strings); undefined
 * for text that becomes a number written otherwise, a boolean or null.
 */
export function plainKey(text: string): string | undefined {
  if (/^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/.test(text)) return undefined;
  if (/^[-+.0-9]/.test(text) && !/^(?:0|[1-9][0-9]{0,14})$/.test(text)) return undefined;
  return text;
}
