import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { assertApiAuthConfigured, type CrmConfig } from '../config/crm-config';
import { ApiKeyRegistry, type Principal } from './api-keys';
import { ADMIN_KEY_FILE, generatedAdminKeyMessage, loadOrCreateEmbeddedAdminKey } from './embedded-admin-key';

/** The principal of every request while authentication is off (CRM_AUTH=off). */
export const AUTH_OFF_PRINCIPAL: Principal = Object.freeze({ role: 'admin', actor: 'anonymous (auth off)' });

/** Value of the WWW-Authenticate header on every 401. */
export const WWW_AUTHENTICATE = 'Bearer realm="crm"';

export type AuthenticationResult =
  { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly message: string };

/** `Bearer <token>` (scheme case-insensitive, RFC 7235); the token as RFC 6750's b64token. */
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * Who sends a request, from its Authorization header: one place used by the
 * guard of the Nest routes and by the middleware in front of the OpenAPI
 * routes. Answers never contain the presented key.
 */
export class ApiAuthentication {
  constructor(
    readonly mode: 'on' | 'off',
    private readonly registry: ApiKeyRegistry,
  ) {}

  authenticate(authorization: string | undefined): AuthenticationResult {
    if (this.mode === 'off') return { ok: true, principal: AUTH_OFF_PRINCIPAL };
    if (authorization === undefined || authorization.trim() === '') {
      return { ok: false, message: 'an API key is required: send Authorization: Bearer <key>' };
    }
    const match = BEARER.exec(authorization);
    if (!match) return { ok: false, message: 'the Authorization header must be Bearer <key>' };
    const principal = this.registry.authenticate(match[1]);
    return principal ? { ok: true, principal } : { ok: false, message: 'the API key is not valid' };
  }
}

export interface ApiAuthenticationOptions {
  readonly logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
  /** Where the generated embedded admin key is shown (stdout by default, whatever LOG_LEVEL says). */
  readonly print?: (text: string) => void;
}

/**
 * The API's authentication from the configuration:
 * - CRM_AUTH=off: every request is admin; a warning at every start;
 * - CRM_API_KEYS: those keys;
 * - neither, embedded: the admin key of the data folder, generated and shown
 *   once at first start;
 * - neither, with a PostgreSQL server: a ConfigError naming CRM_API_KEYS.
 */
export function createApiAuthentication(config: CrmConfig, options: ApiAuthenticationOptions = {}): ApiAuthentication {
  const logger = options.logger ?? new Logger('Auth');
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  assertApiAuthConfigured(config);

  if (config.auth === 'off') {
    const warning =
      'authentication is OFF (CRM_AUTH=off): every request is served without a key, as admin. Never expose this process to a network.';
    // Shown even at LOG_LEVEL=error: nobody should run open without knowing.
    if (config.logLevel === 'error') logger.error(warning);
    else logger.warn(warning);
    return new ApiAuthentication('off', new ApiKeyRegistry([]));
  }

  if (config.apiKeys.length > 0) {
    const registry = ApiKeyRegistry.fromKeys(config.apiKeys);
    logger.log(`authentication on: ${registry.size} API key(s) from CRM_API_KEYS`);
    if (!config.databaseUrl && existsSync(join(config.dataDir, ADMIN_KEY_FILE))) {
      logger.log(`the admin key of ${join(config.dataDir, ADMIN_KEY_FILE)} is not used while CRM_API_KEYS is set`);
    }
    return new ApiAuthentication('on', registry);
  }

  const admin = loadOrCreateEmbeddedAdminKey(config.dataDir);
  if (admin.generatedKey !== undefined) {
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    print(
      generatedAdminKeyMessage({ ...admin, generatedKey: admin.generatedKey }, `http://${host}:${config.port}/health`),
    );
    logger.log(`authentication on: generated the admin key; its digest is in ${admin.file}`);
  } else {
    logger.log(
      `authentication on: the admin key from the data folder is in use (${admin.file}; delete the file and restart for a new key)`,
    );
  }
  return new ApiAuthentication('on', new ApiKeyRegistry([admin.stored]));
}

const PRINCIPALS = new WeakMap<object, Principal>();

/** Records who sent the request (done by the guard and by the authentication middleware). */
export function setPrincipal(request: object, principal: Principal): void {
  PRINCIPALS.set(request, principal);
}

/** Who sent the request; throws for a request that did not pass authentication (a route outside the guard). */
export function principalOf(request: object): Principal {
  const principal = PRINCIPALS.get(request);
  if (!principal) throw new Error('the request has no authenticated principal: is its route behind the API-key guard?');
  return principal;
}

/** The body of a 401 answer. */
export function unauthenticatedBody(message: string): {
  statusCode: 401;
  error: 'Unauthorized';
  code: 'UNAUTHENTICATED';
  message: string;
} {
  return { statusCode: 401, error: 'Unauthorized', code: 'UNAUTHENTICATED', message };
}

/**
 * Express middleware that lets through only authenticated requests (any
 * role) and answers the others 401: installed in front of everything, it
 * also covers routes served outside Nest's guards (the OpenAPI document and
 * UI) and refuses before a body is read. Roles stay with the guard.
 */
export function requireApiKey(
  authentication: ApiAuthentication,
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const result = authentication.authenticate(req.header('Authorization'));
    if (!result.ok) {
      res.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
      res.status(401).json(unauthenticatedBody(result.message));
      return;
    }
    setPrincipal(req, result.principal);
    next();
  };
}
