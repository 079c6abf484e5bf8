import { StreamNotFoundError, type EventStore, type StoredEvent } from '@crm/event-store';
import { EVENT_STORE, type CrmConfig } from '@crm/platform';
import { verifyStreamChain, type ChainFinding, type ChainFindingKind } from '@crm/platform/audit/chain-verification';
import { describeStorage, openCliContext, UsageError } from './import.command';
import { EXIT, type StorageDescription } from './summary';

/** Exit code of `crm audit verify-chain` when it finds anything. */
export const CHAIN_FINDINGS_EXIT = 1;

/** Events read per page while listing the streams. */
const PAGE = 1_000;

export interface VerifyChainOptions {
  /** A stream id, or a prefix ending in `*`; all streams when absent. */
  readonly stream?: string;
  readonly json: boolean;
  readonly strict: boolean;
}

export interface ChainVerificationSummary {
  readonly storage: StorageDescription;
  readonly selection: string;
  readonly strict: boolean;
  readonly streams: number;
  readonly events: number;
  readonly chained: number;
  readonly unchained: number;
  readonly findingCounts: Record<Exclude<ChainFindingKind, 'unchained'>, number> & { unchained?: number };
  readonly findings: ChainFinding[];
  readonly exitCode: number;
}

/** The stream ids to verify, in the order of their first event in the store. */
async function selectStreams(store: EventStore, stream: string | undefined): Promise<string[]> {
  if (stream !== undefined && !stream.endsWith('*')) {
    try {
      await store.readStream(stream, { maxCount: 1 });
    } catch (error) {
      if (error instanceof StreamNotFoundError) {
        throw new UsageError(`--stream: no stream named ${JSON.stringify(stream)} (end it with * for a prefix)`);
      }
      throw error;
    }
    return [stream];
  }
  const prefix = stream?.slice(0, -1);
  const filter = prefix ? { streamPrefixes: [prefix] } : undefined;
  const streams = new Set<string>();
  let after: string | undefined;
  for (;;) {
    const page: StoredEvent[] = await store.readAll({ fromCheckpoint: after, maxCount: PAGE, filter });
    for (const event of page) streams.add(event.stream);
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.checkpoint;
  }
  return [...streams];
}

/**
 * Walks the chosen streams, each read as stored in revision order, and
 * verifies their hash chains.
 */
export async function verifyChains(
  store: EventStore,
  options: Pick<VerifyChainOptions, 'stream' | 'strict'>,
  onFinding: (finding: ChainFinding) => void = () => undefined,
): Promise<Omit<ChainVerificationSummary, 'storage'>> {
  const streams = await selectStreams(store, options.stream);
  const findings: ChainFinding[] = [];
  let events = 0;
  let chained = 0;
  let unchained = 0;
  for (const stream of streams) {
    let stored: StoredEvent[];
    try {
      stored = await store.readStream(stream);
    } catch (error) {
      if (error instanceof StreamNotFoundError) continue; // every row of it deleted since it was listed
      throw error;
    }
    const report = verifyStreamChain(stored, { strict: options.strict });
    events += report.events;
    chained += report.chained;
    unchained += report.unchained;
    for (const finding of report.findings) {
      findings.push(finding);
      onFinding(finding);
    }
  }
  const count = (kind: ChainFindingKind): number => findings.filter((f) => f.kind === kind).length;
  return {
    selection: options.stream ?? 'all streams',
    strict: options.strict,
    streams: streams.length,
    events,
    chained,
    unchained,
    findingCounts: {
      edited: count('edited'),
      deleted: count('deleted'),
      reordered: count('reordered'),
      inserted: count('inserted'),
      ...(options.strict ? { unchained: count('unchained') } : {}),
    },
    findings,
    exitCode: findings.length > 0 ? CHAIN_FINDINGS_EXIT : EXIT.ok,
  };
}

export function formatFinding(finding: ChainFinding): string {
  return (
    `${finding.kind.padEnd(9)}  ${finding.stream}  revision ${finding.revision}  event ${finding.eventId}: ` +
    `${finding.detail}\n`
  );
}

export function formatChainSummary(summary: ChainVerificationSummary): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const counts = Object.entries(summary.findingCounts)
    .map(([kind, value]) => `${n(value)} ${kind}`)
    .join(', ');
  return [
    `verified ${summary.selection} on ${summary.storage.mode} (${summary.storage.location}): ` +
      (summary.findings.length === 0 ? 'every chain is intact' : 'TAMPERING FOUND'),
    `  streams     ${n(summary.streams)}`,
    `  events      ${n(summary.events)}`,
    `  chained     ${n(summary.chained)}`,
    `  unchained   ${n(summary.unchained)}` +
      (summary.unchained > 0 && !summary.strict
        ? ' (appended before the chain existed; --strict makes them findings)'
        : ''),
    `  findings    ${n(summary.findings.length)} (${counts})`,
    '',
  ].join('\n');
}

/**
 * `crm audit verify-chain [--stream <id or prefix*>] [--json] [--strict]`:
 * verifies the hash chain of every stream (or the chosen ones), prints a
 * line per finding and a summary; exit code 1 when anything was found.
 */
export async function verifyChainCommand(options: VerifyChainOptions, config: CrmConfig): Promise<number> {
  if (options.stream !== undefined && options.stream.replace(/\*$/, '') === '' && options.stream !== '*') {
    throw new UsageError('--stream: give a stream id, or a prefix ending in *');
  }
  const storage = describeStorage(config);
  process.stderr.write(`verifying the event hash chains on ${storage.mode} (${storage.location})\n`);
  const context = await openCliContext(config);
  try {
    const store = context.get<EventStore>(EVENT_STORE);
    const result = await verifyChains(
      store,
      { stream: options.stream, strict: options.strict },
      options.json ? undefined : (finding) => process.stdout.write(formatFinding(finding)),
    );
    const summary: ChainVerificationSummary = { storage, ...result };
    process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : formatChainSummary(summary));
    return summary.exitCode;
  } finally {
    await context.close();
  }
}
