import os from "node:os";

/**
 * How many render processes (helm, kustomize) run at once in this process, whichever run asked: a diff-aware
 * run renders the head and the base together, and the two share the cores instead of each taking all of them.
 * First come, first served.
 */
class ProcessSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes on without being freed
      else this.running--;
    }
  }
}

/** Each render is a process of its own, mostly on one core: as many as there are cores (at least two, as one waits on I/O). */
export const RENDER_CONCURRENCY = Math.max(2, os.availableParallelism());

export const processSlots = new ProcessSlots(RENDER_CONCURRENCY);
