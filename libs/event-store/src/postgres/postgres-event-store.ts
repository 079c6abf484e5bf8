import { EventEmitter } from 'node:events';
import { Client, type ClientConfig, type Pool, type PoolClient } from 'pg';
import { IdempotencyMismatchError, StreamConflictError, StreamNotFoundError } from '../errors';
import type {
  AppendOptions,
  AppendResult,
  CountStreamOptions,
  EventFilter,
  EventStore,
  EventToAppend,
  JsonObject,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { comparePairCheckpoints, formatPairCheckpoint, parsePairCheckpoint as parsePair } from '../checkpoints';
import { PollingSubscription } from '../polling-subscription';
import { assertValidAppend } from '../validation';
import { migrateEventStoreSchema, quoteIdent } from './schema';

/** A checkpoint of this store: "transaction id:position", the position a signed 64-bit integer. */
function parseCheckpoint(checkpoint: string): { major: bigint; minor: bigint } {
  return parsePair(checkpoint, 'checkpoint', 2n ** 63n - 1n);
}

export interface PostgresEventStoreOptions {
  /** Connection pool the store queries through. */
  readonly pool: Pool;
  /** Close the pool when the store closes. */
  readonly ownsPool?: boolean;
  /** Schema holding the store's tables (default "public"). */
  readonly schema?: string;
  /** "postgres" for a server, "pglite" for the embedded database. */
  readonly kind?: 'postgres' | 'pglite';
  /**
   * Connection settings for a dedicated LISTEN connection that wakes live
   * subscriptions as soon as another process commits. Omit where
   * notifications cannot arrive (PGlite behind its socket): subscriptions
   * are then woken in-process by this store's own appends, and poll.
   */
  readonly listenConnection?: ClientConfig;
  /** Whether appends send a NOTIFY (default: true when listenConnection is set). */
  readonly notify?: boolean;
  /** How often an idle subscription looks for events it was not woken for (ms, default 250). */
  readonly pollIntervalMs?: number;
  /** Page size of subscriptions' reads (default 500). */
  readonly subscriptionPageSize?: number;
}

const NOTIFY_CHANNEL = 'crm_event_store';
const UNIQUE_VIOLATION = '23505';
const MAX_ANY_RETRIES = 5;

interface EventRow {
  event_id_text: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  stream_id: string;
  revision: string;
  tx_id_text: string;
  position: string;
  recorded_at: Date;
}

// Text forms get their own names: an output column named tx_id would make
// ORDER BY tx_id sort the text ('1000' before '999').
const EVENT_COLUMNS =
  'event_id::text AS event_id_text, type, data, metadata, stream_id, revision, tx_id::text AS tx_id_text, position, recorded_at';

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.event_id_text,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    stream: row.stream_id,
    revision: Number(row.revision),
    checkpoint: formatPairCheckpoint(row.tx_id_text, row.position),
    recordedAt: row.recorded_at,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION;
}

function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The SQL conditions of the port's filter, its values appended to `params` (empty lists do not filter). */
function filterConditions(filter: EventFilter | undefined, params: unknown[]): string[] {
  const conditions: string[] = [];
  if (filter?.streamPrefixes && filter.streamPrefixes.length > 0) {
    params.push(filter.streamPrefixes.map(likePrefix));
    conditions.push(`stream_id LIKE ANY ($${params.length}::text[])`);
  }
  if (filter?.eventTypes && filter.eventTypes.length > 0) {
    params.push([...filter.eventTypes]);
    conditions.push(`type = ANY ($${params.length}::text[])`);
  }
  return conditions;
}

type Queryable = Pick<PoolClient, 'query'>;

interface StoredIdRow {
  event_id_text: string;
  stream_id: string;
  revision: string;
  tx_id_text: string;
  position: string;
}

/** A row of es_append(): the outcome, and the appended (or previously stored) events. */
interface AppendRow {
  o_outcome: 'appended' | 'existing' | 'conflict';
  o_event_id: string;
  o_stream: string;
  o_revision: string | null;
  o_tx: string | null;
  o_position: string | null;
}

/**
 * The event store on PostgreSQL: one table, one row per event.
 *
 * Global order is (tx_id, position): `tx_id` is the writing transaction's id
 * (`pg_current_xact_id()`), `position` an identity column. Readers of the
 * global log only take rows whose transaction id is below the xmin of their
 * snapshot — every transaction below it has finished — so a transaction
 * that is still open can never commit a row behind a position a reader has
 * already passed. See docs/event-store.md for the argument.
 */
export class PostgresEventStore implements EventStore {
  readonly kind: string;
  private readonly pool: Pool;
  private readonly schema: string;
  private readonly table: string;
  private readonly wakeups = new EventEmitter();
  private readonly notify: boolean;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private listener: Client | undefined;
  private listenerRetry: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(private readonly options: PostgresEventStoreOptions) {
    this.pool = options.pool;
    this.kind = options.kind ?? 'postgres';
    this.schema = quoteIdent(options.schema ?? 'public');
    this.table = `${this.schema}.es_events`;
    this.notify = options.notify ?? options.listenConnection !== undefined;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.pageSize = options.subscriptionPageSize ?? 500;
    this.wakeups.setMaxListeners(0);
    // An idle pooled connection that fails (server restart, connection
    // killed) is discarded by the pool and replaced on the next query; without
    // a listener its error would crash the process.
    this.pool.on('error', () => undefined);
  }

  /** Creates the store, migrating its schema first. */
  static async create(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    await migrateEventStoreSchema(options.pool, options.schema ?? 'public');
    const store = new PostgresEventStore(options);
    if (options.listenConnection) await store.startListening(options.listenConnection);
    return store;
  }

  async append(stream: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    assertValidAppend(stream, events, options.expectedRevision);
    const expected = options.expectedRevision;
    const ids = events.map((e) => e.id.toLowerCase());
    for (let attempt = 1; ; attempt++) {
      let rows: AppendRow[];
      try {
        ({ rows } = await this.pool.query<AppendRow>(
          `SELECT * FROM ${this.schema}.es_append($1, $2, $3, $4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[], $8)`,
          [
            stream,
            typeof expected === 'number' ? 'exact' : expected,
            typeof expected === 'number' ? expected : null,
            ids,
            events.map((e) => e.type),
            events.map((e) => JSON.stringify(e.data)),
            events.map((e) => JSON.stringify(e.metadata)),
            this.notify,
          ],
        ));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // A concurrent writer won the race for this revision or these ids.
        const existing = await this.findExisting(this.pool, stream, events);
        if (existing) return existing;
        if (expected === 'any' && attempt < MAX_ANY_RETRIES) continue;
        throw new StreamConflictError(stream, expected, await this.currentRevision(this.pool, stream));
      }
      const outcome = rows[0]?.o_outcome;
      if (outcome === 'conflict') {
        // A concurrent retry of this very append may have committed between
        // the function's idempotency check and its revision check.
        const existing = await this.findExisting(this.pool, stream, events);
        if (existing) return existing;
        const actual = rows[0]!.o_revision;
        throw new StreamConflictError(stream, expected, actual === null ? null : Number(actual));
      }
      if (outcome === 'existing') {
        return this.previousAppend(
          stream,
          ids,
          rows.map((r) => ({
            event_id_text: r.o_event_id,
            stream_id: r.o_stream,
            revision: r.o_revision!,
            tx_id_text: r.o_tx!,
            position: r.o_position!,
          })),
        );
      }
      const last = rows.reduce((a, b) => (Number(b.o_revision) > Number(a.o_revision) ? b : a));
      this.wakeups.emit('appended');
      return {
        nextExpectedRevision: Number(last.o_revision),
        checkpoint: formatPairCheckpoint(last.o_tx!, last.o_position!),
        eventIds: ids,
        alreadyStored: false,
      };
    }
  }

  /**
   * Appends inside a transaction the caller has begun on `client` and will
   * commit or roll back. Live subscriptions of this process are not woken
   * (they find the events at their next poll).
   */
  async appendUsingClient(
    client: Queryable,
    stream: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    assertValidAppend(stream, events, options.expectedRevision);
    const existing = await this.findExisting(client, stream, events);
    if (existing) return existing;

    const current = await this.currentRevision(client, stream);
    const expected = options.expectedRevision;
    if (expected === 'no-stream' ? current !== null : typeof expected === 'number' ? current !== expected : false) {
      throw new StreamConflictError(stream, expected, current);
    }
    const first = current === null ? 0 : current + 1;
    const inserted = await client.query<{ revision: string; tx_id_text: string; position: string }>(
      `INSERT INTO ${this.table} (event_id, stream_id, revision, type, data, metadata)
       SELECT e.id, $1, $2::bigint + e.ord - 1, e.type, e.data, e.metadata
       FROM unnest($3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY AS e(id, type, data, metadata, ord)
       RETURNING revision, tx_id::text AS tx_id_text, position`,
      [
        stream,
        first,
        events.map((e) => e.id.toLowerCase()),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
      ],
    );
    if (this.notify) await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, stream]);
    const last = inserted.rows.reduce((a, b) => (Number(b.revision) > Number(a.revision) ? b : a));
    return {
      nextExpectedRevision: Number(last.revision),
      checkpoint: formatPairCheckpoint(last.tx_id_text, last.position),
      eventIds: events.map((e) => e.id.toLowerCase()),
      alreadyStored: false,
    };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const bounds = this.streamBounds(stream, options);
    const conditions = [...bounds.conditions];
    const params = [...bounds.params];
    if (options.fromRevision !== undefined) {
      params.push(options.fromRevision);
      conditions.push(`revision ${backwards ? '<=' : '>='} $${params.length}`);
    }
    if (options.occurredUpTo !== undefined) {
      params.push(options.occurredUpTo);
      conditions.push(`(occurred_at <= $${params.length} OR occurred_at IS NULL)`);
    }
    let limit = '';
    if (options.maxCount !== undefined) {
      params.push(options.maxCount);
      limit = `LIMIT $${params.length}`;
    }
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.table} WHERE ${conditions.join(' AND ')}
       ORDER BY revision ${backwards ? 'DESC' : 'ASC'} ${limit}`,
      params,
    );
    if (rows.length === 0) {
      // Only the stream and its bounds decide whether it exists: not the revision or the business time.
      const exists = await this.pool.query(
        `SELECT 1 FROM ${this.table} WHERE ${bounds.conditions.join(' AND ')} LIMIT 1`,
        bounds.params,
      );
      if (exists.rowCount === 0) throw new StreamNotFoundError(stream);
    }
    return rows.map(toStoredEvent);
  }

  async countStream(stream: string, options: CountStreamOptions = {}): Promise<number> {
    const { conditions, params } = this.streamBounds(stream, options);
    if (options.fromRevision !== undefined) {
      params.push(options.fromRevision);
      conditions.push(`revision >= $${params.length}`);
    }
    if (options.occurredUpTo !== undefined) {
      params.push(options.occurredUpTo);
      conditions.push(`(occurred_at <= $${params.length} OR occurred_at IS NULL)`);
    }
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.table} WHERE ${conditions.join(' AND ')}`,
      params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async readEventAt(checkpoint: string): Promise<StoredEvent | null> {
    const cp = parseCheckpoint(checkpoint);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.table} WHERE position = $2::bigint AND tx_id = $1::xid8`,
      [cp.major.toString(), cp.minor.toString()],
    );
    return rows[0] ? toStoredEvent(rows[0]) : null;
  }

  /** The stream and its bounds on the global and recorded-time axes, as SQL conditions with their parameters. */
  private streamBounds(
    stream: string,
    options: Pick<ReadStreamOptions, 'toCheckpoint' | 'recordedUpTo'>,
  ): { conditions: string[]; params: unknown[] } {
    const conditions = ['stream_id = $1'];
    const params: unknown[] = [stream];
    if (options.toCheckpoint !== undefined) {
      const cp = parseCheckpoint(options.toCheckpoint);
      params.push(cp.major.toString(), cp.minor.toString());
      conditions.push(`(tx_id, position) <= ($${params.length - 1}::xid8, $${params.length}::bigint)`);
    }
    if (options.recordedUpTo !== undefined) {
      params.push(options.recordedUpTo);
      conditions.push(`recorded_at <= $${params.length}`);
    }
    return { conditions, params };
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return this.readAllUsing(this.pool, options.fromCheckpoint, options.maxCount ?? 1000, options.filter);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    if (options.fromCheckpoint !== undefined) parseCheckpoint(options.fromCheckpoint);
    return new PollingSubscription(
      {
        readPage: (after) => this.readAllUsing(this.pool, after, this.pageSize, options.filter),
        waitForEvents: (timeoutMs, signal) => this.waitForEvents(timeoutMs, signal),
      },
      options.fromCheckpoint,
      this.pollIntervalMs,
    );
  }

  async headCheckpoint(): Promise<string | null> {
    const { rows } = await this.pool.query<{ tx_id_text: string; position: string }>(
      `SELECT tx_id::text AS tx_id_text, position FROM ${this.table}
       WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY tx_id DESC, position DESC LIMIT 1`,
    );
    const row = rows[0];
    return row ? formatPairCheckpoint(row.tx_id_text, row.position) : null;
  }

  async countAfter(fromCheckpoint: string | undefined, limit: number, filter?: EventFilter): Promise<number> {
    const cp = fromCheckpoint === undefined ? { major: 0n, minor: 0n } : parseCheckpoint(fromCheckpoint);
    const params: unknown[] = [cp.major.toString(), cp.minor.toString(), limit];
    const conditions = [
      'tx_id < pg_snapshot_xmin(pg_current_snapshot())',
      '(tx_id, position) > ($1::xid8, $2::bigint)',
      ...filterConditions(filter, params),
    ];
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM (
         SELECT 1 FROM ${this.table}
         WHERE ${conditions.join(' AND ')}
         LIMIT $3) behind`,
      params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  compareCheckpoints(a: string, b: string): number {
    parseCheckpoint(a);
    parseCheckpoint(b);
    return comparePairCheckpoints(a, b);
  }

  async ping(): Promise<void> {
    await this.pool.query(`SELECT 1 FROM ${this.table} LIMIT 1`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeups.emit('appended');
    if (this.listenerRetry) clearTimeout(this.listenerRetry);
    const listener = this.listener;
    this.listener = undefined;
    if (listener) await listener.end().catch(() => undefined);
    if (this.options.ownsPool) await this.pool.end();
  }

  private async readAllUsing(
    db: Queryable,
    after: string | undefined,
    maxCount: number,
    filter: EventFilter | undefined,
  ): Promise<StoredEvent[]> {
    const cp = after === undefined ? { major: 0n, minor: 0n } : parseCheckpoint(after);
    const params: unknown[] = [cp.major.toString(), cp.minor.toString(), maxCount];
    const conditions = [
      // The horizon: every transaction with an id below the snapshot's xmin
      // has ended, so no row can appear below this line later.
      'tx_id < pg_snapshot_xmin(pg_current_snapshot())',
      '(tx_id, position) > ($1::xid8, $2::bigint)',
      ...filterConditions(filter, params),
    ];
    const { rows } = await db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.table}
       WHERE ${conditions.join(' AND ')}
       ORDER BY tx_id, position
       LIMIT $3`,
      params,
    );
    return rows.map(toStoredEvent);
  }

  private async currentRevision(db: Queryable, stream: string): Promise<number | null> {
    const { rows } = await db.query<{ revision: string }>(
      `SELECT revision FROM ${this.table} WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1`,
      [stream],
    );
    return rows[0] ? Number(rows[0].revision) : null;
  }

  /** The result of an earlier append of exactly these events, or null if none of them is stored. */
  private async findExisting(
    db: Queryable,
    stream: string,
    events: readonly EventToAppend[],
  ): Promise<AppendResult | null> {
    const ids = events.map((e) => e.id.toLowerCase());
    const { rows } = await db.query<StoredIdRow>(
      `SELECT event_id::text AS event_id_text, stream_id, revision, tx_id::text AS tx_id_text, position FROM ${this.table}
       WHERE event_id = ANY ($1::uuid[]) ORDER BY revision`,
      [ids],
    );
    return rows.length === 0 ? null : this.previousAppend(stream, ids, rows);
  }

  /** Answers a retried append from the stored rows of its ids: the same result, or a mismatch. */
  private previousAppend(stream: string, ids: readonly string[], rows: readonly StoredIdRow[]): AppendResult {
    const sameStream = rows.every((r) => r.stream_id === stream);
    const sameOrder =
      rows.length === ids.length &&
      rows.every(
        (r, i) => r.event_id_text === ids[i] && (i === 0 || Number(r.revision) === Number(rows[i - 1]!.revision) + 1),
      );
    if (!sameStream || !sameOrder) {
      throw new IdempotencyMismatchError(
        stream,
        `${rows.length} of ${ids.length} event ids are already stored${sameStream ? '' : ' in another stream'}, not as this append`,
      );
    }
    const last = rows[rows.length - 1]!;
    return {
      nextExpectedRevision: Number(last.revision),
      checkpoint: formatPairCheckpoint(last.tx_id_text, last.position),
      eventIds: [...ids],
      alreadyStored: true,
    };
  }

  private waitForEvents(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.closed || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeups.off('appended', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.wakeups.on('appended', done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private async startListening(config: ClientConfig): Promise<void> {
    const client = new Client(config);
    const retry = (): void => {
      if (this.listener === client) this.listener = undefined;
      client.removeAllListeners();
      void client.end().catch(() => undefined);
      if (this.closed) return;
      // Subscriptions keep polling meanwhile; try to listen again shortly.
      this.listenerRetry = setTimeout(() => {
        this.startListening(config).catch(() => undefined);
      }, 1000);
      this.listenerRetry.unref();
    };
    client.on('notification', () => this.wakeups.emit('appended'));
    client.on('error', retry);
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch {
      retry();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
  }
}
