import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsISO31661Alpha2,
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { CustomerProfile } from '../domain/customer.events';
import { CONTACT_CHANNELS, GENDERS, ORGANISATION_SIZES, PROFILE_FIELDS } from '../domain/customer.events';
import type { ContactChannel, Gender, OrganisationSize } from '../domain/customer.events';
import { MAX_AMOUNT_MINOR } from '../domain/money';
import { CommandRequest } from './command-request';
import { IsPastDate } from './is-past-date';

export const PHONE_PATTERN = /^\+?[0-9][0-9 ()-]{2,31}$/;
const PHONE_RULE = { message: '$property must be digits, spaces, "()" or "-", optionally after "+", 3-32 characters' };

export class MoneyDto {
  @ApiProperty({ description: 'Integer amount in minor units (cents…).', minimum: 0, maximum: MAX_AMOUNT_MINOR })
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_MINOR)
  amountMinor!: number;

  @ApiProperty({ description: 'ISO 4217 currency code.', example: 'EUR' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code in capitals, e.g. EUR' })
  @IsISO4217CurrencyCode()
  currency!: string;
}

export class AddressDto {
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @Length(1, 200) line1?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @Length(1, 200) line2?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @Length(1, 100) city?: string;
  @ApiPropertyOptional({ maxLength: 20 }) @IsOptional() @IsString() @Length(1, 20) postalCode?: string;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2', example: 'GB' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as GB' })
  @IsISO31661Alpha2({ message: 'country must be an assigned ISO 3166-1 alpha-2 code such as GB' })
  country?: string;
}

export class KeyPersonDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @Length(1, 200) name!: string;

  @ApiProperty({ description: 'Role in the relationship, e.g. decision maker, buyer, user.', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  role!: string;

  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(254) email?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(PHONE_PATTERN, PHONE_RULE) phone?: string;
  @ApiProperty() @IsBoolean() decisionMaker!: boolean;
}

/**
 * Profile fields (domain.md, "Customer information"), all optional here. In
 * an update, a field set to null is cleared; an omitted one is unchanged.
 */
export class ProfileFieldsDto extends CommandRequest {
  @ApiPropertyOptional({ maxLength: 254 }) @IsOptional() @IsEmail() @MaxLength(254) email?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(PHONE_PATTERN, PHONE_RULE) phone?: string | null;

  @ApiPropertyOptional({ type: AddressDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto | null;

  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @Length(1, 100) region?: string | null;

  @ApiPropertyOptional({ enum: GENDERS, description: 'Individuals only.' })
  @IsOptional()
  @IsIn(GENDERS)
  gender?: Gender | null;

  @ApiPropertyOptional({
    description: 'Individuals only. YYYY-MM-DD, not in the future, not before 1900.',
    example: '1990-04-01',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birthDate must be a date as YYYY-MM-DD' })
  @IsPastDate()
  birthDate?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  preferences?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  interests?: string[];

  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @Length(1, 2000) attitude?: string | null;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @Length(1, 2000) purchaseHabits?: string | null;

  @ApiPropertyOptional({ enum: CONTACT_CHANNELS })
  @IsOptional()
  @IsIn(CONTACT_CHANNELS)
  preferredChannel?: ContactChannel | null;

  @ApiPropertyOptional({ maxLength: 100, description: 'Organisations only.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  industry?: string | null;

  @ApiPropertyOptional({ enum: ORGANISATION_SIZES, description: 'Organisations only.' })
  @IsOptional()
  @IsIn(ORGANISATION_SIZES)
  size?: OrganisationSize | null;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Organisations only.' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  businessSituation?: string | null;

  @ApiPropertyOptional({ type: MoneyDto, description: 'Organisations only: credit granted.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  creditLimit?: MoneyDto | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 365, description: 'Organisations only.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  paymentTermsDays?: number | null;

  @ApiPropertyOptional({
    type: [KeyPersonDto],
    maxItems: 50,
    description: 'Organisations only: decision makers and contacts.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => KeyPersonDto)
  keyPeople?: KeyPersonDto[];
}

function plainAddress(address: AddressDto): NonNullable<CustomerProfile['address']> {
  return {
    line1: address.line1 ?? null,
    line2: address.line2 ?? null,
    city: address.city ?? null,
    postalCode: address.postalCode ?? null,
    country: address.country ?? null,
  };
}

/**
 * The profile fields a request gave, as plain domain values. With
 * `keepNulls`, null stays (an update clears the field); otherwise null is
 * treated as not given.
 */
export function profileFields(
  dto: ProfileFieldsDto & { name?: string | null },
  keepNulls: boolean,
): Partial<CustomerProfile> {
  const fields: Record<string, unknown> = {};
  for (const field of PROFILE_FIELDS) {
    const value = (dto as Record<string, unknown>)[field];
    if (value === undefined || (value === null && !keepNulls)) continue;
    if (value === null) fields[field] = null;
    else if (field === 'address') fields[field] = plainAddress(value as AddressDto);
    else if (field === 'creditLimit')
      fields[field] = { amountMinor: (value as MoneyDto).amountMinor, currency: (value as MoneyDto).currency };
    else if (field === 'keyPeople') {
      fields[field] = (value as KeyPersonDto[]).map((p) => ({
        name: p.name,
        role: p.role,
        email: p.email ?? null,
        phone: p.phone ?? null,
        decisionMaker: p.decisionMaker,
      }));
    } else if (Array.isArray(value)) fields[field] = [...(value as unknown[])];
    else fields[field] = value;
  }
  return fields as Partial<CustomerProfile>;
}
