/** A key path inside a parsed document: map keys and sequence indexes. */
export type NodePath = ReadonlyArray<string | number>;

/** A 1-based position in a file, columns in UTF-16 code units (what SARIF and editors expect). */
export interface Position {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** One YAML document as it was read, with enough context to find positions later. */
export interface SourceDocument {
  /** The name the user knows the input by: a repo-relative path, or the stdin name. */
  file: string;
  /** Index of the document in its file (0-based). */
  index: number;
  /** The document's own text; line 1 of it is `startLine` of the file. */
  text: string;
  startLine: number;
  /** `# Source: chart/templates/x.yaml` written by `helm template`, when present. */
  helmSource?: string;
  /** Chart directory, relative to the working directory, that the document was rendered from, when known. */
  chartDir?: string;
}

/** Something wrong with the input itself, found while loading; becomes an `invalid-input` or `unrendered-template` finding. */
export interface LoadProblem {
  kind: "invalid-input" | "unrendered-template";
  file: string;
  line: number;
  column: number;
  message: string;
  /** The document it belongs to, when loading got that far. */
  document?: SourceDocument;
}

/** A parsed document's value (plain JSON-like data) plus where it came from. */
export interface ParsedDocument {
  source: SourceDocument;
  value: unknown;
}

export interface LoadedFile {
  file: string;
  documents: ParsedDocument[];
  problems: LoadProblem[];
}
