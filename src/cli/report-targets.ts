import { InvalidArgumentError } from "commander";
import { UsageError } from "../engine/config.js";

/** One report of a run: a format and where it goes (a file, or stdout when `file` is absent). */
export interface ReportTarget {
  format: string;
  file?: string;
}

/**
 * `-f`/`-o` in command-line order, so one lint run can write several reports (`-f sarif -o out.sarif -f
 * github`): each `-o` names the file of the `-f` before it, and a format without one goes to stdout. An `-o`
 * before every `-f` belongs to the first (`-o report.json -f json`), or to the default format when there is
 * no `-f`. Commander calls `format` and `output` as it meets the options, in order.
 */
export class ReportTargets {
  private readonly formats: ReportTarget[] = [];
  private leadingOutput?: string;

  constructor(
    private readonly known: readonly string[],
    private readonly defaultFormat: string,
  ) {}

  format = (value: string): string => {
    if (!this.known.includes(value)) throw new InvalidArgumentError(`choose from ${this.known.join(", ")}.`);
    this.formats.push({ format: value });
    return value;
  };

  output = (value: string): string => {
    const last = this.formats.at(-1);
    if (!last) {
      if (this.leadingOutput !== undefined) throw new InvalidArgumentError(`-o ${this.leadingOutput} already names the file of the first report; put each -o after its -f.`);
      this.leadingOutput = value;
    } else {
      if (last.file !== undefined) throw new InvalidArgumentError(`-f ${last.format} already writes to ${last.file}; give each -o its own -f before it.`);
      last.file = value;
    }
    return value;
  };

  /** The reports to write, checked: at most one goes to stdout, no file is named twice. */
  targets(): ReportTarget[] {
    const targets = this.formats.length > 0 ? this.formats.map((t) => ({ ...t })) : [{ format: this.defaultFormat }];
    if (this.leadingOutput !== undefined) {
      if (targets[0]!.file !== undefined) throw new UsageError(`-o ${this.leadingOutput} comes before every -f, and -f ${targets[0]!.format} already has -o ${targets[0]!.file}`);
      targets[0]!.file = this.leadingOutput;
    }
    const toStdout = targets.filter((t) => t.file === undefined);
    if (toStdout.length > 1) {
      throw new UsageError(`${toStdout.map((t) => `-f ${t.format}`).join(" and ")} would both write to stdout; give all but one of them an -o FILE after it`);
    }
    const files = targets.flatMap((t) => (t.file !== undefined ? [t.file] : []));
    const twice = files.find((file, i) => files.indexOf(file) !== i);
    if (twice !== undefined) throw new UsageError(`-o ${twice} is given for two reports; give each its own file`);
    return targets;
  }
}
