import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  Param,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { EventStore } from '@crm/event-store';
import { RequireRole } from '@crm/platform';
import { DATA_SOURCE, EVENT_STORE } from '@crm/platform/tokens';
import { isCheckpointOf, waitForProjection } from '@crm/projections';
import type { DataSource } from 'typeorm';
import { customerSummaryProjection } from '../../projections/customer-summary/customer-summary.projection';
import { ID_PATTERN, ID_RULE } from '../../http/command-request';
import type { CustomerView } from './customer-view';
import { GetCustomerQuery } from './get-customer.query';
import { GetCustomerRequest } from './get-customer.request';

/** How long GET /customers/:id?minCheckpoint= waits for the projector. */
export const MIN_CHECKPOINT_WAIT_MS = 5_000;
const MIN_CHECKPOINT_POLL_MS = 25;

/** 400 for a customer id that cannot be one. */
export function assertCustomerId(customerId: string): void {
  if (!ID_PATTERN.test(customerId)) {
    throw new BadRequestException({
      code: 'VALIDATION_FAILED',
      message: `customerId ${ID_RULE}`,
      problems: [{ field: 'path:customerId', rule: 'matches', message: 'customerId has an invalid format' }],
    });
  }
}

@ApiTags('customers')
@RequireRole('reader')
@Controller('customers')
export class GetCustomerController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Get(':customerId')
  @ApiOkResponse({
    description:
      "The customer's summary read model with its purchase and satisfaction facts, plus `satisfaction` (categories " +
      'under the current rules) and `lifecycle: { stage, since, reason, evaluatedAt, rulesVersion }`, evaluated now ' +
      "or as of `asOf`, and `segmentation` (the latest segmentation run's RFM scores, ABC class and pyramid tier " +
      'of the customer, or null).',
  })
  @ApiBadRequestResponse({ description: 'A parameter is not valid (the answer names it).' })
  @ApiNotFoundResponse({ description: 'No such customer (or the projector has not reached it yet).' })
  @ApiServiceUnavailableResponse({
    description:
      'PROJECTION_LAGGING: the projector had not passed `minCheckpoint` within 5 s; the answer gives `lagEvents` and `lagSeconds`.',
  })
  async get(@Param('customerId') customerId: string, @Query() request: GetCustomerRequest): Promise<CustomerView> {
    assertCustomerId(customerId);
    if (request.minCheckpoint !== undefined) await this.awaitCheckpoint(request.minCheckpoint);
    const asOf = request.asOf ? new Date(request.asOf) : new Date();
    return this.queries.execute<GetCustomerQuery, CustomerView>(new GetCustomerQuery(customerId, asOf));
  }

  /** Read your writes: waits until customer_summary has passed the checkpoint, or answers 503. */
  private async awaitCheckpoint(minCheckpoint: string): Promise<void> {
    if (!isCheckpointOf(this.store, minCheckpoint)) {
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: 'minCheckpoint must be a checkpoint from a command answer',
        problems: [
          { field: 'minCheckpoint', rule: 'isCheckpoint', message: 'minCheckpoint is not a checkpoint of this store' },
        ],
      });
    }
    const wait = await waitForProjection(this.store, this.dataSource, customerSummaryProjection, minCheckpoint, {
      timeoutMs: MIN_CHECKPOINT_WAIT_MS,
      intervalMs: MIN_CHECKPOINT_POLL_MS,
    });
    if (!wait.reached) {
      throw new ServiceUnavailableException({
        code: 'PROJECTION_LAGGING',
        message: `the read model has not reached checkpoint ${minCheckpoint} yet; retry later`,
        minCheckpoint,
        lagEvents: wait.lagEvents,
        lagSeconds: wait.lagSeconds,
      });
    }
  }
}
