import { randomUUID } from 'node:crypto';
import { BadRequestException } from '@nestjs/common';
import type { Request } from 'express';
import { principalOf, type CommandContext } from '@crm/platform';

const HEADER_VALUE = /^[A-Za-z0-9._:@/+=-]{1,200}$/;

function header(request: Request, name: string): string | undefined {
  const value = request.header(name);
  if (value === undefined) return undefined;
  if (!HEADER_VALUE.test(value)) {
    throw new BadRequestException({
      code: 'VALIDATION_FAILED',
      message: `${name} must be 1-200 characters of letters, digits and ._:@/+=-`,
      problems: [{ field: `header:${name}`, rule: 'format', message: `${name} has an invalid format` }],
    });
  }
  return value;
}

function ifMatch(request: Request): number | undefined {
  const raw = request.header('If-Match');
  if (raw === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(raw.trim());
  if (!match) {
    throw new BadRequestException({
      code: 'VALIDATION_FAILED',
      message: 'If-Match must be a stream revision as given in an ETag, e.g. "3"',
      problems: [{ field: 'header:If-Match', rule: 'format', message: 'If-Match must be a revision ETag' }],
    });
  }
  return Number(match[1]);
}

/**
 * The command's metadata from the HTTP request: command id (the idempotency
 * key, else a new UUID), correlation, actor, precondition.
 */
export function commandContextFrom(request: Request, occurredAt: Date, idempotencyKey?: string): CommandContext {
  const commandId = header(request, 'Idempotency-Key') ?? idempotencyKey ?? randomUUID();
  const correlationId = header(request, 'X-Correlation-Id') ?? randomUUID();
  return {
    commandId,
    correlationId,
    causationId: header(request, 'X-Causation-Id'),
    actor: principalOf(request).actor,
    occurredAt,
    expectedRevision: ifMatch(request),
  };
}
