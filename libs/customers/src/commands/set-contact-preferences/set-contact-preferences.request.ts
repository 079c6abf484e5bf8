import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsOptional, ValidateNested } from 'class-validator';
import { CommandRequest } from '../../http/command-request';

/** true: the customer accepts contact on the channel; false: opted out (phone false = do not call). */
export class ChannelPreferencesDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() phone?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() email?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() sms?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() mail?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() visit?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() web?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() social?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() chat?: boolean;
}

export class SetContactPreferencesRequest extends CommandRequest {
  @ApiProperty({ type: ChannelPreferencesDto, example: { phone: false, email: true } })
  @IsDefined()
  @ValidateNested()
  @Type(() => ChannelPreferencesDto)
  channels!: ChannelPreferencesDto;
}
