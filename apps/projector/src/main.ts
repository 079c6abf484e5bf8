import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadCrmConfig, logLevelsFrom } from '@crm/platform';
import { ProjectorModule } from './projector.module';

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
  const app = await NestFactory.createApplicationContext(ProjectorModule.forRoot(config), {
    logger: logLevelsFrom(config.logLevel),
  });
  app.enableShutdownHooks();
  await app.init();
  new Logger('Projector').log('projector running; stop with SIGTERM or SIGINT');
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
