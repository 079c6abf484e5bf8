import { Controller, Get, Global, Module, Req, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import request from 'supertest';
import { loadCrmConfig, type CrmConfig } from '../config/crm-config';
import { CrmErrorFilter } from '../http/error.filter';
import { CRM_CONFIG } from '../tokens';
import { principalOf } from './api-authentication';
import { AuthModule } from './auth.module';
import { RequireRole } from './require-role.decorator';

const KEYS = {
  writer: 'guard-writer-key-0123456789',
  auditor: 'guard-auditor-key-012345678',
  admin: 'guard-admin-key-0123456789',
};
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

@RequireRole('reader')
@Controller('declared')
class DeclaredController {
  @Get('by-class')
  byClass(@Req() req: Request): { actor: string } {
    return { actor: principalOf(req).actor };
  }

  @RequireRole('auditor')
  @Get('by-method')
  byMethod(): string {
    return 'history';
  }
}

@Controller('undeclared')
class UndeclaredController {
  @Get()
  open(): string {
    return 'should never be served';
  }
}

async function appWith(config: CrmConfig): Promise<INestApplication> {
  @Global()
  @Module({ providers: [{ provide: CRM_CONFIG, useValue: config }], exports: [CRM_CONFIG] })
  class ConfigModule {}

  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule, AuthModule],
    controllers: [DeclaredController, UndeclaredController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalFilters(new CrmErrorFilter());
  await app.init();
  return app;
}

describe('ApiKeyGuard', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await appWith(
      loadCrmConfig({
        CRM_API_KEYS: Object.entries(KEYS)
          .map(([role, key]) => `${role}:${key}`)
          .join(','),
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
  });

  it('given a route without @RequireRole, when even an admin calls it, then it is refused 403 ROLE_NOT_DECLARED', async () => {
    const response = await request(app.getHttpServer()).get('/undeclared').set(bearer(KEYS.admin)).expect(403);
    expect(response.body).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'ROLE_NOT_DECLARED' });
  });

  it('given a route without @RequireRole, when called without a key, then it is 401', async () => {
    await request(app.getHttpServer()).get('/undeclared').expect(401);
  });

  it('given a method-level role, when called, then it overrides the class-level one', async () => {
    await request(app.getHttpServer()).get('/declared/by-method').set(bearer(KEYS.auditor)).expect(200);
    const refused = await request(app.getHttpServer()).get('/declared/by-class').set(bearer(KEYS.auditor)).expect(403);
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['reader'] });
    expect(refused.body.message).toContain('requires the reader role');
  });

  it('given a writer key on a reader route, when called, then it is 403 FORBIDDEN', async () => {
    await request(app.getHttpServer()).get('/declared/by-class').set(bearer(KEYS.writer)).expect(403);
  });

  it('given an admin key, when a route is called, then the handler sees the principal with its fingerprint actor', async () => {
    const response = await request(app.getHttpServer()).get('/declared/by-class').set(bearer(KEYS.admin)).expect(200);
    expect(response.body.actor).toMatch(/^admin-key:[0-9a-f]{12}$/);
  });
});
