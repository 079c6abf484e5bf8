import { EventStoreProtocolDouble, type ProtocolDoubleOptions } from './eventstore-protocol-double/protocol-double';

/**
 * The EventStoreDB endpoint of the EventStoreDB suites (the adapter's
 * contract suite, the protocol semantics it relies on, production mode
 * end to end):
 * - EVENTSTORE_URL when it is set: a real EventStoreDB / KurrentDB server,
 *   which the suites then run against unchanged;
 * - otherwise a test double of the EventStoreDB gRPC protocol, started in
 *   this process on 127.0.0.1 (./eventstore-protocol-double), in memory.
 */
export interface TestEventStoreServer {
  /** Connection string for the client. */
  readonly url: string;
  /** What answers at `url`, for test titles. */
  readonly description: string;
  /** The protocol test double, when the run has no real server. */
  readonly double: EventStoreProtocolDouble | undefined;
  close(): Promise<void>;
}

/** EVENTSTORE_URL, when the run was given a real server. */
export function realEventStoreUrl(): string | undefined {
  return process.env.EVENTSTORE_URL || undefined;
}

/** What the EventStoreDB suites of this run talk to, for logs and titles. */
export function eventStoreTarget(): string {
  return realEventStoreUrl() ? 'the EventStoreDB server at EVENTSTORE_URL' : 'the EventStoreDB protocol test double';
}

/**
 * A server for one suite: the real one when EVENTSTORE_URL is set (each
 * suite writes to streams of its own there), else a new protocol test
 * double (`options` apply to the double only).
 */
export async function startTestEventStoreServer(options: ProtocolDoubleOptions = {}): Promise<TestEventStoreServer> {
  const url = realEventStoreUrl();
  if (url) return { url, description: eventStoreTarget(), double: undefined, close: async () => undefined };
  const double = await EventStoreProtocolDouble.start(options);
  return { url: double.url, description: eventStoreTarget(), double, close: () => double.stop() };
}
