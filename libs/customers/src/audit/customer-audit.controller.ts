import { CUSTOMER_EVENT_SCHEMA_VERSIONS } from '../domain/customer.events';
import { INSTANT_RULE, IsInstant, parseSupportedInstant } from '@crm/platform';
import { BadRequestException, Controller, Get, Inject, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { EventStore } from '@crm/event-store';
import { RequireRole } from '@crm/platform';
import { EVENT_STORE } from '@crm/platform/tokens';
import { isCheckpointOf } from '@crm/projections';
import { assertCustomerId } from '../queries/get-customer/get-customer.controller';
import { CustomerAuditService, type HistoryPage, type KnownAt } from './customer-audit.service';
import type { CustomerState } from './customer-state';

export const HISTORY_DEFAULT_LIMIT = 100;
const LIMIT = /^(?:[1-9]|[1-9][0-9]{1,2}|1000)$/;

const CUSTOMER_EVENT_TYPES = Object.keys(CUSTOMER_EVENT_SCHEMA_VERSIONS);
const KNOWN_TYPE = `(?:${CUSTOMER_EVENT_TYPES.join('|')})`;

export class CustomerHistoryRequest {
  @ApiPropertyOptional({
    description: `Comma-separated event types, e.g. PurchaseRecorded,PurchaseRefunded: ${CUSTOMER_EVENT_TYPES.join(', ')}.`,
  })
  @IsOptional()
  @IsString()
  @Matches(new RegExp(`^${KNOWN_TYPE}(,${KNOWN_TYPE})*$`), {
    message: `types must be a comma-separated list of event types: ${CUSTOMER_EVENT_TYPES.join(', ')}`,
  })
  types?: string;

  @ApiPropertyOptional({ description: 'Business time from (inclusive), ISO 8601.', format: 'date-time' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Business time to (exclusive), ISO 8601.', format: 'date-time' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ description: "Stream revision to start from: the previous page's `nextRevision`." })
  @IsOptional()
  @IsString()
  @Matches(/^(0|[1-9][0-9]{0,9})$/, { message: 'fromRevision must be a whole number' })
  fromRevision?: string;

  @ApiPropertyOptional({ description: 'Most events per page, 1–1000.', default: HISTORY_DEFAULT_LIMIT })
  @IsOptional()
  @IsString()
  @Matches(LIMIT, { message: 'limit must be an integer from 1 to 1000' })
  limit?: string;
}

export class CustomerStateRequest {
  @ApiPropertyOptional({
    description: 'Business time: the state as it was at this instant (default now), ISO 8601.',
    format: 'date-time',
  })
  @IsOptional()
  @IsInstant()
  asOf?: string;

  @ApiPropertyOptional({
    description:
      'Recorded time: only the events the store had recorded by this instant (ISO 8601), or up to this global ' +
      'checkpoint (from a command answer or GET /events); default: everything recorded so far.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  knownAt?: string;
}

function badRequest(field: string, message: string): BadRequestException {
  return new BadRequestException({
    code: 'VALIDATION_FAILED',
    message,
    problems: [{ field, rule: field, message }],
  });
}

@ApiTags('audit')
@RequireRole('auditor')
@Controller('customers')
export class CustomerAuditController {
  constructor(
    private readonly audit: CustomerAuditService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get(':customerId/history')
  @ApiOkResponse({
    description:
      'Every event of the customer stream as stored, in revision order: revision, global checkpoint, event id, ' +
      'type, business time, recorded time, actor, command, correlation and causation ids, schema version, data ' +
      'and metadata. `{ customerId, stream, items, nextRevision }`.',
  })
  @ApiBadRequestResponse({ description: 'A parameter is not valid (the answer names it).' })
  @ApiNotFoundResponse({ description: 'CUSTOMER_NOT_FOUND: the stream has no event.' })
  history(@Param('customerId') customerId: string, @Query() request: CustomerHistoryRequest): Promise<HistoryPage> {
    assertCustomerId(customerId);
    const from = request.from ? new Date(request.from) : null;
    const to = request.to ? new Date(request.to) : null;
    if (from && to && from.getTime() >= to.getTime()) throw badRequest('to', 'to must be after from');
    return this.audit.history(customerId, {
      types: request.types ? request.types.split(',') : [],
      from,
      to,
      fromRevision: request.fromRevision ? Number(request.fromRevision) : 0,
      limit: request.limit ? Number(request.limit) : HISTORY_DEFAULT_LIMIT,
    });
  }

  @Get(':customerId/state')
  @ApiOkResponse({
    description:
      'The customer as it was at business time `asOf`, from the events recorded by `knownAt`, folded by the ' +
      "projection's own code: the same shape as GET /customers/:id (profile, purchase facts, lifecycle, " +
      'satisfaction, loyalty, churn risk, the segmentation run in force) plus `rfm` raw values and `basis` ' +
      '(events known, folded, left out as later).',
  })
  @ApiBadRequestResponse({ description: 'A parameter is not valid (the answer names it).' })
  @ApiNotFoundResponse({ description: 'CUSTOMER_NOT_FOUND: no registration known at `knownAt`.' })
  state(@Param('customerId') customerId: string, @Query() request: CustomerStateRequest): Promise<CustomerState> {
    assertCustomerId(customerId);
    const asOf = request.asOf ? new Date(request.asOf) : new Date();
    return this.audit.stateAsOf(customerId, asOf, this.knownAt(request.knownAt));
  }

  private knownAt(value: string | undefined): KnownAt | null {
    if (value === undefined) return null;
    const instant = parseSupportedInstant(value);
    if (instant !== null) return { recordedAt: new Date(instant) };
    if (isCheckpointOf(this.store, value)) return { checkpoint: value };
    throw badRequest('knownAt', `knownAt must be a checkpoint of this store, or an instant that ${INSTANT_RULE}`);
  }
}
