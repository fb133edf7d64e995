import type { Finding, FindingPlace } from "../engine/finding.js";
import type { RuleReport } from "../engine/run-rules.js";
import { PositionResolver } from "../load/positions.js";
import type { LocatableObject, NodePath, SourceDocument } from "../load/types.js";
import { refOf } from "../model/objects.js";
import { OriginMap } from "./origin-map.js";
import { TemplateMap, type TemplateMapOptions } from "./template-map.js";

/**
 * Turns reports (an object and a key path, or a raw position) into findings with positions, after the
 * rules have run: the position in what was read, then the file the user edits — the kustomize source an
 * object was built from, or the chart template a rendered document came from (`rendered` keeps the
 * position read). Each position is kept as a place where a suppression comment may cover the finding.
 */
export class Locator {
  private readonly positions = new PositionResolver();
  private readonly origins = new OriginMap(this.positions);
  private readonly templates: TemplateMap;
  private readonly documentLines = new WeakMap<SourceDocument, string[]>();

  constructor(documents: () => Iterable<SourceDocument>, options: TemplateMapOptions) {
    this.templates = new TemplateMap(documents, options);
  }

  locate(report: RuleReport): Finding {
    const finding: Finding = {
      ruleId: report.ruleId,
      severity: report.severity,
      message: report.message,
      remediation: report.remediation,
      suppressed: false,
      file: "",
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      ...(report.target ? { target: report.target } : {}),
      ...(report.fatal ? { fatal: true } : {}),
    };
    let document: SourceDocument | undefined;
    if ("object" in report) {
      const { object, path } = report;
      document = object.source;
      const position = (report.inValue && this.positions.resolveInBlockScalar(document, path, report.inValue)) || this.positions.resolve(document, path);
      Object.assign(finding, { file: document.file, ...position, object: refOf(object), subject: object });
      this.readAt(finding, document);
      const origin = this.origins.locate(object, path);
      if (origin) {
        this.moveTo(finding, origin.file, origin.position);
        finding.places!.push(this.placeIn(origin.file, this.linesOf(origin.document), origin.document.startLine, origin.position.line));
        return finding;
      }
    } else {
      document = report.document;
      Object.assign(finding, { file: report.file, line: report.line, column: report.column, endLine: report.line, endColumn: report.column });
      if (!document) return finding;
      this.readAt(finding, document);
    }
    const template = this.templates.locate(document, finding.line, finding.column, finding.endColumn);
    const unmapped = template ? undefined : this.templates.unmapped(document);
    if (unmapped) finding.message += ` (${unmapped})`;
    if (template) {
      this.moveTo(finding, template.file, { line: template.line, column: template.column, endLine: template.line, endColumn: template.endColumn });
      finding.places!.push(this.placeIn(template.file, template.lines, 1, template.line));
    } else if (document.pulledFor) {
      this.moveToOwner(finding, document.pulledFor.owner, document.pulledFor.path);
    }
    return finding;
  }

  /**
   * A finding in a chart pulled from a registry lands on the HelmRelease key naming the chart, in the file the
   * user edits: the HelmRelease's kustomize source, or the template of the chart that renders the HelmRelease.
   */
  private moveToOwner(finding: Finding, owner: LocatableObject, path: NodePath): void {
    const origin = this.origins.locate(owner, path);
    if (origin) {
      this.moveTo(finding, origin.file, origin.position);
      finding.places!.push(this.placeIn(origin.file, this.linesOf(origin.document), origin.document.startLine, origin.position.line));
      return;
    }
    const position = this.positions.resolve(owner.source, path);
    const template = this.templates.locate(owner.source, position.line, position.column, position.endColumn);
    if (template) {
      this.moveTo(finding, template.file, { line: template.line, column: template.column, endLine: template.line, endColumn: template.endColumn });
      finding.places!.push(this.placeIn(template.file, template.lines, 1, template.line));
      return;
    }
    this.moveTo(finding, owner.source.file, position);
    finding.places!.push(this.placeIn(owner.source.file, this.linesOf(owner.source), owner.source.startLine, position.line));
  }

  /** The finding sits in `document` as read: it is shown from there, and a comment there may suppress it. */
  private readAt(finding: Finding, document: SourceDocument): void {
    finding.document = document;
    finding.places = [this.placeIn(document.file, this.linesOf(document), document.startLine, finding.line)];
  }

  private moveTo(finding: Finding, file: string, position: { line: number; column: number; endLine: number; endColumn: number }): void {
    finding.rendered = { file: finding.file, line: finding.line, column: finding.column };
    Object.assign(finding, { file, ...position });
  }

  private placeIn(file: string, lines: readonly string[], firstLine: number, line: number): FindingPlace {
    return { file, lines, firstLine, index: line - firstLine };
  }

  private linesOf(document: SourceDocument): string[] {
    let lines = this.documentLines.get(document);
    if (!lines) this.documentLines.set(document, (lines = document.text.split("\n")));
    return lines;
  }
}
