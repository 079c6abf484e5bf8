import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@crm/platform';
import { CLV_FITS_DEFAULT_LIMIT, ListClvFitsQuery, type ClvFitsAnswer } from './list-clv-fits.query';
import { ListClvFitsRequest } from './list-clv-fits.request';

@ApiTags('analytics')
@RequireRole('reader')
@Controller('analytics/clv')
export class ListClvFitsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('fits')
  @ApiOkResponse({
    description:
      'The recorded lifetime-value fits (`crm analytics clv`), newest first: `{ items }`, each with its calibration ' +
      'end, store and analytics_orders checkpoints, rules version, population, BG/NBD and Gamma-Gamma parameters ' +
      'and log-likelihoods, exclusions and timings.',
  })
  @ApiBadRequestResponse({ description: 'A query parameter is not valid (the answer names it).' })
  list(@Query() request: ListClvFitsRequest): Promise<ClvFitsAnswer> {
    const limit = request.limit ? Number(request.limit) : CLV_FITS_DEFAULT_LIMIT;
    return this.queries.execute<ListClvFitsQuery, ClvFitsAnswer>(new ListClvFitsQuery(limit));
  }
}
