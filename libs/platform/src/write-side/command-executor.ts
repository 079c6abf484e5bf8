import {
  deterministicEventId,
  StreamConflictError,
  IdempotencyMismatchError,
  StreamNotFoundError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type JsonObject,
  type StoredEvent,
} from '@crm/event-store';
import { createHash } from 'node:crypto';
import type { Decider, DomainEvent } from '../domain/decider';
import { canonicalJson } from '../domain/canonical-json';
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
  /**
   * What the command id stands for: a digest of the request that carried the
   * command (the HTTP route gives the digest of its method, path and body).
   * Without it the digest of the stream and the domain command is used.
   * Kept in every event's metadata, so a command id sent again with another
   * command is refused even when nothing else remembers the first one.
   */
  readonly commandDigest?: string;
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

/**
 * The command id (Idempotency-Key) was already applied to a different
 * command: the events in the store carry another command digest, or sit in
 * another stream. Nothing was appended.
 */
export class CommandIdReusedError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(readonly commandId: string) {
    super('this Idempotency-Key (command id) was already used for a different command');
    this.name = 'CommandIdReusedError';
  }
}

/** Digest of a command sent without a request digest: the stream and the command as canonical JSON. */
export function commandDigestOf(stream: string, command: unknown): string {
  return createHash('sha256').update(canonicalJson({ stream, command })).digest('hex');
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
    const digest = context.commandDigest ?? commandDigestOf(stream, command);
    for (let attempt = 1; ; attempt++) {
      const history = await this.load(stream);
      const earlier = history.filter((e) => e.metadata.commandId === context.commandId);
      if (earlier.length > 0) return replayOf(context.commandId, digest, earlier);
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
          commandDigest: digest,
          correlationId: context.correlationId,
          causationId: context.causationId ?? context.commandId,
          actor: context.actor,
          schemaVersion: definition.schemaVersionOf(event.type),
          occurredAt: context.occurredAt.toISOString(),
        },
      }));
      // Tamper evidence: each event's metadata carries its hash, chained to the stream's last event.
      const events = sealEvents(stream, current === null ? 0 : current + 1, chainHead(history), unsealed);
      let appended: AppendResult;
      try {
        appended = await this.store.append(stream, events, {
          expectedRevision: current === null ? 'no-stream' : current,
        });
      } catch (error) {
        // Event ids derive from the command id: ids stored in another stream mean the id was used there.
        if (error instanceof IdempotencyMismatchError) throw new CommandIdReusedError(context.commandId);
        if (!(error instanceof StreamConflictError)) throw error;
        if (context.expectedRevision !== undefined) {
          // A concurrent request with this very command id may be the writer that moved the stream.
          const moved = (await this.load(stream)).filter((e) => e.metadata.commandId === context.commandId);
          if (moved.length > 0) return replayOf(context.commandId, digest, moved);
          throw new PreconditionFailedError(context.expectedRevision, error.actualRevision ?? null);
        }
        if (attempt >= MAX_ATTEMPTS) throw error;
        continue;
      }
      if (appended.alreadyStored) {
        // A concurrent request with this command id appended first: it is a replay only if it was this command.
        const stored = await this.store.readStream(stream, {
          fromRevision: appended.nextExpectedRevision - events.length + 1,
          maxCount: events.length,
        });
        return replayOf(context.commandId, digest, stored);
      }
      return {
        revision: appended.nextExpectedRevision,
        eventIds: appended.eventIds,
        checkpoint: appended.checkpoint,
        replayed: false,
      };
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

/**
 * The answer to a command id found among a stream's events: the first
 * answer again when they carry this command's digest (or none: events
 * written before digests were kept), a refusal when another command was
 * applied under the id.
 */
function replayOf(commandId: string, digest: string, events: readonly StoredEvent[]): CommandResult {
  const stored = events[0]?.metadata.commandDigest;
  if (events.length === 0 || (stored !== undefined && stored !== digest)) throw new CommandIdReusedError(commandId);
  const last = events[events.length - 1]!;
  return { revision: last.revision, eventIds: events.map((e) => e.id), checkpoint: last.checkpoint, replayed: true };
}
