import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';

/** Query parameters of GET /customers/:customerId and GET /customers/:customerId/lifecycle-history. */
export class CustomerAsOfRequest {
  @ApiPropertyOptional({
    description:
      'Evaluate the lifecycle as of this instant (ISO 8601) instead of now, from the purchases with a business time up to it (to the day).',
    format: 'date-time',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  asOf?: string;
}

/** Query parameters of GET /customers/:customerId. */
export class GetCustomerRequest extends CustomerAsOfRequest {
  @ApiPropertyOptional({
    description:
      "Read your writes: the `checkpoint` of a command's answer. The answer waits (at most 5 s) until the projector " +
      'has passed it; otherwise 503 PROJECTION_LAGGING with `lagEvents` and `lagSeconds`.',
    example: '952047:2585',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  minCheckpoint?: string;
}
