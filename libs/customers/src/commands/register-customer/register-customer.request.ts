import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import {
  ACQUISITION_SOURCES,
  CUSTOMER_KINDS,
  type AcquisitionSource,
  type CustomerKind,
} from '../../domain/customer.events';
import { ID_PATTERN, ID_RULE } from '../../http/command-request';
import { ProfileFieldsDto } from '../../http/profile.dto';

export class RegisterCustomerRequest extends ProfileFieldsDto {
  @ApiPropertyOptional({
    description: 'Customer id; derived from the idempotency key (or generated) when omitted.',
    example: 'c-1001',
  })
  @IsOptional()
  @Matches(ID_PATTERN, { message: `customerId ${ID_RULE}` })
  customerId?: string;

  @ApiProperty({ enum: CUSTOMER_KINDS })
  @IsIn(CUSTOMER_KINDS)
  kind!: CustomerKind;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ enum: ACQUISITION_SOURCES })
  @IsOptional()
  @IsIn(ACQUISITION_SOURCES)
  acquisitionSource?: AcquisitionSource;
}
