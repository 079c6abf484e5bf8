import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { CommandRequest } from '../../http/command-request';

export class ResolveComplaintRequest extends CommandRequest {
  @ApiProperty({ maxLength: 4000, description: 'What was done.' })
  @IsString()
  @Length(1, 4000)
  resolution!: string;
}
