import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe, CrmErrorFilter, jsonBodyParsing, logLevelsFrom, type CrmConfig } from '@crm/platform';
import { AppModule } from './app.module';

/** The HTTP application, configured as in production (used by main.ts and the end-to-end tests). */
export async function createApp(config?: CrmConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: logLevelsFrom(config?.logLevel ?? process.env.LOG_LEVEL ?? 'log'),
  });
  app.use(...jsonBodyParsing());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new CrmErrorFilter());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('CRM')
      .setDescription('Event-sourced CRM: commands, read models and audit.')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}
