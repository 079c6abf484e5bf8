import { BadRequestException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { StreamNotFoundError, type EventStore, type ReadStreamOptions, type StoredEvent } from '@crm/event-store';
import { DATA_SOURCE, EVENT_STORE } from '@crm/platform/tokens';
import type { DataSource } from 'typeorm';
import { toCustomerEvent } from '../customer.aggregate';
import { customerStream } from '../domain/customer.events';
import type { CrmRules } from '../domain/rules/crm-rules';
import { CRM_RULES } from '../rules/rules.loader';
import { customerSegmentationAsOf, type CustomerSegmentation } from '../segmentation/segmentation.service';
import {
  customerStateAsOf,
  FOLD_VERSION,
  foldCustomerAsOf,
  type CustomerState,
  type StateSnapshot,
} from './customer-state';
import type { CustomerSummaryWithFacts } from '../projections/customer-summary/customer-summary.entity';

/** Events read per page from the store. */
const PAGE = 1_000;

/** "Known at": an instant (recorded time) or a global checkpoint of the store. */
export type KnownAt = { readonly recordedAt: Date } | { readonly checkpoint: string };

export interface HistoryFilter {
  /** Only these event types (all when empty). */
  readonly types: readonly string[];
  /** Business time from (inclusive) / to (exclusive). */
  readonly from: Date | null;
  readonly to: Date | null;
  /** Revision to start from (inclusive): the previous page's `nextRevision`. */
  readonly fromRevision: number;
  readonly limit: number;
}

/** One event of a customer's history, as stored, with its metadata spelled out. */
export interface HistoryItem {
  readonly revision: number;
  readonly checkpoint: string;
  readonly eventId: string;
  readonly type: string;
  readonly businessTime: string | null;
  readonly recordedAt: string;
  readonly actor: string | null;
  readonly commandId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly schemaVersion: number | null;
  readonly data: StoredEvent['data'];
  readonly metadata: StoredEvent['metadata'];
}

export interface HistoryPage {
  readonly customerId: string;
  readonly stream: string;
  readonly items: HistoryItem[];
  /** Pass as `fromRevision` for the next page; null at the end of the stream. */
  readonly nextRevision: number | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function historyItem(stored: StoredEvent, businessTime: string | null): HistoryItem {
  const { metadata } = stored;
  return {
    revision: stored.revision,
    checkpoint: stored.checkpoint,
    eventId: stored.id,
    type: stored.type,
    businessTime,
    recordedAt: stored.recordedAt.toISOString(),
    actor: text(metadata.actor),
    commandId: text(metadata.commandId),
    correlationId: text(metadata.correlationId),
    causationId: text(metadata.causationId),
    schemaVersion: typeof metadata.schemaVersion === 'number' ? metadata.schemaVersion : null,
    data: stored.data,
    metadata,
  };
}

/** The business time of a stored customer event (after upcasting), as ISO text. */
function businessTimeOf(stored: StoredEvent): string | null {
  const occurredAt = toCustomerEvent(stored).data.occurredAt as unknown;
  if (occurredAt instanceof Date) return occurredAt.toISOString();
  return typeof occurredAt === 'string' ? new Date(occurredAt).toISOString() : null;
}

/** The row's instants, revived from a snapshot's JSON. */
const ROW_DATES = [
  'registeredAt',
  'lastEventRecordedAt',
  'firstPurchaseAt',
  'lastPurchaseAt',
  'lastNpsAt',
  'terminatedAt',
  'reactivatedAt',
] as const satisfies ReadonlyArray<keyof CustomerSummaryWithFacts>;

function reviveRow(json: Record<string, unknown>): CustomerSummaryWithFacts {
  const row: Record<string, unknown> = { ...json };
  for (const key of ROW_DATES) row[key] = json[key] === null ? null : new Date(json[key] as string);
  return row as unknown as CustomerSummaryWithFacts;
}

interface SnapshotRow {
  revision: number;
  max_checkpoint: string;
  max_recorded_at: Date;
  max_business_time: Date;
  row: Record<string, unknown>;
}

/** The bounds of what is known, as readStream takes them. */
function knownBound(knownAt: KnownAt | null): Pick<ReadStreamOptions, 'toCheckpoint' | 'recordedUpTo'> {
  if (knownAt === null) return {};
  return 'checkpoint' in knownAt ? { toCheckpoint: knownAt.checkpoint } : { recordedUpTo: knownAt.recordedAt };
}

function notFound(customerId: string): NotFoundException {
  return new NotFoundException({ code: 'CUSTOMER_NOT_FOUND', message: `customer ${customerId} not found`, customerId });
}

/**
 * What the audit team asks of one customer: its full history as stored, and
 * its state as it was at a business instant, as it was known at a recorded
 * instant or checkpoint — straight from the event store, folded by the
 * projection's own code.
 */
@Injectable()
export class CustomerAuditService {
  private readonly logger = new Logger('CustomerAudit');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CRM_RULES) private readonly rules: CrmRules,
  ) {}

  /** Reads the customer's stream; 404 CUSTOMER_NOT_FOUND when it has no event. */
  private async read(customerId: string, options: ReadStreamOptions): Promise<StoredEvent[]> {
    try {
      return await this.store.readStream(customerStream(customerId), options);
    } catch (error) {
      if (error instanceof StreamNotFoundError) throw notFound(customerId);
      throw error;
    }
  }

  async history(customerId: string, filter: HistoryFilter): Promise<HistoryPage> {
    const stream = customerStream(customerId);
    const items: HistoryItem[] = [];
    let from = filter.fromRevision;
    for (;;) {
      const page = await this.read(customerId, { fromRevision: from, maxCount: PAGE });
      for (const stored of page) {
        from = stored.revision + 1;
        if (filter.types.length > 0 && !filter.types.includes(stored.type)) continue;
        const businessTime = businessTimeOf(stored);
        const at = businessTime === null ? null : Date.parse(businessTime);
        if (filter.from && (at === null || at < filter.from.getTime())) continue;
        if (filter.to && (at === null || at >= filter.to.getTime())) continue;
        items.push(historyItem(stored, businessTime));
        if (items.length === filter.limit) {
          const more = await this.read(customerId, { fromRevision: from, maxCount: 1 });
          return { customerId, stream, items, nextRevision: more.length > 0 ? from : null };
        }
      }
      if (page.length < PAGE) return { customerId, stream, items, nextRevision: null };
    }
  }

  /** Every event of the stream recorded at or before `knownAt` (all of them without it), from a revision on, in order. */
  async knownEvents(customerId: string, knownAt: KnownAt | null, fromRevision = 0): Promise<StoredEvent[]> {
    return this.readAll(customerId, { fromRevision, ...knownBound(knownAt) });
  }

  /** Every event a read gives, page after page. */
  private async readAll(
    customerId: string,
    options: ReadStreamOptions & { fromRevision: number },
  ): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for (;;) {
      const page = await this.read(customerId, {
        ...options,
        fromRevision: events.length === 0 ? options.fromRevision : events[events.length - 1]!.revision + 1,
        maxCount: PAGE * 10,
      });
      events.push(...page);
      if (page.length < PAGE * 10) return events;
    }
  }

  /**
   * The state as of business time `asOf`, as known at `knownAt`. The
   * population-relative scores come from the segmentation run in force at
   * the known-at instant (the recorded time of the event at a known-at
   * checkpoint), or at `asOf` without one.
   *
   * The fold starts from the latest usable snapshot; of the later events the
   * store sends only those that happened by `asOf` (or have no business
   * time of their own), so the events dated later are neither read nor
   * decoded — the registration aside, they would be left out of the fold
   * anyway. The events known are counted by the store.
   */
  async stateAsOf(customerId: string, asOf: Date, knownAt: KnownAt | null): Promise<CustomerState> {
    const stream = customerStream(customerId);
    const bound = knownBound(knownAt);
    const [segmentation, from] = await Promise.all([
      this.segmentationInForce(customerId, asOf, knownAt),
      this.usableSnapshot(customerId, asOf, knownAt),
    ]);
    // The registration is folded whatever its business time: it is the stream's first event.
    const first = from ? [] : await this.read(customerId, { fromRevision: 0, maxCount: 1, ...bound });
    const after = from ? from.revision + 1 : first[0]!.revision + 1;
    let events = [...first, ...(await this.readAll(customerId, { fromRevision: after, occurredUpTo: asOf, ...bound }))];
    const compare = (a: string, b: string) => this.store.compareCheckpoints(a, b);
    let fold = foldCustomerAsOf(events, asOf, compare, from);
    if (!fold.businessTimesAgree) {
      // An event filed under another business time than its data's: read every known event instead.
      events = await this.knownEvents(customerId, knownAt, from ? from.revision + 1 : 0);
      fold = foldCustomerAsOf(events, asOf, compare, from);
    }
    if (fold.snapshots.length > 0) await this.saveSnapshots(customerId, fold.snapshots);
    const [count, [last]] = await Promise.all([
      this.store.countStream(stream, { fromRevision: from ? from.revision + 1 : 0, ...bound }),
      this.store.readStream(stream, { direction: 'backwards', maxCount: 1, ...bound }),
    ]);
    const state = customerStateAsOf(
      fold,
      {
        count: (from ? from.revision + 1 : 0) + count,
        last: last ? { revision: last.revision, checkpoint: last.checkpoint } : null,
        snapshotRevision: from?.revision ?? null,
      },
      asOf,
      this.rules,
      segmentation,
    );
    if (!state) throw notFound(customerId);
    return state;
  }

  /**
   * The same answer from a fold of every known event from the first, without
   * snapshots or any filtering by the store: what stateAsOf must equal.
   */
  async stateByFullFold(customerId: string, asOf: Date, knownAt: KnownAt | null): Promise<CustomerState> {
    const known = await this.knownEvents(customerId, knownAt);
    const fold = foldCustomerAsOf(known, asOf, (a, b) => this.store.compareCheckpoints(a, b));
    const last = known[known.length - 1];
    const state = customerStateAsOf(
      fold,
      {
        count: known.length,
        last: last ? { revision: last.revision, checkpoint: last.checkpoint } : null,
        snapshotRevision: null,
      },
      asOf,
      this.rules,
      await this.segmentationInForce(customerId, asOf, knownAt),
    );
    if (!state) throw notFound(customerId);
    return state;
  }

  /**
   * The customer's row in the segmentation run in force as of `asOf`: of the
   * runs made by the known-at instant (for a checkpoint, the instant the store
   * recorded the event at it; every run when nothing bounds what is known),
   * the one whose as-of is the latest at or before `asOf` (historical runs
   * included).
   */
  private async segmentationInForce(
    customerId: string,
    asOf: Date,
    knownAt: KnownAt | null,
  ): Promise<CustomerSegmentation | null> {
    let inForceAt: Date | null = null;
    if (knownAt && 'recordedAt' in knownAt) inForceAt = knownAt.recordedAt;
    else if (knownAt) {
      const event = await this.store.readEventAt(knownAt.checkpoint);
      if (!event) {
        const message = `knownAt: the store holds no event at checkpoint ${knownAt.checkpoint}`;
        throw new BadRequestException({
          code: 'VALIDATION_FAILED',
          message,
          problems: [{ field: 'knownAt', rule: 'knownAt', message }],
        });
      }
      inForceAt = event.recordedAt;
    }
    return customerSegmentationAsOf(this.dataSource, customerId, asOf, inForceAt);
  }

  /**
   * The latest snapshot whose events all happened by `asOf` and were all
   * known at `knownAt`: folding the later events onto it gives exactly the
   * fold of every event (see foldCustomerAsOf).
   */
  private async usableSnapshot(customerId: string, asOf: Date, knownAt: KnownAt | null): Promise<StateSnapshot | null> {
    // The candidates without their rows (a row holds the whole fold), newest first; then the one row needed.
    const candidates: Array<Omit<SnapshotRow, 'row'>> = await this.dataSource.query(
      `SELECT revision, max_checkpoint, max_recorded_at, max_business_time
         FROM customer_state_snapshots
        WHERE customer_id = $1 AND fold_version = $2 AND max_business_time <= $3
          AND ($4::timestamptz IS NULL OR max_recorded_at <= $4::timestamptz)
        ORDER BY revision DESC`,
      [customerId, FOLD_VERSION, asOf, knownAt && 'recordedAt' in knownAt ? knownAt.recordedAt : null],
    );
    const usable = candidates.filter(
      (candidate) =>
        !(knownAt && 'checkpoint' in knownAt) ||
        this.store.compareCheckpoints(candidate.max_checkpoint, knownAt.checkpoint) <= 0,
    );
    for (const candidate of usable) {
      // The row with every column it was stored with, and whether they still give its digest.
      const [stored]: Array<SnapshotRow & { intact: boolean }> = await this.dataSource.query(
        `SELECT revision, max_checkpoint, max_recorded_at, max_business_time, row,
                digest = customer_state_snapshot_digest(customer_id, fold_version, revision, max_checkpoint,
                                                        max_recorded_at, max_business_time, row) AS intact
           FROM customer_state_snapshots WHERE customer_id = $1 AND fold_version = $2 AND revision = $3`,
        [customerId, FOLD_VERSION, candidate.revision],
      );
      if (!stored) continue;
      if (!stored.intact) {
        this.logger.warn(
          `state snapshot of customer ${customerId} at revision ${candidate.revision} does not match its digest: ` +
            'not used (crm projections verify lists it)',
        );
        continue;
      }
      return {
        revision: Number(stored.revision),
        row: reviveRow(stored.row),
        maxCheckpoint: stored.max_checkpoint,
        maxRecordedAt: new Date(stored.max_recorded_at),
        maxBusinessTime: new Date(stored.max_business_time),
      };
    }
    return null;
  }

  private async saveSnapshots(customerId: string, snapshots: readonly StateSnapshot[]): Promise<void> {
    for (const snapshot of snapshots) {
      await this.dataSource.query(
        `INSERT INTO customer_state_snapshots
           (customer_id, revision, fold_version, max_checkpoint, max_recorded_at, max_business_time, row, digest)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, customer_state_snapshot_digest($1, $3, $2, $4, $5, $6, $7::jsonb))
         ON CONFLICT DO NOTHING`,
        [
          customerId,
          snapshot.revision,
          FOLD_VERSION,
          snapshot.maxCheckpoint,
          snapshot.maxRecordedAt,
          snapshot.maxBusinessTime,
          JSON.stringify(snapshot.row),
        ],
      );
    }
  }
}
