/**
 * Runs tasks concurrently, at most `concurrency` at a time, while the tasks
 * of one key run one after another in the order they were submitted (a
 * customer's commands stay in file order; different customers proceed in
 * parallel). `submit` waits while `maxPending` tasks are waiting, so a
 * producer reading a file never runs far ahead of the writes.
 */
export class KeyedPool {
  /** Tasks not yet started, per key; a key is present while it has tasks waiting or running. */
  private readonly lanes = new Map<string, Array<() => Promise<void>>>();
  /** Keys with a task waiting and none running, in the order they became ready. */
  private ready: string[] = [];
  private readyHead = 0;
  private running = 0;
  private pending = 0;
  private failure: { error: unknown } | undefined;
  private stopped = false;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxPending: number = concurrency * 16,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be at least 1');
  }

  /** Queues a task behind the earlier tasks of its key. Rejects when an earlier task failed. */
  async submit(key: string, task: () => Promise<void>): Promise<void> {
    this.rethrow();
    const lane = this.lanes.get(key);
    if (lane) {
      lane.push(task);
    } else {
      this.lanes.set(key, [task]);
      this.ready.push(key);
    }
    this.pending += 1;
    this.pump();
    while (this.pending >= this.maxPending && !this.failure && !this.stopped) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.rethrow();
  }

  /** Starts no further task; the running ones finish. */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  /** Waits until every started task has finished (and, unless stopped, every queued one); rethrows a task's failure. */
  async drain(): Promise<void> {
    while (this.running > 0 || (this.pending > 0 && !this.stopped && !this.failure)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.rethrow();
  }

  private rethrow(): void {
    if (this.failure) throw this.failure.error;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.readyHead < this.ready.length && !this.stopped && !this.failure) {
      const key = this.ready[this.readyHead]!;
      this.readyHead += 1;
      if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.readyHead);
        this.readyHead = 0;
      }
      const task = this.lanes.get(key)!.shift()!;
      this.pending -= 1;
      this.running += 1;
      task().then(
        () => this.finished(key),
        (error: unknown) => {
          this.failure ??= { error };
          this.finished(key);
        },
      );
    }
  }

  private finished(key: string): void {
    this.running -= 1;
    const lane = this.lanes.get(key)!;
    if (lane.length > 0) this.ready.push(key);
    else this.lanes.delete(key);
    this.pump();
    this.wake();
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
