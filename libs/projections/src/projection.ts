import type { StoredEvent } from '@crm/event-store';
import type { EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * A read model kept as one row per key, folded from events by a pure
 * `evolve(row | null, event)`. Returning null deletes the row. The runtime
 * loads the rows a batch touches, folds every event of the batch in order,
 * and writes the results and the checkpoint in one transaction.
 */
export interface RowProjection<Row extends ObjectLiteral> {
  /** Stable name: the checkpoint's key and the name used by rebuild commands. */
  readonly name: string;
  readonly entity: EntityTarget<Row>;
  /** Primary-key property of the entity. */
  readonly keyProperty: keyof Row & string;
  /** Streams the projection reads (prefixes). */
  readonly streamPrefixes: readonly string[];
  /** The key of the row an event changes, or null when the event does not concern this read model. */
  keyOf(event: StoredEvent): string | null;
  evolve(row: Row | null, event: StoredEvent): Row | null;
}
