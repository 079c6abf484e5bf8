import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import {
  FEEDBACK_CHANNELS,
  FEEDBACK_KINDS,
  type FeedbackChannel,
  type FeedbackKind,
} from '../../domain/customer.events';
import { CommandRequest, ID_PATTERN, ID_RULE } from '../../http/command-request';

export class RecordFeedbackRequest extends CommandRequest {
  @ApiPropertyOptional({ description: 'Feedback id; derived from the idempotency key when omitted.' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: `feedbackId ${ID_RULE}` })
  feedbackId?: string;

  @ApiProperty({ enum: FEEDBACK_KINDS })
  @IsIn(FEEDBACK_KINDS)
  kind!: FeedbackKind;

  @ApiProperty({ enum: FEEDBACK_CHANNELS })
  @IsIn(FEEDBACK_CHANNELS)
  channel!: FeedbackChannel;

  @ApiProperty({ maxLength: 4000 })
  @IsString()
  @Length(1, 4000)
  text!: string;
}
