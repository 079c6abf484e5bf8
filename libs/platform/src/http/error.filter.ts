import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import {
  IdempotencyMismatchError,
  InvalidAppendError,
  StreamConflictError,
  StreamNotFoundError,
} from '@crm/event-store';
import type { Response } from 'express';
import { DomainError } from '../domain/decider';
import { CommandIdReusedError, PreconditionFailedError } from '../write-side/command-executor';
import { IdempotencyKeyReusedError } from '../idempotency/idempotency.store';

interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  [key: string]: unknown;
}

const DOMAIN_STATUS = {
  conflict: HttpStatus.CONFLICT,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  'not-found': HttpStatus.NOT_FOUND,
};

/**
 * One place where errors become HTTP answers: coded domain refusals become
 * 404/409/422, concurrency conflicts 409, failed preconditions 412; anything
 * unexpected is logged and answered 500 without internals.
 */
@Catch()
export class CrmErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      const statusCode = DOMAIN_STATUS[exception.kind];
      return {
        statusCode,
        error: STATUS_CODES[statusCode] ?? 'Error',
        code: exception.code,
        message: exception.message,
        ...exception.details,
      };
    }
    if (exception instanceof PreconditionFailedError) {
      return {
        statusCode: HttpStatus.PRECONDITION_FAILED,
        error: 'Precondition Failed',
        code: 'REVISION_MISMATCH',
        message: exception.message,
        expectedRevision: exception.expectedRevision,
        actualRevision: exception.actualRevision,
      };
    }
    if (exception instanceof StreamConflictError) {
      return {
        statusCode: HttpStatus.CONFLICT,
        error: 'Conflict',
        code: exception.code,
        message: 'the customer changed concurrently; retry the command',
      };
    }
    if (exception instanceof IdempotencyKeyReusedError || exception instanceof CommandIdReusedError) {
      return { statusCode: 422, error: 'Unprocessable Entity', code: exception.code, message: exception.message };
    }
    if (exception instanceof IdempotencyMismatchError) {
      return {
        statusCode: HttpStatus.UNPROCESSABLE_ENTITY,
        error: 'Unprocessable Entity',
        code: exception.code,
        message: exception.message,
      };
    }
    if (exception instanceof InvalidAppendError) {
      // Requests are validated before they become events: this is the store's own guard.
      return {
        statusCode: HttpStatus.BAD_REQUEST,
        error: 'Bad Request',
        code: exception.code,
        message: exception.message,
      };
    }
    if (exception instanceof StreamNotFoundError) {
      return { statusCode: HttpStatus.NOT_FOUND, error: 'Not Found', code: 'NOT_FOUND', message: exception.message };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const raw = exception.getResponse();
      const base: ErrorBody = {
        statusCode,
        error: STATUS_CODES[statusCode] ?? 'Error',
        code: httpCode(statusCode),
        message: exception.message,
      };
      if (typeof raw === 'object' && raw !== null) return { ...base, ...(raw as Record<string, unknown>), statusCode };
      return base;
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL', message: 'internal error' };
  }
}

function httpCode(status: number): string {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 413:
      return 'BODY_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    default:
      return `HTTP_${status}`;
  }
}
