import { EventStoreProtocolDouble } from './eventstore-protocol-double/protocol-double';

/**
 * The EventStoreDB server of the EventStoreDB suites (the adapter's contract
 * suite, the server semantics it relies on, production mode end to end):
 * - EVENTSTORE_URL when it is set: a real EventStoreDB / KurrentDB server,
 *   which the suites then run against unchanged;
 * - otherwise the test double of the EventStoreDB gRPC protocol
 *   (./eventstore-protocol-double), which the global setup starts in Jest's
 *   own process, so that the suites reach it over the network from their
 *   workers, as they would reach a server.
 *
 * The global setup keeps the URL as CRM_TEST_EVENTSTORE_URL and removes
 * EVENTSTORE_URL from the environment, so the processes other suites start
 * (the CLI, the projector) keep to PostgreSQL.
 */

/** Where the shared double's log starts: just below 2^53, so checkpoints cross the range of exact JavaScript numbers. */
const DOUBLE_FIRST_POSITION = 2n ** 53n - 4096n;

const STARTED = Symbol.for('crm.test.eventstore-protocol-double');
type WithDouble = typeof globalThis & { [STARTED]?: EventStoreProtocolDouble };

export interface TestEventStoreServer {
  /** Connection string for the client. */
  readonly url: string;
  /** What answers at `url`, for logs. */
  readonly description: string;
}

/** The EventStoreDB server of this run: EVENTSTORE_URL, or the shared protocol test double. */
export function testEventStoreServer(): TestEventStoreServer {
  const url = process.env.CRM_TEST_EVENTSTORE_URL;
  if (!url) throw new Error('no EventStoreDB server for the tests: the global setup (test/global-setup.ts) sets one');
  return { url, description: eventStoreDescription() };
}

function eventStoreDescription(): string {
  return process.env.CRM_TEST_EVENTSTORE_DOUBLE === 'true'
    ? 'the EventStoreDB protocol test double'
    : 'the EventStoreDB server at EVENTSTORE_URL';
}

/** For the global setup: EVENTSTORE_URL, or a protocol test double started in this process. */
export async function startEventStoreForRun(): Promise<string> {
  const given = process.env.EVENTSTORE_URL;
  delete process.env.EVENTSTORE_URL;
  if (given) {
    process.env.CRM_TEST_EVENTSTORE_URL = given;
    process.env.CRM_TEST_EVENTSTORE_DOUBLE = 'false';
    return `${eventStoreDescription()} (${redactUrl(given)})`;
  }
  const double = await EventStoreProtocolDouble.start({ firstPosition: DOUBLE_FIRST_POSITION });
  (globalThis as WithDouble)[STARTED] = double;
  process.env.CRM_TEST_EVENTSTORE_URL = double.url;
  process.env.CRM_TEST_EVENTSTORE_DOUBLE = 'true';
  return `${eventStoreDescription()} (${double.url}; set EVENTSTORE_URL to use a server)`;
}

/** For the global teardown: stops the double `startEventStoreForRun` started, if any. */
export async function stopEventStoreForRun(): Promise<void> {
  const holder = globalThis as WithDouble;
  const double = holder[STARTED];
  holder[STARTED] = undefined;
  await double?.stop();
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
