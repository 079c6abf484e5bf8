import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { CLV_FITS_DEFAULT_LIMIT, CLV_FITS_MAX_LIMIT } from './list-clv-fits.query';

/** 1 to 100, in plain decimal digits. */
const LIMIT = /^(?:[1-9]|[1-9][0-9]|100)$/;

/** Query parameters of GET /analytics/clv/fits, checked as text and converted by the controller. */
export class ListClvFitsRequest {
  @ApiPropertyOptional({
    description: 'Most fits to answer.',
    type: 'integer',
    minimum: 1,
    maximum: CLV_FITS_MAX_LIMIT,
    default: CLV_FITS_DEFAULT_LIMIT,
  })
  @IsOptional()
  @IsString()
  @Matches(LIMIT, { message: `limit must be an integer from 1 to ${CLV_FITS_MAX_LIMIT}` })
  limit?: string;
}
