import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@crm/platform';
import type { CustomerEventType } from '../../domain/customer.events';
import { ID_PATTERN, ID_RULE } from '../../http/command-request';
import { customerSummaryProjection } from '../../projections/customer-summary/customer-summary.projection';
import { customerTimelineProjection } from '../../projections/customer-timeline/customer-timeline.projection';
import { ApiProjectionLagging, ReadYourWrites } from '../await-read-model';
import {
  decodeTimelineCursor,
  GetCustomerTimelineQuery,
  type CustomerTimelinePage,
  type TimelineFilter,
} from './get-customer-timeline.query';
import { GetCustomerTimelineRequest, TIMELINE_DEFAULT_LIMIT } from './get-customer-timeline.request';

/** The timeline's rows, and customer_summary, which tells an unknown customer (404) from an empty page. */
const READ_MODELS = [customerTimelineProjection, customerSummaryProjection];

@ApiTags('customers')
@RequireRole('reader')
@Controller('customers')
export class GetCustomerTimelineController {
  constructor(
    private readonly queries: QueryBus,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get(':customerId/timeline')
  @ApiOkResponse({
    description:
      "The customer's events, one item each, by business time then stream revision: `{ customerId, items, nextCursor }`.",
  })
  @ApiBadRequestResponse({ description: 'A query parameter is not valid (the answer names it).' })
  @ApiNotFoundResponse({ description: 'No such customer (or the projector has not reached it yet).' })
  @ApiProjectionLagging()
  async get(
    @Param('customerId') customerId: string,
    @Query() request: GetCustomerTimelineRequest,
  ): Promise<CustomerTimelinePage> {
    if (!ID_PATTERN.test(customerId)) {
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: `customerId ${ID_RULE}`,
        problems: [{ field: 'path:customerId', rule: 'matches', message: 'customerId has an invalid format' }],
      });
    }
    await this.readYourWrites.awaitReadModels(request.minCheckpoint, READ_MODELS);
    // The validation pipe has checked every value as text; convert them here.
    const filter: TimelineFilter = {
      from: request.from ? new Date(request.from) : null,
      to: request.to ? new Date(request.to) : null,
      types: request.types ? [...new Set(request.types.split(',') as CustomerEventType[])] : null,
      order: request.order ?? 'asc',
      limit: request.limit ? Number(request.limit) : TIMELINE_DEFAULT_LIMIT,
      after: request.cursor ? decodeTimelineCursor(request.cursor) : null,
    };
    return this.queries.execute<GetCustomerTimelineQuery, CustomerTimelinePage>(
      new GetCustomerTimelineQuery(customerId, filter),
    );
  }
}
