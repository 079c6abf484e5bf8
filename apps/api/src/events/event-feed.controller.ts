import { BadRequestException, Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { EventFilter, EventStore } from '@crm/event-store';
import { toEventLogRecord, type EventLogRecord } from '@crm/event-store/event-log';
import { EVENT_STORE, RequireRole } from '@crm/platform';
import { isCheckpointOf } from '@crm/projections';
import { EventFeedRequest, FEED_DEFAULT_LIMIT } from './event-feed.request';
import { EventStreams } from './event-streams';

export interface EventFeedPage {
  /** The events after `after`, in global order. */
  readonly items: EventLogRecord[];
  /** The checkpoint of the last item, or null when there is none. */
  readonly lastCheckpoint: string | null;
  /** What to send as `after` for the next page: the last item's checkpoint, else the request's `after`. */
  readonly nextAfter: string | null;
}

function invalid(field: string, message: string): BadRequestException {
  return new BadRequestException({
    code: 'VALIDATION_FAILED',
    message,
    problems: [{ field, rule: 'isCheckpoint', message }],
  });
}

function filterOf(request: EventFeedRequest): EventFilter | undefined {
  const streamPrefixes = request.streamPrefix?.split(',') ?? [];
  const eventTypes = request.type?.split(',') ?? [];
  return streamPrefixes.length > 0 || eventTypes.length > 0 ? { streamPrefixes, eventTypes } : undefined;
}

/**
 * The ordered global event log for other services: pages after a checkpoint
 * (GET /events), or server-sent events that send the backlog and then follow
 * live (GET /events/stream, or GET /events with Accept: text/event-stream).
 * Read through the store port, which never passes an event that a still-open
 * transaction may commit at an earlier position: a consumer that resumes
 * after the last checkpoint it saw neither skips nor repeats an event.
 */
@ApiTags('audit')
@RequireRole('auditor')
@Controller('events')
export class EventFeedController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly streams: EventStreams,
  ) {}

  @Get()
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({
    description:
      '`{ items, lastCheckpoint, nextAfter }`: the events after `after`, in global order, each with id, stream, revision, type, data, metadata, recordedAt and checkpoint. With `Accept: text/event-stream`, as GET /events/stream.',
  })
  @ApiBadRequestResponse({ description: 'A query parameter is not valid (the answer names it).' })
  async page(@Query() request: EventFeedRequest, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.accepts(['application/json', 'text/event-stream']) === 'text/event-stream') {
      this.stream(request, req, res);
      return;
    }
    const after = this.checkpoint('after', request.after);
    const events = await this.store.readAll({
      fromCheckpoint: after,
      maxCount: request.limit ? Number(request.limit) : FEED_DEFAULT_LIMIT,
      filter: filterOf(request),
    });
    const lastCheckpoint = events.length > 0 ? events[events.length - 1]!.checkpoint : null;
    const body: EventFeedPage = {
      items: events.map(toEventLogRecord),
      lastCheckpoint,
      nextAfter: lastCheckpoint ?? after ?? null,
    };
    res.status(200).json(body);
  }

  @Get('stream')
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The id (checkpoint) of the last event received: resumes after it, over `after`.',
  })
  @ApiOkResponse({
    description:
      'Server-sent events: one per stored event after the checkpoint, backlog first, then live; `id:` is the checkpoint, `data:` the event as in GET /events; a comment every 15 s.',
  })
  @ApiBadRequestResponse({ description: 'A query parameter or Last-Event-ID is not valid (the answer names it).' })
  stream(@Query() request: EventFeedRequest, @Req() req: Request, @Res() res: Response): void {
    if (request.limit !== undefined) {
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: 'limit applies to pages (GET /events), not to an event stream',
        problems: [{ field: 'limit', rule: 'notForStreams', message: 'limit applies to pages, not to a stream' }],
      });
    }
    const lastEventId = req.get('Last-Event-ID');
    const after =
      lastEventId !== undefined && lastEventId !== ''
        ? this.checkpoint('header:Last-Event-ID', lastEventId)
        : this.checkpoint('after', request.after);
    this.streams.start(res, { after, filter: filterOf(request) });
  }

  private checkpoint(field: string, value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    const name = field.replace(/^header:/, '');
    if (!isCheckpointOf(this.store, value)) throw invalid(field, `${name} is not a checkpoint of this store`);
    return value;
  }
}
