import { IsInstant } from '@crm/platform';
import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsOptional,
  IsString,
  Matches,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { CUSTOMER_EVENT_SCHEMA_VERSIONS, type CustomerEventType } from '../../domain/customer.events';
import { MinCheckpointParam } from '../await-read-model';
import { decodeTimelineCursor, type TimelineOrder } from './get-customer-timeline.query';

export const TIMELINE_EVENT_TYPES = Object.keys(CUSTOMER_EVENT_SCHEMA_VERSIONS) as CustomerEventType[];
export const TIMELINE_ORDERS: readonly TimelineOrder[] = ['asc', 'desc'];
export const TIMELINE_DEFAULT_LIMIT = 50;
export const TIMELINE_MAX_LIMIT = 500;

const TYPE = `(?:${TIMELINE_EVENT_TYPES.join('|')})`;
const TYPE_LIST = new RegExp(`^${TYPE}(?:,${TYPE})*$`);
/** 1 to 500, in plain decimal digits. */
const LIMIT = /^(?:[1-9]|[1-9][0-9]|[1-4][0-9]{2}|500)$/;

function IsTimelineCursor(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isTimelineCursor',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property is not a cursor of this timeline (pass nextCursor back unchanged)', ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && decodeTimelineCursor(value) !== null,
      },
    });
  };
}

/** `to` must come after `from` when both are given. */
function IsAfterFrom(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isAfterFrom',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be after from', ...options },
      validator: {
        validate(value: unknown, args): boolean {
          const from = (args?.object as { from?: unknown } | undefined)?.from;
          if (typeof value !== 'string' || typeof from !== 'string') return true;
          const [start, end] = [Date.parse(from), Date.parse(value)];
          return Number.isNaN(start) || Number.isNaN(end) || end > start;
        },
      },
    });
  };
}

/**
 * Query parameters of GET /customers/:customerId/timeline. Query strings
 * arrive as text and are not converted implicitly, so each value is checked
 * as text here and converted by the controller.
 */
export class GetCustomerTimelineRequest {
  @ApiPropertyOptional({
    description: 'Business time from (inclusive), ISO 8601.',
    format: 'date-time',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({
    description: 'Business time up to (exclusive), ISO 8601; after `from`.',
    format: 'date-time',
    example: '2026-02-01T00:00:00Z',
  })
  @IsOptional()
  @IsInstant()
  @IsAfterFrom()
  to?: string;

  @ApiPropertyOptional({
    description: `Comma-separated event types to include (default all): ${TIMELINE_EVENT_TYPES.join(', ')}.`,
    example: 'PurchaseRecorded,ComplaintFiled',
  })
  @IsOptional()
  @IsString()
  @Matches(TYPE_LIST, {
    message: `types must be a comma-separated list of event types: ${TIMELINE_EVENT_TYPES.join(', ')}`,
  })
  types?: string;

  @ApiPropertyOptional({
    description: 'By business time (then stream revision), oldest first or newest first.',
    enum: TIMELINE_ORDERS,
    default: 'asc',
  })
  @IsOptional()
  @IsIn(TIMELINE_ORDERS)
  order?: TimelineOrder;

  @ApiPropertyOptional({
    description: 'Most items per page.',
    type: 'integer',
    minimum: 1,
    maximum: TIMELINE_MAX_LIMIT,
    default: TIMELINE_DEFAULT_LIMIT,
  })
  @IsOptional()
  @IsString()
  @Matches(LIMIT, { message: `limit must be an integer from 1 to ${TIMELINE_MAX_LIMIT}` })
  limit?: string;

  @ApiPropertyOptional({ description: "The previous page's nextCursor, unchanged." })
  @IsOptional()
  @IsString()
  @IsTimelineCursor()
  cursor?: string;

  @MinCheckpointParam()
  minCheckpoint?: string;
}
