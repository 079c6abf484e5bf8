import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { assertApiAuthConfigured, ConfigError, loadCrmConfig } from '@crm/platform';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { InFlightRequests } from '@crm/platform';
import { createAppWithTracking } from './create-app';
import { EventStreams } from './events/event-streams';

/** How long in-flight requests may take to finish after a stop signal. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Graceful stop: first stop accepting requests and let in-flight ones finish
 * (idle keep-alive connections are closed at once, the rest after
 * DRAIN_TIMEOUT_MS), then stop the projector and close the stores, so no
 * request ever meets a closed store.
 */
function stopGracefully(app: INestApplication, inFlight: InFlightRequests, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining HTTP connections, then stopping`);
    const server = app.getHttpServer() as Server;
    void app.get(EventStreams).endAll(); // open event streams would hold the drain up
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
    force.unref();
    Promise.all([closed, inFlight.idle(DRAIN_TIMEOUT_MS)])
      .then(() => {
        logger.log('HTTP connections drained; stopping the projector and closing the stores');
        return app.close();
      })
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`stopping failed: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadCrmConfig();
    assertApiAuthConfigured(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const started = Date.now();
  const { app, inFlight } = await createAppWithTracking(config);
  await app.listen(config.port, config.host);
  const logger = new Logger('CRM');
  stopGracefully(app, inFlight, logger);
  logger.log(`listening on http://${config.host}:${config.port} (ready in ${Date.now() - started} ms)`);
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
