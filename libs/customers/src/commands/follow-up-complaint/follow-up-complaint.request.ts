import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { CommandRequest } from '../../http/command-request';

export class FollowUpComplaintRequest extends CommandRequest {
  @ApiProperty({ minimum: 1, maximum: 5, description: "The customer's satisfaction with the handling (step 4)." })
  @IsInt()
  @Min(1)
  @Max(5)
  satisfaction!: number;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}
