import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import type { EventStore } from '@crm/event-store';
import { isCheckpointOf, waitForProjection } from '@crm/projections';
import type { DataSource } from 'typeorm';
import { customerSummaryProjection } from '../projections/customer-summary/customer-summary.projection';

/** How long a query with `minCheckpoint` waits for the projector. */
export const MIN_CHECKPOINT_WAIT_MS = 5_000;
const MIN_CHECKPOINT_POLL_MS = 25;

/**
 * Read your writes: waits until customer_summary has passed the checkpoint
 * of a command's answer; 400 when it is not a checkpoint of this store, 503
 * PROJECTION_LAGGING with the current lag when not reached in time.
 */
export async function awaitCustomerSummary(
  store: EventStore,
  dataSource: DataSource,
  minCheckpoint: string,
): Promise<void> {
  if (!isCheckpointOf(store, minCheckpoint)) {
    throw new BadRequestException({
      code: 'VALIDATION_FAILED',
      message: 'minCheckpoint must be a checkpoint from a command answer',
      problems: [
        { field: 'minCheckpoint', rule: 'isCheckpoint', message: 'minCheckpoint is not a checkpoint of this store' },
      ],
    });
  }
  const wait = await waitForProjection(store, dataSource, customerSummaryProjection, minCheckpoint, {
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
