import { IsInstant } from '@crm/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import {
  CONTACT_CHANNELS,
  CONTACT_DIRECTIONS,
  type ContactChannel,
  type ContactDirection,
} from '../../domain/customer.events';
import { CommandRequest, ID_PATTERN, ID_RULE } from '../../http/command-request';

export class FollowUpTaskDto {
  @ApiProperty({ maxLength: 500, example: 'send the revised quote' })
  @IsString()
  @Length(1, 500)
  task!: string;

  @ApiProperty({ format: 'date-time' })
  @IsInstant()
  dueAt!: string;
}

export class LogContactRequest extends CommandRequest {
  @ApiPropertyOptional({ description: 'Contact id; derived from the idempotency key when omitted.' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: `contactId ${ID_RULE}` })
  contactId?: string;

  @ApiProperty({ enum: CONTACT_CHANNELS })
  @IsIn(CONTACT_CHANNELS)
  channel!: ContactChannel;

  @ApiProperty({ enum: CONTACT_DIRECTIONS })
  @IsIn(CONTACT_DIRECTIONS)
  direction!: ContactDirection;

  @ApiProperty({ description: 'Who handled the contact.', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  agent!: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  topic!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  summary?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  outcome?: string;

  @ApiPropertyOptional({ type: FollowUpTaskDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FollowUpTaskDto)
  followUp?: FollowUpTaskDto;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    description: 'References (URLs or document ids), never the content.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 500, { each: true })
  attachments?: string[];
}
