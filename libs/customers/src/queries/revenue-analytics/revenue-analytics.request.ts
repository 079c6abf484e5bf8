import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsSupportedDay, parseSupportedDay } from '@crm/platform';
import {
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { PURCHASE_CHANNELS, type PurchaseChannel } from '../../domain/customer.events';
import { isCurrencyCode } from '../../domain/money';
import { ID_PATTERN, ID_RULE } from '../../http/command-request';
import { MinCheckpointParam } from '../await-read-model';
import { GROUP_BY_NAMES, TIME_GRANULARITIES } from './revenue-analytics.query';

/** The longest day range one question may cover. */
export const MAX_RANGE_YEARS = 5;

/** The YYYY-MM-DD text of a real calendar day in the supported range, as a UTC time; null otherwise. */
export const parseDay = parseSupportedDay;

/** The same calendar day `years` later (29 February rolls to 1 March). */
function yearsLater(time: number, years: number): number {
  const date = new Date(time);
  return Date.UTC(date.getUTCFullYear() + years, date.getUTCMonth(), date.getUTCDate());
}

/** Why a groupBy list is refused, or null when it is fine. */
export function groupByProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'groupBy must be a comma-separated list of names';
  const names = value.split(',');
  const unknown = names.filter((name) => !(GROUP_BY_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    return `groupBy: unknown name "${unknown[0]}"; use any of ${GROUP_BY_NAMES.join(', ')}`;
  }
  if (new Set(names).size !== names.length) return 'groupBy names each dimension at most once';
  const times = names.filter((name) => (TIME_GRANULARITIES as readonly string[]).includes(name));
  if (times.length > 1) return `groupBy takes at most one time granularity (${TIME_GRANULARITIES.join(', ')})`;
  return null;
}

function IsGroupBy(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isGroupBy',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => groupByProblem(value) === null,
        defaultMessage: (args) => groupByProblem(args?.value) ?? 'groupBy is not valid',
      },
    });
  };
}

/** `to` comes after `from`, at most MAX_RANGE_YEARS later (checked only when both are dates). */
function IsRangeEnd(options?: ValidationOptions): PropertyDecorator {
  const problem = (to: unknown, from: unknown): string | null => {
    const [start, end] = [parseDay(from), parseDay(to)];
    if (start === null || end === null) return null;
    if (end <= start) return 'to must be after from (from is included, to is excluded)';
    if (end > yearsLater(start, MAX_RANGE_YEARS)) return `to must be at most ${MAX_RANGE_YEARS} years after from`;
    return null;
  };
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isRangeEnd',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown, args) => problem(value, (args?.object as { from?: unknown }).from) === null,
        defaultMessage: (args) =>
          problem(args?.value, (args?.object as { from?: unknown }).from) ?? 'to is not a valid end of the range',
      },
    });
  };
}

function IsCurrency(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isCurrency',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be an ISO 4217 currency code, e.g. EUR', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isCurrencyCode(value) },
    });
  };
}

/**
 * Query parameters of GET /analytics/revenue. Query strings arrive as text
 * and are not converted implicitly, so each value is checked as text here
 * and converted by the controller.
 */
export class RevenueAnalyticsRequest {
  @ApiProperty({ description: 'First business day included (UTC), YYYY-MM-DD.', example: '2026-01-01' })
  @IsString()
  @IsSupportedDay()
  from!: string;

  @ApiProperty({
    description: `First business day excluded (UTC), YYYY-MM-DD; after \`from\`, at most ${MAX_RANGE_YEARS} years later.`,
    example: '2026-07-01',
  })
  @IsString()
  @IsSupportedDay()
  @IsRangeEnd()
  to!: string;

  @ApiPropertyOptional({
    description:
      `Comma-separated: at most one of ${TIME_GRANULARITIES.join(', ')}, and any of region, category, channel, ` +
      "accountManager, segment (the customer's segment today). Rows are always per currency.",
    example: 'month,region',
  })
  @IsOptional()
  @IsString()
  @IsGroupBy()
  groupBy?: string;

  @ApiPropertyOptional({ description: 'Only purchases in this currency (ISO 4217).', example: 'EUR' })
  @IsOptional()
  @IsString()
  @IsCurrency()
  currency?: string;

  @ApiPropertyOptional({ description: 'Only this region (exact match).', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  region?: string;

  @ApiPropertyOptional({ description: 'Only lines of this product category (exact match).', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  category?: string;

  @ApiPropertyOptional({ description: 'Only purchases through this channel.', enum: PURCHASE_CHANNELS })
  @IsOptional()
  @IsIn(PURCHASE_CHANNELS)
  channel?: PurchaseChannel;

  @ApiPropertyOptional({ description: "Only customers in this account manager's care at the purchase." })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `accountManager ${ID_RULE}` })
  accountManager?: string;

  @ApiPropertyOptional({ description: "Only customers whose segment today is this (customer_status's `segment`)." })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  segment?: string;

  @MinCheckpointParam()
  minCheckpoint?: string;
}
