import type { StoredEvent, Subscription } from './event-store.port';

export interface PollingSubscriptionSource {
  /** Events strictly after `after` (undefined: from the start), in global order. */
  readPage(after: string | undefined): Promise<StoredEvent[]>;
  /** Resolves when new events may exist, or after `timeoutMs`, or when `signal` aborts. */
  waitForEvents(timeoutMs: number, signal: AbortSignal): Promise<void>;
}

/**
 * A pull-driven catch-up subscription: it reads a page whenever its consumer
 * has drained the previous one, so a slow consumer is never flooded. When a
 * page comes back empty it sleeps until woken (notification) or until the
 * poll interval passes.
 */
export class PollingSubscription implements Subscription {
  private readonly abort = new AbortController();
  private checkpoint: string | undefined;
  private buffer: StoredEvent[] = [];
  private closed = false;

  constructor(
    private readonly source: PollingSubscriptionSource,
    fromCheckpoint: string | undefined,
    private readonly pollIntervalMs: number,
  ) {
    this.checkpoint = fromCheckpoint;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
  }

  [Symbol.asyncIterator](): AsyncIterator<StoredEvent> {
    return {
      next: async (): Promise<IteratorResult<StoredEvent>> => {
        while (!this.closed) {
          const event = this.buffer.shift();
          if (event) {
            this.checkpoint = event.checkpoint;
            return { value: event, done: false };
          }
          const page = await this.source.readPage(this.checkpoint);
          if (this.closed) break;
          if (page.length > 0) {
            this.buffer = page;
            continue;
          }
          await this.source.waitForEvents(this.pollIntervalMs, this.abort.signal);
        }
        return { value: undefined, done: true };
      },
      return: async (): Promise<IteratorResult<StoredEvent>> => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }
}
