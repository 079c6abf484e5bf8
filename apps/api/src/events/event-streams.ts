import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';
import type { EventFilter, EventStore, StoredEvent } from '@crm/event-store';
import { toEventLogRecord } from '@crm/event-store/event-log';
import { EVENT_STORE } from '@crm/platform';

/** How often an idle stream sends a comment, so proxies and clients keep the connection. */
export const HEARTBEAT_MS = 15_000;

/** One server-sent event: the checkpoint as its id (a reconnecting client sends it back as Last-Event-ID). */
export function eventStreamFrame(event: StoredEvent): string {
  return `id: ${event.checkpoint}\ndata: ${JSON.stringify(toEventLogRecord(event))}\n\n`;
}

interface OpenStream {
  /** Ends the response and the subscription; resolves when the pump has stopped. */
  end(): Promise<void>;
}

/**
 * The open server-sent-event responses of GET /events/stream: each follows
 * the store through the port's catch-up subscription (the backlog after the
 * checkpoint, then live events, in global order). A stream ends when its
 * client goes away, and every stream ends when the application stops, before
 * the stores close, so no open response holds a stop up.
 */
@Injectable()
export class EventStreams implements BeforeApplicationShutdown {
  private readonly logger = new Logger('EventStreams');
  private readonly open = new Set<OpenStream>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  get count(): number {
    return this.open.size;
  }

  /** Starts streaming on `response` (headers are sent at once) and returns; the stream runs until it ends. */
  start(response: Response, options: { after?: string; filter?: EventFilter }): void {
    const subscription = this.store.subscribeToAll({ fromCheckpoint: options.after, filter: options.filter });
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    // The connection ends with the stream: an ended stream never leaves a keep-alive connection behind.
    response.setHeader('Connection', 'close');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.write(': connected\n\n');

    let ended = false;
    const heartbeat = setInterval(() => {
      if (!ended) response.write(': heartbeat\n\n');
    }, HEARTBEAT_MS);
    heartbeat.unref();

    const stop = async (): Promise<void> => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      await subscription.close();
      if (!response.writableEnded) response.end();
    };

    const pump = async (): Promise<void> => {
      try {
        for await (const event of subscription) {
          if (ended) break;
          if (!response.write(eventStreamFrame(event))) await drained(response);
        }
      } catch (error) {
        if (!ended) {
          const message = error instanceof Error ? error.message : String(error);
          this.logger.error(`event stream failed: ${message}`);
          response.write(
            `event: error\ndata: ${JSON.stringify({ message: 'the event stream failed; reconnect' })}\n\n`,
          );
        }
      } finally {
        await stop();
      }
    };

    const running = pump();
    const stream: OpenStream = {
      end: async () => {
        await stop();
        await running;
      },
    };
    this.open.add(stream);
    response.on('close', () => {
      void stop();
    });
    void running.finally(() => this.open.delete(stream));
  }

  /** Ends every open stream (a stopping process calls it before it drains HTTP connections). */
  async endAll(): Promise<void> {
    await Promise.all([...this.open].map((stream) => stream.end()));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.endAll();
  }
}

/** Resolves when the response can take more, or has closed. */
function drained(response: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}
