import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import type { ComplaintStatus } from '../../domain/complaint-lifecycle';
import { COMPLAINT_SEVERITIES, type ComplaintSeverity } from '../../domain/customer.events';
import { ID_PATTERN, ID_RULE } from '../../http/command-request';
import { MinCheckpointParam } from '../await-read-model';
import { decodeComplaintsCursor } from './list-complaints.query';

// A record rather than a list, so that a new complaint state fails the type check until it is listed here.
const STATES: Readonly<Record<ComplaintStatus, true>> = {
  filed: true,
  valid: true,
  rejected: true,
  'resolution-proposed': true,
  resolved: true,
  'followed-up': true,
  closed: true,
  reopened: true,
};
export const COMPLAINT_STATES = Object.keys(STATES) as ComplaintStatus[];
export const SLA_BREACHED_VALUES = ['true', 'false'] as const;
export const COMPLAINTS_DEFAULT_LIMIT = 50;
export const COMPLAINTS_MAX_LIMIT = 500;

/** 1 to 500, in plain decimal digits. */
const LIMIT = /^(?:[1-9]|[1-9][0-9]|[1-4][0-9]{2}|500)$/;

function IsComplaintsCursor(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isComplaintsCursor',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property is not a cursor of this list (pass nextCursor back unchanged)', ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && decodeComplaintsCursor(value) !== null,
      },
    });
  };
}

/**
 * Query parameters of GET /complaints. Query strings arrive as text and are
 * not converted implicitly, so each value is checked as text here and
 * converted by the controller.
 */
export class ListComplaintsRequest {
  @ApiPropertyOptional({ description: 'Only complaints in this state.', enum: COMPLAINT_STATES })
  @IsOptional()
  @IsIn(COMPLAINT_STATES)
  state?: ComplaintStatus;

  @ApiPropertyOptional({ description: 'Only complaints of this category (exact match).', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  category?: string;

  @ApiPropertyOptional({ description: 'Only complaints of this severity.', enum: COMPLAINT_SEVERITIES })
  @IsOptional()
  @IsIn(COMPLAINT_SEVERITIES)
  severity?: ComplaintSeverity;

  @ApiPropertyOptional({ description: "Only this customer's complaints." })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `customerId ${ID_RULE}` })
  customerId?: string;

  @ApiPropertyOptional({
    description:
      '`true`: only complaints that missed a target, or whose open assessment or resolution is past its due time ' +
      'as of the request; `false`: only the others.',
    enum: SLA_BREACHED_VALUES,
  })
  @IsOptional()
  @IsIn(SLA_BREACHED_VALUES)
  slaBreached?: (typeof SLA_BREACHED_VALUES)[number];

  @ApiPropertyOptional({
    description: 'Most items per page.',
    type: 'integer',
    minimum: 1,
    maximum: COMPLAINTS_MAX_LIMIT,
    default: COMPLAINTS_DEFAULT_LIMIT,
  })
  @IsOptional()
  @IsString()
  @Matches(LIMIT, { message: `limit must be an integer from 1 to ${COMPLAINTS_MAX_LIMIT}` })
  limit?: string;

  @ApiPropertyOptional({ description: "The previous page's nextCursor, unchanged." })
  @IsOptional()
  @IsString()
  @IsComplaintsCursor()
  cursor?: string;

  @MinCheckpointParam()
  minCheckpoint?: string;
}
