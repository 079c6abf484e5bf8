import {
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { roleSatisfies } from './api-keys';
import { ApiAuthentication, setPrincipal, unauthenticatedBody, WWW_AUTHENTICATE } from './api-authentication';
import { REQUIRED_ROLES, type RequirableRole } from './require-role.decorator';

/**
 * Every Nest route: 401 without a valid API key, 403 when the key's role is
 * not one the route declares with @RequireRole, and 403 ROLE_NOT_DECLARED
 * for a route that declares none (safe default: nothing is served open by
 * omission). Puts the principal on the request (see principalOf).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiAuthentication) private readonly authentication: ApiAuthentication,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const result = this.authentication.authenticate(request.header('Authorization'));
    if (!result.ok) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
      throw new UnauthorizedException(unauthenticatedBody(result.message));
    }

    const required = this.reflector.getAllAndOverride<readonly RequirableRole[] | undefined>(REQUIRED_ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required || required.length === 0) {
      const route = `${context.getClass().name}.${context.getHandler().name}`;
      this.logger.error(`${route} declares no @RequireRole(...): refused to every caller`);
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        code: 'ROLE_NOT_DECLARED',
        message: 'this route declares no required role, so it is served to nobody',
      });
    }
    if (!roleSatisfies(result.principal.role, required)) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        code: 'FORBIDDEN',
        message: `this route requires the ${required.join(' or ')} role (or admin); the key has the ${result.principal.role} role`,
        requiredRoles: required,
      });
    }
    setPrincipal(request, result.principal);
    return true;
  }
}
