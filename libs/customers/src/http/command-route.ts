import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Req,
  Res,
  type Type,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { uuidV5 } from '@crm/event-store';
import { IdempotencyStore, requestHash, RequireRole, type CommandResult } from '@crm/platform';
import type { CustomerCommand } from '../domain/customer.commands';
import { CustomerCommandMessage } from './customer-command.handler';
import { commandContextFrom } from './command-context';
import type { CommandRequest } from './command-request';
import { ID_PATTERN, ID_RULE } from './command-request';
import type { CommandResponseBody } from './command-response';

/** Namespace of ids the product derives from command ids (customer, complaint, contact… ids a client left out). */
const DERIVED_ID_NAMESPACE = '0d9a1f4e-2b7c-4c55-8f61-93e2a7b4c0de';

export type RouteParams = Readonly<Record<string, string>>;

export interface RouteTools {
  /** Business time of the command: the body's occurredAt, or now. */
  readonly occurredAt: Date;
  /** A deterministic id derived from the command id, for ids the client left out (a retry gets the same one). */
  derivedId(name: string): string;
}

/** One command's HTTP route: where it lives, what it accepts, which domain command it becomes. */
export interface CommandRoute<B extends CommandRequest> {
  readonly operationId: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  /** Path under /customers, with :params. */
  readonly path: string;
  readonly request: Type<B>;
  readonly summary: string;
  /** 201 for commands that create something, 200 for the others. */
  readonly successStatus: 200 | 201;
  /** The customer the command addresses (default: the :customerId path parameter). */
  customerId?(body: B, tools: RouteTools): string;
  toCommand(body: B, params: RouteParams, tools: RouteTools): CustomerCommand;
  /** Ids the response reports besides the customer id (e.g. a generated complaintId). */
  createdIds?(command: CustomerCommand): Readonly<Record<string, string | undefined>>;
}

const METHOD_DECORATORS = { POST: Post, PUT: Put, PATCH: Patch } as const;

function badPathParameter(name: string): BadRequestException {
  return new BadRequestException({
    code: 'VALIDATION_FAILED',
    message: `${name} ${ID_RULE}`,
    problems: [{ field: `path:${name}`, rule: 'matches', message: `${name} ${ID_RULE}` }],
  });
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * Builds the controller of one command route. Every command route works the
 * same way: validate, answer a retried idempotency key from its first
 * response, build the domain command, run it through the command bus, and
 * answer with the new revision (also the ETag), event ids and checkpoint.
 */
/** A route with its request type erased, for lists of routes. */
export type AnyCommandRoute = CommandRoute<CommandRequest>;

export function anyRoute<B extends CommandRequest>(route: CommandRoute<B>): AnyCommandRoute {
  return route as unknown as AnyCommandRoute;
}

export function commandController<B extends CommandRequest>(route: CommandRoute<B>): Type<unknown> {
  const pathParams = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);

  @ApiTags('customers')
  @Controller('customers')
  @RequireRole('writer')
  class CommandRouteController {
    constructor(
      @Inject(CommandBus) private readonly commands: CommandBus,
      @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
    ) {}

    async handle(body: B, params: RouteParams, request: Request, response: Response): Promise<CommandResponseBody> {
      for (const name of pathParams) {
        if (!ID_PATTERN.test(params[name] ?? '')) throw badPathParameter(name);
      }
      const key = request.header('Idempotency-Key') ?? body.commandId;
      const hash = requestHash(request.method, request.path, body);
      if (key !== undefined) {
        const stored = await this.idempotency.recall(key, hash);
        if (stored) {
          if (stored.etag) response.setHeader('ETag', stored.etag);
          response.setHeader('Idempotent-Replayed', 'true');
          response.status(stored.status);
          return stored.body as unknown as CommandResponseBody;
        }
      }
      const occurredAt = body.occurredAt ? new Date(body.occurredAt) : new Date();
      const context = { ...commandContextFrom(request, occurredAt, key), commandDigest: hash };
      const tools: RouteTools = {
        occurredAt,
        derivedId: (name) => uuidV5(`${name}:${context.commandId}`, DERIVED_ID_NAMESPACE),
      };
      const customerId = route.customerId ? route.customerId(body, tools) : params.customerId!;
      const command = route.toCommand(body, params, tools);
      const result = await this.commands.execute<CustomerCommandMessage, CommandResult>(
        new CustomerCommandMessage(customerId, command, context),
      );
      const answer: CommandResponseBody = {
        customerId,
        ...(route.createdIds ? route.createdIds(command) : {}),
        revision: result.revision,
        eventIds: result.eventIds,
        checkpoint: result.checkpoint,
      };
      const etag = result.revision === null ? null : `"${result.revision}"`;
      if (etag) response.setHeader('ETag', etag);
      if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
      if (route.successStatus === 201) response.setHeader('Location', `/customers/${encodeURIComponent(customerId)}`);
      if (key !== undefined) {
        await this.idempotency.remember(key, hash, {
          status: route.successStatus,
          body: answer as unknown as Record<string, unknown>,
          etag,
        });
      }
      return answer;
    }
  }

  const prototype = CommandRouteController.prototype;
  const descriptor = Object.getOwnPropertyDescriptor(prototype, 'handle')!;
  // Parameter types, as the compiler would emit them for a hand-written handler: the
  // validation pipe and the OpenAPI generator read the body's class from here.
  Reflect.defineMetadata('design:paramtypes', [route.request, Object, Object, Object], prototype, 'handle');
  Body()(prototype, 'handle', 0);
  Param()(prototype, 'handle', 1);
  Req()(prototype, 'handle', 2);
  Res({ passthrough: true })(prototype, 'handle', 3);
  const decorators: MethodDecorator[] = [
    METHOD_DECORATORS[route.method](route.path),
    HttpCode(route.successStatus),
    ApiOperation({ operationId: route.operationId, summary: route.summary }),
    ApiBody({ type: route.request }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Makes retries safe: the same key and request answer as the first time.',
    }),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'The stream revision (ETag) the client last saw; 412 if it moved.',
    }),
    ApiHeader({ name: 'X-Correlation-Id', required: false }),
    ApiResponse({
      status: route.successStatus,
      description: 'Accepted: new revision (also the ETag), event ids, global checkpoint.',
    }),
    ApiResponse({ status: 400, description: 'Invalid request: problems name each field and rule. Nothing appended.' }),
    ApiResponse({ status: 404, description: 'Unknown customer (or complaint).' }),
    ApiResponse({
      status: 409,
      description: 'Refused by the customer’s current state (coded), or a concurrent write.',
    }),
    ApiResponse({ status: 412, description: 'If-Match does not match the stream revision.' }),
    ApiResponse({
      status: 422,
      description: 'A business rule refused it (coded), or the Idempotency-Key was used for another request.',
    }),
    ...pathParams.map((name) => ApiParam({ name, schema: { type: 'string', pattern: ID_PATTERN.source } })),
  ];
  for (const decorate of decorators) decorate(prototype, 'handle', descriptor);
  Object.defineProperty(CommandRouteController, 'name', { value: `${pascal(route.operationId)}Controller` });
  return CommandRouteController;
}
