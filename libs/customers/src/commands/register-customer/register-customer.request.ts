import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsISO8601, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import {
  ACQUISITION_SOURCES,
  CUSTOMER_KINDS,
  type AcquisitionSource,
  type CustomerKind,
} from '../../domain/customer.events';
import { IsNotFarFuture } from '../../http/is-not-far-future';

export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export class RegisterCustomerRequest {
  @ApiPropertyOptional({
    description: 'The customer id; generated (UUID) when omitted.',
    example: 'c-1001',
    pattern: CUSTOMER_ID_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @Matches(CUSTOMER_ID_PATTERN, {
    message: 'customerId must be 1-64 letters, digits, "_" or "-", starting with a letter or digit',
  })
  customerId?: string;

  @ApiProperty({ enum: CUSTOMER_KINDS })
  @IsIn(CUSTOMER_KINDS)
  kind!: CustomerKind;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 254 })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: '+44 20 7946 0000' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9][0-9 ()-]{2,31}$/, {
    message: 'phone must be digits, spaces, "()" or "-", optionally after "+", 3-32 characters',
  })
  phone?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  region?: string;

  @ApiPropertyOptional({ enum: ACQUISITION_SOURCES })
  @IsOptional()
  @IsIn(ACQUISITION_SOURCES)
  acquisitionSource?: AcquisitionSource;

  @ApiPropertyOptional({
    description: 'Business time of the registration (ISO 8601); defaults to now.',
    format: 'date-time',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @IsNotFarFuture()
  registeredAt?: string;
}
