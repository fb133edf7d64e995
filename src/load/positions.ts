import { astBlockLiteral, astRange, parseForPositions, type ParsedForPositions } from "./ast-positions.js";
import { LineScan } from "./scan-positions.js";
import type { NodePath, Position, SourceDocument } from "./types.js";

/**
 * Resolves key paths to source positions, only once a finding needs one: the fast load path keeps no
 * positions at all. A path is first followed through the document's lines (scan-positions.ts), which
 * costs the walk down to the node; a document whose shape that walk does not read is parsed into the
 * yaml package's AST (once, then kept), which gives the same ranges for the whole document.
 */
export class PositionResolver {
  private readonly parsed = new Map<SourceDocument, ParsedForPositions>();
  private readonly scans = new Map<SourceDocument, LineScan>();

  /** Position of the key at `path` (key start to value end); the deepest existing ancestor if the path goes further than the document. */
  resolve(source: SourceDocument, path: NodePath): Position {
    const found = (!this.parsed.has(source) && this.scan(source).range(path)) || astRange(this.ast(source).doc, path);
    const start = this.linePos(source, found.range[0]);
    const end = this.linePos(source, Math.max(found.range[0], found.range[1]));
    return {
      line: source.startLine + start.line - 1,
      column: start.col,
      endLine: source.startLine + end.line - 1,
      endColumn: end.col,
    };
  }

  /**
   * Position of a line/column inside the literal block scalar (`|`, `|-`, `|+`) at `path`: its content
   * starts on the line after the header, every line indented by the block's indentation. Undefined
   * when the value is not such a scalar or its text does not map line for line (then the caller
   * reports at the key). `inner.column` counts UTF-8 bytes; the result counts UTF-16 code units.
   */
  resolveInBlockScalar(source: SourceDocument, path: NodePath, inner: { line: number; column: number }): Position | undefined {
    const scanned = this.parsed.has(source) ? undefined : this.scan(source).blockLiteral(path);
    const literal = scanned === undefined ? astBlockLiteral(this.ast(source).doc, path) : scanned;
    if (!literal) return undefined;
    const valueLines = literal.value.split("\n");
    const target = valueLines[inner.line - 1];
    if (target === undefined) return undefined;
    const header = this.linePos(source, literal.range[0]).line;
    const raw = source.text.slice(literal.range[0], literal.range[1]).split(/\r?\n/).slice(1);
    let indent: number | undefined;
    for (let k = 0; k < inner.line; k++) {
      const value = valueLines[k]!;
      const text = raw[k];
      if (text === undefined) return undefined;
      if (value === "") {
        if (text.trim() !== "") return undefined;
        continue;
      }
      indent ??= text.length - value.length;
      if (indent < 0 || text !== " ".repeat(indent) + value) return undefined;
    }
    if (indent === undefined) return undefined;
    const column = indent + Buffer.from(target, "utf8").subarray(0, Math.max(0, inner.column - 1)).toString("utf8").length + 1;
    // Content line k sits k lines below the header; document line n is file line startLine + n - 1.
    const line = source.startLine + header + inner.line - 1;
    return { line, column, endLine: line, endColumn: indent + target.length + 1 };
  }

  private scan(source: SourceDocument): LineScan {
    let scan = this.scans.get(source);
    if (!scan) this.scans.set(source, (scan = new LineScan(source.text)));
    return scan;
  }

  private ast(source: SourceDocument): ParsedForPositions {
    let entry = this.parsed.get(source);
    if (!entry) this.parsed.set(source, (entry = parseForPositions(source.text)));
    return entry;
  }

  private linePos(source: SourceDocument, offset: number): { line: number; col: number } {
    return this.parsed.get(source)?.lines.linePos(offset) ?? this.scan(source).linePos(offset);
  }
}
