import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { ApiRole } from '../config/crm-config';

/** The roles a route may require; `admin` satisfies every one of them. */
export type RequirableRole = Exclude<ApiRole, 'admin'>;

export const REQUIRED_ROLES = Symbol('crm:required-roles');

/**
 * Declares who may call a controller or handler: a key with one of these
 * roles, or an admin key. A route without the declaration is served to
 * nobody (403 ROLE_NOT_DECLARED).
 */
export function RequireRole(...roles: [RequirableRole, ...RequirableRole[]]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_ROLES, Object.freeze([...roles])),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No API key, a malformed Authorization header or an unknown key.' }),
    ApiForbiddenResponse({ description: `The key's role is not one of: ${roles.join(', ')} (or admin).` }),
  );
}
