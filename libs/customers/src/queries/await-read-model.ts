import { applyDecorators, BadRequestException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ApiPropertyOptional, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { EventStore } from '@crm/event-store';
import { invalidField, validationFailedBody } from '@crm/platform';
import { DATA_SOURCE, EVENT_STORE } from '@crm/platform/tokens';
import { isCheckpointOf, waitForProjections, type ProjectionSource } from '@crm/projections';
import type { DataSource } from 'typeorm';

/** How long a query with `minCheckpoint` waits for the projector, in all. */
export const MIN_CHECKPOINT_WAIT_MS = 5_000;
const MIN_CHECKPOINT_POLL_MS = 25;

/** The `minCheckpoint` query parameter of a reader query: its documentation and its checks. */
export function MinCheckpointParam(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description:
        "Read your writes: the `checkpoint` of a command's answer. The answer waits (at most 5 s) until the " +
        'projector has passed it in every read model the query reads; otherwise 503 PROJECTION_LAGGING with ' +
        '`lagEvents` and `lagSeconds`.',
      example: '952047:2585',
    }),
    IsOptional(),
    IsString(),
    MaxLength(100),
  );
}

/** The 503 a query with `minCheckpoint` may answer, for the OpenAPI document. */
export function ApiProjectionLagging(): MethodDecorator {
  return applyDecorators(
    ApiServiceUnavailableResponse({
      description:
        'PROJECTION_LAGGING: the projector had not passed `minCheckpoint` in every read model the query reads ' +
        'within 5 s: `{ code, minCheckpoint, lagEvents, lagSeconds, lagging: [{ name, lagEvents, lagSeconds }] }`.',
    }),
  );
}

/**
 * Read your writes for every reader query: waits until each read model the
 * query reads has passed the checkpoint of a command's answer (at most 5 s
 * in all); 400 naming `minCheckpoint` when it is not a checkpoint of this
 * store, or no stored event has it (CHECKPOINT_AHEAD_OF_STORE beyond the
 * newest event, else CHECKPOINT_NOT_FOUND), 503 PROJECTION_LAGGING with the lag when not reached in time.
 */
@Injectable()
export class ReadYourWrites {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  /** Returns at once when `minCheckpoint` is undefined (the query did not ask). */
  async awaitReadModels(minCheckpoint: string | undefined, projections: readonly ProjectionSource[]): Promise<void> {
    if (minCheckpoint === undefined) return;
    if (!isCheckpointOf(this.store, minCheckpoint)) {
      throw invalidField('minCheckpoint', 'isCheckpoint', 'minCheckpoint is not a checkpoint of this store');
    }
    if ((await this.store.readEventAt(minCheckpoint)) === null) {
      // Not the checkpoint of any stored event: waiting could never end well.
      const head = await this.store.headCheckpoint();
      const ahead = head === null || this.store.compareCheckpoints(minCheckpoint, head) > 0;
      throw new BadRequestException({
        ...validationFailedBody([
          {
            field: 'minCheckpoint',
            rule: 'isStoredCheckpoint',
            message: ahead
              ? 'minCheckpoint is ahead of every event in the store'
              : 'minCheckpoint is not the checkpoint of an event in the store',
          },
        ]),
        code: ahead ? 'CHECKPOINT_AHEAD_OF_STORE' : 'CHECKPOINT_NOT_FOUND',
        minCheckpoint,
        headCheckpoint: head,
      });
    }
    const wait = await waitForProjections(this.store, this.dataSource, projections, minCheckpoint, {
      timeoutMs: MIN_CHECKPOINT_WAIT_MS,
      intervalMs: MIN_CHECKPOINT_POLL_MS,
    });
    if (wait.reached) return;
    const names = wait.lagging.map((projection) => projection.name);
    throw new ServiceUnavailableException({
      code: 'PROJECTION_LAGGING',
      message: `the read model${names.length === 1 ? '' : 's'} ${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} not reached checkpoint ${minCheckpoint} yet; retry later`,
      minCheckpoint,
      // The largest lag among the read models still behind.
      lagEvents: Math.max(...wait.lagging.map((projection) => projection.lagEvents)),
      lagSeconds: Math.max(...wait.lagging.map((projection) => projection.lagSeconds)),
      lagging: wait.lagging,
    });
  }
}
