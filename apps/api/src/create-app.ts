import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  ApiAuthentication,
  createValidationPipe,
  CrmErrorFilter,
  InFlightRequests,
  jsonBodyParsing,
  logLevelsFrom,
  exactJsonResponses,
  requestTextGuard,
  requireApiKey,
  type CrmConfig,
} from '@crm/platform';
import { AppModule } from './app.module';

/** The HTTP application, configured as in production (used by main.ts and the end-to-end tests). */
export async function createApp(config?: CrmConfig): Promise<INestApplication> {
  return (await createAppWithTracking(config)).app;
}

/** The application and its count of requests in flight (for a graceful stop). */
export async function createAppWithTracking(
  config?: CrmConfig,
): Promise<{ app: INestApplication; inFlight: InFlightRequests }> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: logLevelsFrom(config?.logLevel ?? process.env.LOG_LEVEL ?? 'log'),
  });
  // Every request shows a valid API key (any role) before its body is read or
  // a route is looked up: this also covers the OpenAPI routes, which Express
  // serves outside Nest's guards. The guard then checks each route's role.
  const inFlight = new InFlightRequests();
  app.useGlobalInterceptors(inFlight);
  app.use(requireApiKey(app.get(ApiAuthentication)));
  app.use(exactJsonResponses());
  app.use(requestTextGuard());
  app.use(...jsonBodyParsing());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new CrmErrorFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('CRM')
      .setDescription('Event-sourced CRM: commands, read models and audit.')
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key: Authorization: Bearer <key>' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return { app, inFlight };
}
