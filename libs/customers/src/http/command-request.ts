import { IsInstant } from '@crm/platform';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { IsNotFarFuture } from './is-not-far-future';

/** Ids of customers and of their orders, complaints, contacts…: what may appear in a URL path. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const ID_RULE = 'must be 1-64 letters, digits, "_", ".", ":" or "-", starting with a letter or digit';

/** Fields every command request may carry. */
export abstract class CommandRequest {
  @ApiPropertyOptional({
    description: 'Business time: when this happened in the world (ISO 8601). Defaults to now; at most 5 minutes ahead.',
    format: 'date-time',
  })
  @IsOptional()
  @IsInstant()
  @IsNotFarFuture()
  occurredAt?: string;

  @ApiPropertyOptional({
    description: 'Command id, the same as an Idempotency-Key header (the header wins when both are given).',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:@/+=-]{1,200}$/, {
    message: 'commandId must be 1-200 characters of letters, digits and ._:@/+=-',
  })
  commandId?: string;
}
