import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { ProfileFieldsDto } from '../../http/profile.dto';

/** Partial update: only the fields given change; null clears an optional field. */
export class UpdateCustomerProfileRequest extends ProfileFieldsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string | null;
}
