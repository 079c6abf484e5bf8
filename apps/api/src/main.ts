import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadCrmConfig } from '@crm/platform';
import { createApp } from './create-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadCrmConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const started = Date.now();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  new Logger('CRM').log(`listening on http://${config.host}:${config.port} (ready in ${Date.now() - started} ms)`);
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
