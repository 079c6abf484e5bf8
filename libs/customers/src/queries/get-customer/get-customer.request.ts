import { IsInstant } from '@crm/platform';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { MinCheckpointParam } from '../await-read-model';

/** Query parameters of GET /customers/:customerId and GET /customers/:customerId/lifecycle-history. */
export class CustomerAsOfRequest {
  @ApiPropertyOptional({
    description:
      'Evaluate the lifecycle as of this instant (ISO 8601) instead of now, from the purchases with a business time up to it (to the day).',
    format: 'date-time',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsInstant()
  asOf?: string;

  @MinCheckpointParam()
  minCheckpoint?: string;
}

/** Query parameters of GET /customers/:customerId. */
export class GetCustomerRequest extends CustomerAsOfRequest {}
