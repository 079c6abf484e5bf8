import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@crm/platform';
import { complaintsProjection } from '../../projections/complaints/complaints.projection';
import { ApiProjectionLagging, ReadYourWrites } from '../await-read-model';
import {
  decodeComplaintsCursor,
  ListComplaintsQuery,
  type ComplaintsFilter,
  type ComplaintsPage,
} from './list-complaints.query';
import { COMPLAINTS_DEFAULT_LIMIT, ListComplaintsRequest } from './list-complaints.request';

@ApiTags('complaints')
@RequireRole('reader')
@Controller('complaints')
export class ListComplaintsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get()
  @ApiOkResponse({
    description:
      'Complaints, newest filing first: `{ asOf, items, nextCursor }`. Each item carries its state, times to assess ' +
      'and to resolve, SLA targets, due times and whether it is breached as of `asOf` (the request time).',
  })
  @ApiBadRequestResponse({ description: 'A query parameter is not valid (the answer names it).' })
  @ApiProjectionLagging()
  async list(@Query() request: ListComplaintsRequest): Promise<ComplaintsPage> {
    await this.readYourWrites.awaitReadModels(request.minCheckpoint, [complaintsProjection]);
    // The validation pipe has checked every value as text; convert them here.
    const filter: ComplaintsFilter = {
      state: request.state ?? null,
      category: request.category ?? null,
      severity: request.severity ?? null,
      customerId: request.customerId ?? null,
      slaBreached: request.slaBreached === undefined ? null : request.slaBreached === 'true',
      limit: request.limit ? Number(request.limit) : COMPLAINTS_DEFAULT_LIMIT,
      after: request.cursor ? decodeComplaintsCursor(request.cursor) : null,
    };
    return this.queries.execute<ListComplaintsQuery, ComplaintsPage>(new ListComplaintsQuery(filter, new Date()));
  }
}
