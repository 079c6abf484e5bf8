import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { MAX_AMOUNT_MINOR } from '../../domain/money';
import { CommandRequest, ID_PATTERN, ID_RULE } from '../../http/command-request';

export class RefundPurchaseRequest extends CommandRequest {
  @ApiPropertyOptional({ description: 'Refund id; derived from the idempotency key when omitted.' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: `refundId ${ID_RULE}` })
  refundId?: string;

  @ApiProperty({
    description: 'Amount refunded, in minor units; refunds of an order never exceed what was paid.',
    minimum: 1,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_MINOR)
  amountMinor!: number;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}
