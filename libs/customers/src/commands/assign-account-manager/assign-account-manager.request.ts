import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { CommandRequest, ID_PATTERN, ID_RULE } from '../../http/command-request';

export class AssignAccountManagerRequest extends CommandRequest {
  @ApiProperty({ description: 'Id of the dedicated account manager.', example: 'am-017' })
  @Matches(ID_PATTERN, { message: `accountManagerId ${ID_RULE}` })
  accountManagerId!: string;
}
