import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { CommandRequest } from '../../http/command-request';

export class ReactivateCustomerRequest extends CommandRequest {
  @ApiProperty({ maxLength: 500, example: 'win-back campaign accepted' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}
