import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { CommandRequest } from '../../http/command-request';

export class ProposeResolutionRequest extends CommandRequest {
  @ApiProperty({ maxLength: 4000, description: 'A feasible resolution offered to the customer (step 3).' })
  @IsString()
  @Length(1, 4000)
  proposal!: string;
}
