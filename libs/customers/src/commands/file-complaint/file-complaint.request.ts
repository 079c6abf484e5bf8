import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import {
  COMPLAINT_SEVERITIES,
  CONTACT_CHANNELS,
  type ComplaintSeverity,
  type ContactChannel,
} from '../../domain/customer.events';
import { CommandRequest, ID_PATTERN, ID_RULE } from '../../http/command-request';

export class FileComplaintRequest extends CommandRequest {
  @ApiPropertyOptional({ description: 'Complaint id; derived from the idempotency key when omitted.' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: `complaintId ${ID_RULE}` })
  complaintId?: string;

  @ApiProperty({ maxLength: 100, example: 'delivery' })
  @IsString()
  @Length(1, 100)
  category!: string;

  @ApiProperty({ enum: COMPLAINT_SEVERITIES })
  @IsIn(COMPLAINT_SEVERITIES)
  severity!: ComplaintSeverity;

  @ApiProperty({ enum: CONTACT_CHANNELS, description: 'How the complaint arrived.' })
  @IsIn(CONTACT_CHANNELS)
  channel!: ContactChannel;

  @ApiProperty({ maxLength: 4000, description: 'What the customer said (step 1: listen and record).' })
  @IsString()
  @Length(1, 4000)
  description!: string;
}
