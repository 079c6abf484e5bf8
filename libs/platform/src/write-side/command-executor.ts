import {
  deterministicEventId,
  StreamConflictError,
  StreamNotFoundError,
  type EventStore,
  type EventToAppend,
  type JsonObject,
  type StoredEvent,
} from '@crm/event-store';
import type { Decider, DomainEvent } from '../domain/decider';
import { chainHead, sealEvents } from '../audit/event-chain';

/** Who sent a command, and why: stamped into every event's metadata. */
export interface CommandContext {
  /** Idempotency key: a retried command carries the same id. */
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId?: string;
  /** The authenticated principal or service. */
  readonly actor: string;
  /** Business time of the command (when it happened in the world). */
  readonly occurredAt: Date;
  /** If-Match: the stream revision the client last saw. */
  readonly expectedRevision?: number;
}

export interface CommandResult {
  /** Revision of the stream's last event, null when the stream still has none. */
  readonly revision: number | null;
  readonly eventIds: readonly string[];
  /** Global checkpoint of the last event appended (or of the original append, on a retry). */
  readonly checkpoint: string | null;
  /** True when the command had already been applied and nothing was appended now. */
  readonly replayed: boolean;
}

/** The stream is not at the revision given by If-Match. */
export class PreconditionFailedError extends Error {
  constructor(
    readonly expectedRevision: number,
    readonly actualRevision: number | null,
  ) {
    super(
      `expected revision ${expectedRevision}, the stream is at ${actualRevision === null ? 'no revision' : actualRevision}`,
    );
    this.name = 'PreconditionFailedError';
  }
}

export interface AggregateDefinition<Command, Event extends DomainEvent, State> {
  readonly decider: Decider<Command, Event, State>;
  /** Turns a stored event into a domain event, upcasting old schema versions. */
  readonly toDomainEvent: (event: StoredEvent) => Event;
  /** Current schema version of each event type. */
  readonly schemaVersionOf: (type: Event['type']) => number;
}

const MAX_ATTEMPTS = 4;

/**
 * Load, fold, decide, append: the write side of every aggregate. Without
 * If-Match a concurrency conflict is retried (re-read, re-decided) a bounded
 * number of times; with If-Match the client's revision is the precondition.
 */
export class CommandExecutor {
  constructor(private readonly store: EventStore) {}

  async execute<Command, Event extends DomainEvent, State>(
    definition: AggregateDefinition<Command, Event, State>,
    stream: string,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult> {
    for (let attempt = 1; ; attempt++) {
      const history = await this.load(stream);
      const earlier = history.filter((e) => e.metadata.commandId === context.commandId);
      if (earlier.length > 0) {
        const last = earlier[earlier.length - 1]!;
        return {
          revision: last.revision,
          eventIds: earlier.map((e) => e.id),
          checkpoint: last.checkpoint,
          replayed: true,
        };
      }
      const current = history.length > 0 ? history[history.length - 1]!.revision : null;
      if (context.expectedRevision !== undefined && context.expectedRevision !== current) {
        throw new PreconditionFailedError(context.expectedRevision, current);
      }
      const { decider } = definition;
      const state = history.map(definition.toDomainEvent).reduce(decider.evolve, decider.initialState());
      const decided = decider.decide(command, state);
      if (decided.length === 0) return { revision: current, eventIds: [], checkpoint: null, replayed: false };

      const unsealed: EventToAppend[] = decided.map((event, index) => ({
        id: deterministicEventId(context.commandId, index),
        type: event.type,
        data: event.data as JsonObject,
        metadata: {
          commandId: context.commandId,
          correlationId: context.correlationId,
          causationId: context.causationId ?? context.commandId,
          actor: context.actor,
          schemaVersion: definition.schemaVersionOf(event.type),
          occurredAt: context.occurredAt.toISOString(),
        },
      }));
      // Tamper evidence: each event's metadata carries its hash, chained to the stream's last event.
      const events = sealEvents(stream, current === null ? 0 : current + 1, chainHead(history), unsealed);
      try {
        const appended = await this.store.append(stream, events, {
          expectedRevision: current === null ? 'no-stream' : current,
        });
        return {
          revision: appended.nextExpectedRevision,
          eventIds: appended.eventIds,
          checkpoint: appended.checkpoint,
          replayed: false,
        };
      } catch (error) {
        if (!(error instanceof StreamConflictError)) throw error;
        if (context.expectedRevision !== undefined) {
          throw new PreconditionFailedError(context.expectedRevision, error.actualRevision ?? null);
        }
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async load(stream: string): Promise<StoredEvent[]> {
    try {
      return await this.store.readStream(stream);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }
}
