import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { CommandRequest } from '../../http/command-request';

export class AssessComplaintRequest extends CommandRequest {
  @ApiProperty({ description: 'Is the complaint valid? false rejects it.' })
  @IsBoolean()
  valid!: boolean;

  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiPropertyOptional({ maxLength: 4000, description: 'Key points recorded while judging (step 2).' })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  keyPoints?: string;
}
