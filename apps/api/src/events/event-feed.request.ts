import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 1000;

/** 1 to 1000, in plain decimal digits. */
const LIMIT = /^(?:[1-9]|[1-9][0-9]|[1-9][0-9]{2}|1000)$/;
/** Comma-separated, non-empty items without spaces. */
const LIST = /^[^,\s]+(?:,[^,\s]+)*$/;

/**
 * Query parameters of GET /events and GET /events/stream, checked as text
 * (query strings are not converted implicitly); `after` is checked against
 * the store by the controller.
 */
export class EventFeedRequest {
  @ApiPropertyOptional({
    description:
      "A checkpoint of this store (an earlier answer's `nextAfter`, or a command's `checkpoint`): events strictly after it. Default: from the first event.",
    example: '1234:56',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  after?: string;

  @ApiPropertyOptional({
    description: 'Most events per page (GET /events only).',
    type: 'integer',
    minimum: 1,
    maximum: FEED_MAX_LIMIT,
    default: FEED_DEFAULT_LIMIT,
  })
  @IsOptional()
  @IsString()
  @Matches(LIMIT, { message: `limit must be an integer from 1 to ${FEED_MAX_LIMIT}` })
  limit?: string;

  @ApiPropertyOptional({
    description: 'Comma-separated stream-name prefixes: only streams starting with one of them.',
    example: 'customer-',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(LIST, { message: 'streamPrefix must be a comma-separated list of stream-name prefixes' })
  streamPrefix?: string;

  @ApiPropertyOptional({
    description: 'Comma-separated event types: only events of one of them.',
    example: 'PurchaseRecorded,PurchaseRefunded',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(LIST, { message: 'type must be a comma-separated list of event types' })
  type?: string;
}
