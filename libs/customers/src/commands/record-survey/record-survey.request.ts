import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { SURVEY_METHODS, type SurveyMethod } from '../../domain/customer.events';
import { CommandRequest, ID_PATTERN, ID_RULE } from '../../http/command-request';

/** At least one of csat, nps, ces (checked by the domain: SURVEY_WITHOUT_SCORE). */
export class RecordSurveyRequest extends CommandRequest {
  @ApiPropertyOptional({ description: 'Survey id; derived from the idempotency key when omitted.' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: `surveyId ${ID_RULE}` })
  surveyId?: string;

  @ApiProperty({ enum: SURVEY_METHODS })
  @IsIn(SURVEY_METHODS)
  method!: SurveyMethod;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, description: 'CSAT; 4 or 5 is satisfied.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  csat?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 10,
    description: 'NPS answer; 9-10 promoter, 7-8 passive, 0-6 detractor.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  nps?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 7, description: 'Customer effort score.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(7)
  ces?: number;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  comment?: string;
}
