import type { RenderProgress } from "../render/context.js";

/** What the progress line says. */
export function progressText(done: number, total: number): string {
  return `rendering ${done}/${total} charts and kustomizations…`;
}

/**
 * A progress line on stderr while rendering takes more than `delayMs` (a second): written over itself with a
 * carriage return and blanked when rendering ends, so nothing of it stays in the terminal. Only for a terminal:
 * CI logs, pipes and files never get it.
 */
export class ProgressLine implements RenderProgress {
  private total = 0;
  private done = 0;
  private width = 0;
  private visible = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: { write(text: string): unknown; isTTY?: boolean },
    private readonly delayMs = 1000,
  ) {}

  started(): void {
    if (!this.stream.isTTY) return;
    this.total++;
    if (this.visible) this.draw();
    else this.timer ??= setTimeout(() => {
      this.visible = true;
      this.draw();
    }, this.delayMs).unref();
  }

  finished(): void {
    if (!this.stream.isTTY) return;
    this.done++;
    if (this.visible) this.draw();
  }

  /** Rendering is over: the line goes. */
  end(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.visible) this.stream.write(`\r${" ".repeat(this.width)}\r`);
    this.visible = false;
  }

  private draw(): void {
    const text = progressText(this.done, this.total);
    this.stream.write(`\r${text}${" ".repeat(Math.max(0, this.width - text.length))}`);
    this.width = Math.max(this.width, text.length);
  }
}
