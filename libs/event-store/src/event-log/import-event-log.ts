import { StreamNotFoundError } from '../errors';
import type { EventStore, EventToAppend, StoredEvent } from '../event-store.port';
import { EventLogLineError, parseEventLogLine, type ImportableEvent } from './event-log-record';

/** How many bad lines a check keeps (it counts them all). */
export const LISTED_PROBLEMS = 50;
/** Most events of one stream appended in one call. */
export const IMPORT_BATCH_SIZE = 500;

export interface EventLogCheck {
  readonly lines: number;
  readonly events: number;
  readonly streams: number;
  /** The first `LISTED_PROBLEMS` bad lines. */
  readonly problems: readonly EventLogLineError[];
  readonly problemCount: number;
}

/**
 * Reads a whole event-log file and checks every line: JSON, fields, and that
 * each stream's revisions run 0, 1, 2, … in file order (an export filtered by
 * type, or started after a checkpoint, is not a complete log and cannot be
 * imported with the same revisions). Blank lines are ignored.
 */
export async function checkEventLog(lines: AsyncIterable<string>): Promise<EventLogCheck> {
  const nextRevision = new Map<string, number>();
  const problems: EventLogLineError[] = [];
  let problemCount = 0;
  let lineNumber = 0;
  let events = 0;
  for await (const text of lines) {
    lineNumber++;
    if (text.trim() === '') continue;
    try {
      const { stream, revision } = parseEventLogLine(text, lineNumber);
      const expected = nextRevision.get(stream) ?? 0;
      if (revision !== expected) {
        throw new EventLogLineError(
          lineNumber,
          'REVISION_OUT_OF_ORDER',
          `${stream} revision ${revision} where ${expected} comes next (the file must hold each stream from revision 0, in order)`,
        );
      }
      nextRevision.set(stream, revision + 1);
      events++;
    } catch (error) {
      if (!(error instanceof EventLogLineError)) throw error;
      problemCount++;
      if (problems.length < LISTED_PROBLEMS) problems.push(error);
    }
  }
  return { lines: lineNumber, events, streams: nextRevision.size, problems, problemCount };
}

/** The target store holds events that are not the start of the file: nothing was appended. */
export class StoreNotEmptyError extends Error {
  readonly code = 'STORE_NOT_EMPTY';
  constructor(message: string) {
    super(message);
    this.name = 'StoreNotEmptyError';
  }
}

/** An append failed part-way; the events before `line` are in the store. */
export class EventLogAppendError extends Error {
  constructor(
    readonly line: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`line ${line}: ${message}`, options);
    this.name = 'EventLogAppendError';
  }
}

export interface ImportEventLogOptions {
  readonly batchSize?: number;
  /** Checked between appends: an aborted import stops after the append under way. */
  readonly signal?: AbortSignal;
  readonly onAppended?: (eventsAppended: number) => void;
}

export interface EventLogImport {
  readonly events: number;
  readonly appended: number;
  /** Events the store already held as the start of the file (an earlier, interrupted import). */
  readonly alreadyPresent: number;
  /** The target store's checkpoint of the last event appended. */
  readonly lastCheckpoint: string | null;
  readonly interrupted: boolean;
}

/** The store's global log, one event at a time. */
class LogCursor {
  private page: StoredEvent[] = [];
  private index = 0;
  private after: string | undefined;
  private ended = false;

  constructor(private readonly store: EventStore) {}

  async next(): Promise<StoredEvent | undefined> {
    if (this.index >= this.page.length) {
      if (this.ended) return undefined;
      this.page = await this.store.readAll({ fromCheckpoint: this.after, maxCount: IMPORT_BATCH_SIZE });
      this.index = 0;
      if (this.page.length < IMPORT_BATCH_SIZE) this.ended = true;
      if (this.page.length === 0) return undefined;
      this.after = this.page[this.page.length - 1]!.checkpoint;
    }
    return this.page[this.index++];
  }
}

function sameEvent(stored: StoredEvent, line: ImportableEvent): boolean {
  return (
    stored.id.toLowerCase() === line.event.id.toLowerCase() &&
    stored.stream === line.stream &&
    stored.revision === line.revision
  );
}

/**
 * Appends every event of a checked file again, in file order: each to its
 * stream with the same id, type, data, metadata and revision (the expected
 * revision is the one before it), consecutive events of one stream in one
 * append. The target store gives them its own recorded times and
 * checkpoints.
 *
 * The store must be empty, or hold exactly the first events of the file
 * (same ids, streams and revisions, in order: an earlier import of the same
 * file that stopped); those are skipped and the import goes on after them.
 * Anything else throws `StoreNotEmptyError` before anything is appended.
 */
export async function importEventLog(
  store: EventStore,
  lines: AsyncIterable<string>,
  options: ImportEventLogOptions = {},
): Promise<EventLogImport> {
  const batchSize = options.batchSize ?? IMPORT_BATCH_SIZE;
  const existing = new LogCursor(store);
  let inPrefix = true;
  let lineNumber = 0;
  let events = 0;
  let appended = 0;
  let alreadyPresent = 0;
  let lastCheckpoint: string | null = null;
  let batch: { stream: string; firstRevision: number; firstLine: number; events: EventToAppend[] } | undefined;

  // The store's readers stop at the transaction-id horizon, so the walk over
  // its log can end before the last events an earlier import committed.
  // Until a batch turns out to be new, each batch is first looked for in its
  // stream (which has no horizon): events already there with the same ids
  // at the same revisions are counted as present, and the rest appended.
  let verifying = true;

  /** Appends a batch; answers how many events it appended. */
  const appendBatch = async (
    stream: string,
    firstRevision: number,
    firstLine: number,
    toAppend: EventToAppend[],
  ): Promise<number> => {
    let present = 0;
    if (verifying) {
      const stored = await store
        .readStream(stream, { fromRevision: firstRevision, maxCount: toAppend.length })
        .catch((error: unknown) => {
          if (error instanceof StreamNotFoundError) return [];
          throw error;
        });
      const differs = stored.findIndex((e, i) => e.id.toLowerCase() !== toAppend[i]!.id.toLowerCase());
      if (differs !== -1) {
        throw new StoreNotEmptyError(
          `the store is not empty and its events are not the start of this file (${stream} revision ` +
            `${firstRevision + differs} holds another event than line ${firstLine + differs}); nothing was appended`,
        );
      }
      present = stored.length;
      alreadyPresent += present;
      if (present === toAppend.length) return 0;
      verifying = false;
    }
    const rest = present === 0 ? toAppend : toAppend.slice(present);
    const revision = firstRevision + present;
    const result = await store.append(stream, rest, { expectedRevision: revision === 0 ? 'no-stream' : revision - 1 });
    lastCheckpoint = result.checkpoint;
    return rest.length;
  };

  const flush = async (): Promise<void> => {
    if (!batch) return;
    const { stream, firstRevision, firstLine } = batch;
    const toAppend = batch.events;
    batch = undefined;
    let count: number;
    try {
      count = await appendBatch(stream, firstRevision, firstLine, toAppend);
    } catch (error) {
      if (error instanceof StoreNotEmptyError) throw error;
      const lastLine = firstLine + toAppend.length - 1;
      const where = lastLine > firstLine ? `${firstLine}-${lastLine}` : `${firstLine}`;
      throw new EventLogAppendError(
        firstLine,
        `appending ${stream} revision ${firstRevision} (lines ${where}) failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    appended += count;
    options.onAppended?.(appended);
  };

  for await (const text of lines) {
    lineNumber++;
    if (text.trim() === '') continue;
    const line = parseEventLogLine(text, lineNumber);
    events++;
    if (inPrefix) {
      const stored = await existing.next();
      if (stored) {
        if (!sameEvent(stored, line)) {
          throw new StoreNotEmptyError(
            `the store is not empty and its events are not the start of this file (its event ${alreadyPresent + 1}, ` +
              `${stored.stream} revision ${stored.revision}, differs from line ${lineNumber}); nothing was appended`,
          );
        }
        alreadyPresent++;
        continue;
      }
      inPrefix = false;
    }
    if (options.signal?.aborted) {
      await flush();
      return { events, appended, alreadyPresent, lastCheckpoint, interrupted: true };
    }
    const continues =
      batch !== undefined &&
      batch.stream === line.stream &&
      batch.firstRevision + batch.events.length === line.revision &&
      batch.events.length < batchSize;
    if (!continues) {
      await flush();
      batch = { stream: line.stream, firstRevision: line.revision, firstLine: lineNumber, events: [] };
    }
    batch!.events.push(line.event);
  }
  await flush();
  if (inPrefix && (await existing.next())) {
    throw new StoreNotEmptyError(
      `the store is not empty: it holds every event of this file and more after them; nothing was appended`,
    );
  }
  return { events, appended, alreadyPresent, lastCheckpoint, interrupted: false };
}
