import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { CommandRequest } from '../../http/command-request';

export class TerminateRelationshipRequest extends CommandRequest {
  @ApiProperty({ maxLength: 500, example: 'customer moved abroad' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}
