import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches, registerDecorator } from 'class-validator';
import { VALUE_QUADRANTS } from '../../customer-status/customer-status';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../../domain/lifecycle';
import { LOYALTY_TIERS, type LoyaltyTier } from '../../domain/loyalty';
import { ID_PATTERN, ID_RULE } from '../../http/command-request';
import { ABC_CLASSES, PYRAMID_TIERS, type AbcClass, type PyramidTier } from '../../segmentation/segmentation.service';
import type { ValueQuadrant } from '../../customer-status/customer-status';
import { MinCheckpointParam } from '../await-read-model';
import { CUSTOMER_SORT_KEYS, decodeCustomersCursor } from './list-customers.query';

export const CUSTOMERS_DEFAULT_LIMIT = 50;
export const CUSTOMERS_MAX_LIMIT = 500;
export const CUSTOMER_SORTS = CUSTOMER_SORT_KEYS.flatMap((key) => [key, `-${key}`]);
const BOOLEANS = ['true', 'false'] as const;
/** 1 to 500, in plain decimal digits. */
const LIMIT = /^(?:[1-9]|[1-9][0-9]|[1-4][0-9]{2}|500)$/;

function IsCustomersCursor(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isCustomersCursor',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property is not a cursor of this list (pass nextCursor back unchanged)' },
      validator: { validate: (value: unknown) => typeof value === 'string' && decodeCustomersCursor(value) !== null },
    });
  };
}

/** Filters and paging shared by GET /customers and GET /alerts/churn (checked as text, converted by the controller). */
export class CustomerFilterRequest {
  @ApiPropertyOptional({ description: 'Only customers whose account manager is this id.' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `accountManagerId ${ID_RULE}` })
  accountManagerId?: string;

  @ApiPropertyOptional({ description: 'Only customers of this region (exact match).', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  region?: string;

  @ApiPropertyOptional({ description: 'Most items per page.', minimum: 1, maximum: CUSTOMERS_MAX_LIMIT, default: 50 })
  @IsOptional()
  @IsString()
  @Matches(LIMIT, { message: `limit must be an integer from 1 to ${CUSTOMERS_MAX_LIMIT}` })
  limit?: string;

  @ApiPropertyOptional({ description: "The previous page's nextCursor, unchanged (with the same sort)." })
  @IsOptional()
  @IsString()
  @IsCustomersCursor()
  cursor?: string;

  @MinCheckpointParam()
  minCheckpoint?: string;
}

/** Query parameters of GET /customers. */
export class ListCustomersRequest extends CustomerFilterRequest {
  @ApiPropertyOptional({ description: 'Lifecycle stage as of today.', enum: LIFECYCLE_STAGES })
  @IsOptional()
  @IsIn(LIFECYCLE_STAGES)
  stage?: LifecycleStage;

  @ApiPropertyOptional({
    description:
      'The single dashboard label: prospect, churned, unscored, or a named RFM segment (docs/read-models.md).',
    maxLength: 100,
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  segment?: string;

  @ApiPropertyOptional({ description: 'Named RFM segment of the latest segmentation run, e.g. Champions.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  rfmSegment?: string;

  @ApiPropertyOptional({ enum: ABC_CLASSES })
  @IsOptional()
  @IsIn(ABC_CLASSES)
  abcClass?: AbcClass;

  @ApiPropertyOptional({ enum: PYRAMID_TIERS })
  @IsOptional()
  @IsIn(PYRAMID_TIERS)
  pyramidTier?: PyramidTier;

  @ApiPropertyOptional({ description: 'Value quadrant of the latest segmentation run.', enum: VALUE_QUADRANTS })
  @IsOptional()
  @IsIn(VALUE_QUADRANTS)
  quadrant?: ValueQuadrant;

  @ApiPropertyOptional({ enum: LOYALTY_TIERS })
  @IsOptional()
  @IsIn(LOYALTY_TIERS)
  loyaltyTier?: LoyaltyTier;

  @ApiPropertyOptional({ enum: BOOLEANS })
  @IsOptional()
  @IsIn(BOOLEANS)
  churnRisk?: (typeof BOOLEANS)[number];

  @ApiPropertyOptional({
    description: 'Only customers whose probability of being alive (latest lifetime-value scores) is below this, 0–1.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/, { message: 'probabilityAliveBelow must be a number from 0 to 1' })
  probabilityAliveBelow?: string;

  @ApiPropertyOptional({
    description: 'Sort key; a leading `-` sorts descending. Ties are broken by customer id.',
    enum: CUSTOMER_SORTS,
    default: 'customerId',
  })
  @IsOptional()
  @IsIn(CUSTOMER_SORTS)
  sort?: string;
}
