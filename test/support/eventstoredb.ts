import type { StartedTestContainer } from 'testcontainers';

export interface EventStoreDbDetection {
  readonly url?: string;
  readonly source?: string;
  readonly reason?: string;
}

const IMAGE = 'eventstore/eventstore:24.10';
const PORT = 2113;
const STARTUP_TIMEOUT_MS = 180_000;

/**
 * The container this run started, kept on globalThis: the global setup and
 * teardown are loaded as separate modules.
 */
const STARTED = Symbol.for('crm.test.eventstoredb.container');
type WithContainer = typeof globalThis & { [STARTED]?: StartedTestContainer };

/**
 * Finds an EventStoreDB for the contract suite: EVENTSTORE_URL when set;
 * otherwise a container when a Docker or Podman engine answers; otherwise a
 * reason to skip. Without an engine this returns within a second or so.
 */
export async function detectEventStoreDb(): Promise<EventStoreDbDetection> {
  const url = process.env.EVENTSTORE_URL;
  if (url) return { url, source: 'EVENTSTORE_URL' };

  // Loaded only here: the library is large and only needed without a URL.
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  try {
    // Throws quickly when no engine answers (a `docker` CLI alone is not enough).
    await getContainerRuntimeClient();
  } catch {
    return { reason: 'no EVENTSTORE_URL, no container runtime' };
  }

  try {
    const container = await new GenericContainer(IMAGE)
      .withEnvironment({
        EVENTSTORE_INSECURE: 'true',
        EVENTSTORE_RUN_PROJECTIONS: 'None',
        EVENTSTORE_MEM_DB: 'true',
        EVENTSTORE_CLUSTER_SIZE: '1',
      })
      .withExposedPorts(PORT)
      .withWaitStrategy(
        Wait.forAll([Wait.forListeningPorts(), Wait.forHttp('/health/live', PORT).forStatusCodeMatching(isSuccess)]),
      )
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start();
    (globalThis as WithContainer)[STARTED] = container;
    return {
      url: `esdb://${container.getHost()}:${container.getMappedPort(PORT)}?tls=false`,
      source: 'testcontainers',
    };
  } catch (error) {
    return {
      reason: `container runtime found, but EventStoreDB (${IMAGE}) did not start: ${(error as Error).message}`,
    };
  }
}

/** Stops the container detectEventStoreDb started, if any. */
export async function stopEventStoreDb(): Promise<void> {
  const holder = globalThis as WithContainer;
  const container = holder[STARTED];
  holder[STARTED] = undefined;
  if (container) await container.stop();
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
