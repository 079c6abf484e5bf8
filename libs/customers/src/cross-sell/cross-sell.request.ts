import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, registerDecorator } from 'class-validator';
import { DEFAULT_CRM_RULES } from '../domain/rules/crm-rules';
import { MinCheckpointParam } from '../queries/await-read-model';
import { CROSS_SELL_LEVELS, type CrossSellLevel } from './cross-sell.service';

/** Plain decimal text: digits with an optional fraction. */
const DECIMAL = /^\d{1,3}(?:\.\d{1,12})?$/;

/** The share a text means, when it is plain decimal text within the bounds; null otherwise. */
export function parseShare(value: unknown, zeroAllowed: boolean): number | null {
  if (typeof value !== 'string' || !DECIMAL.test(value)) return null;
  const share = Number(value);
  return share <= 1 && (zeroAllowed ? share >= 0 : share > 0) ? share : null;
}

function IsShare(zeroAllowed: boolean): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isShare',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: zeroAllowed
          ? '$property must be a decimal number from 0 to 1, e.g. 0.5'
          : '$property must be a decimal number above 0 and at most 1, e.g. 0.05',
      },
      validator: { validate: (value: unknown) => parseShare(value, zeroAllowed) !== null },
    });
  };
}

const DEFAULTS = DEFAULT_CRM_RULES.crossSell;

/**
 * The thresholds and level shared by GET /analytics/association-rules and
 * GET /customers/:customerId/recommendations: checked as text here,
 * converted by the controllers. Missing thresholds come from the rules in
 * force (`crossSell`, docs/rules.md).
 */
export class CrossSellRequest {
  @ApiPropertyOptional({
    description: `Least share of baskets holding a rule's items, above 0 and at most 1 (default: rules, ${DEFAULTS.minSupport}).`,
    example: '0.05',
  })
  @IsOptional()
  @IsString()
  @IsShare(false)
  minSupport?: string;

  @ApiPropertyOptional({
    description: `Least confidence P(Y | X) of a rule, 0 to 1 (default: rules, ${DEFAULTS.minConfidence}).`,
    example: '0.3',
  })
  @IsOptional()
  @IsString()
  @IsShare(true)
  minConfidence?: string;

  @ApiPropertyOptional({
    description: `Least share of customers following a sequence pattern, above 0 and at most 1 (default: rules, ${DEFAULTS.minSequenceSupport}).`,
    example: '0.02',
  })
  @IsOptional()
  @IsString()
  @IsShare(false)
  minSequenceSupport?: string;

  @ApiPropertyOptional({
    description: 'What an item is: a product category or a SKU.',
    enum: CROSS_SELL_LEVELS,
    default: 'category',
  })
  @IsOptional()
  @IsIn(CROSS_SELL_LEVELS)
  level?: CrossSellLevel;

  @MinCheckpointParam()
  minCheckpoint?: string;
}

/** The request's thresholds as numbers (only those it gives). */
export function requestedThresholds(request: CrossSellRequest): {
  minSupport?: number;
  minConfidence?: number;
  minSequenceSupport?: number;
} {
  return {
    ...(request.minSupport !== undefined ? { minSupport: Number(request.minSupport) } : {}),
    ...(request.minConfidence !== undefined ? { minConfidence: Number(request.minConfidence) } : {}),
    ...(request.minSequenceSupport !== undefined ? { minSequenceSupport: Number(request.minSequenceSupport) } : {}),
  };
}
