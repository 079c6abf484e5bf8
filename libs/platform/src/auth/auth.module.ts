import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { CrmConfig } from '../config/crm-config';
import { CRM_CONFIG } from '../tokens';
import { ApiAuthentication, createApiAuthentication } from './api-authentication';
import { ApiKeyGuard } from './api-key.guard';

/**
 * API-key authentication for an HTTP app: the keys (CRM_API_KEYS, or the
 * embedded admin key) and the global guard. Needs the PlatformModule's
 * configuration. Apps that serve no HTTP (the projector) do not import it.
 */
@Module({
  providers: [
    {
      provide: ApiAuthentication,
      inject: [CRM_CONFIG],
      useFactory: (config: CrmConfig) => createApiAuthentication(config),
    },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [ApiAuthentication],
})
export class AuthModule {}
