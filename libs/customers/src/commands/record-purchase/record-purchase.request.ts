import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PURCHASE_CHANNELS, type PurchaseChannel } from '../../domain/customer.events';
import { MAX_AMOUNT_MINOR } from '../../domain/money';
import { CommandRequest, ID_PATTERN, ID_RULE } from '../../http/command-request';

export class PurchaseLineDto {
  @ApiProperty({ maxLength: 100, example: 'CD-1234' })
  @IsString()
  @Length(1, 100)
  sku!: string;

  @ApiProperty({ maxLength: 100, example: 'music' })
  @IsString()
  @Length(1, 100)
  category!: string;

  @ApiProperty({ minimum: 1, maximum: 1_000_000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  quantity!: number;

  @ApiProperty({ description: 'Unit price in minor units.', minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_MINOR)
  unitPriceMinor!: number;

  @ApiPropertyOptional({
    description: 'Discount on the whole line, in minor units (at most quantity × unit price).',
    minimum: 0,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_MINOR)
  discountMinor?: number;
}

export class RecordPurchaseRequest extends CommandRequest {
  @ApiProperty({ description: 'Order id, unique per customer.', example: 'o-2026-0001' })
  @Matches(ID_PATTERN, { message: `orderId ${ID_RULE}` })
  orderId!: string;

  @ApiProperty({ example: 'EUR' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code in capitals, e.g. EUR' })
  @IsISO4217CurrencyCode()
  currency!: string;

  @ApiProperty({ enum: PURCHASE_CHANNELS })
  @IsIn(PURCHASE_CHANNELS)
  channel!: PurchaseChannel;

  @ApiPropertyOptional({ maxLength: 100, description: 'Region of the sale (defaults to none).' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  region?: string;

  @ApiProperty({ type: [PurchaseLineDto], minItems: 1, maxItems: 500 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => PurchaseLineDto)
  lines!: PurchaseLineDto[];
}
