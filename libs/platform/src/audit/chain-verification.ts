import { chainLinkOf, eventHash, GENESIS_HASH, type ChainableEvent, type ChainLink } from './event-chain';

/**
 * What `verifyStreamChain` can find in a stream:
 * - `edited`: an event's content (id, type, data, metadata) no longer
 *   matches its stored hash, while it still sits in the chain;
 * - `deleted`: events are missing: a revision gap, or an event chained to a
 *   predecessor that is no longer in the stream;
 * - `reordered`: events are not in the order they were sealed in (revisions
 *   swapped, or a previous hash pointing to a later event);
 * - `inserted`: an event nobody chains to while the next event chains past
 *   it, or a chained event that neither verifies nor links to its predecessor;
 * - `unchained`: an event appended before the chain existed (only reported
 *   as a finding in strict mode; always counted).
 */
export type ChainFindingKind = 'edited' | 'deleted' | 'reordered' | 'inserted' | 'unchained';

export interface ChainFinding {
  readonly kind: ChainFindingKind;
  readonly stream: string;
  /**
   * The revision the finding is about, as stored. For `deleted`, the first
   * missing revision (the one after the last event before the gap).
   */
  readonly revision: number;
  /** The event the finding is about; for `deleted`, the event that follows the gap. */
  readonly eventId: string;
  readonly detail: string;
}

export interface StreamChainReport {
  readonly stream: string;
  readonly events: number;
  /** Events carrying chain fields. */
  readonly chained: number;
  /** Events appended before the chain existed (no chain fields). */
  readonly unchained: number;
  readonly findings: ChainFinding[];
}

export interface ChainVerificationOptions {
  /** Report every unchained event as a finding. */
  readonly strict?: boolean;
  /**
   * How far (in revisions) from its stored revision an event whose
   * predecessor is gone is searched for the revision it was sealed at
   * (default 64). Beyond it, a moved event reads as edited.
   */
  readonly searchWindow?: number;
}

interface Node {
  readonly event: ChainableEvent;
  readonly index: number;
  /** The stored chain fields, null for an unchained event. */
  readonly link: ChainLink | null;
  /** The hash the next event chains to: the stored one, or recomputed for an unchained event. */
  linkHash: string;
  /** The revision the stored hash verifies at, null when it verifies at none. */
  sealedRevision: number | null;
  /** Index of the event this one chains to; -1 for the genesis, null when none has that hash. */
  predecessor: number | null;
}

const named = (node: Node): string => `event ${node.event.id} (revision ${node.event.revision})`;

/**
 * Checks one stream's hash chain. `events` are the stream's events as
 * stored, in revision order; the result names every edited, deleted,
 * reordered and inserted event.
 */
export function verifyStreamChain(
  events: readonly ChainableEvent[],
  options: ChainVerificationOptions = {},
): StreamChainReport {
  const stream = events[0]?.stream ?? '';
  const window = options.searchWindow ?? 64;
  const found: Array<{ readonly index: number; readonly finding: ChainFinding }> = [];
  const flagged = new Set<string>();
  const add = (kind: ChainFindingKind, node: Node, detail: string, revision = node.event.revision): void => {
    const key = `${kind}:${node.index}`;
    if (flagged.has(key)) return;
    flagged.add(key);
    found.push({
      index: node.index,
      finding: { kind, stream: node.event.stream, revision, eventId: node.event.id, detail },
    });
  };
  const isFlagged = (index: number): boolean =>
    ['edited', 'deleted', 'reordered', 'inserted'].some((kind) => flagged.has(`${kind}:${index}`));

  // Stored hashes, for finding a predecessor (and candidate revisions) by hash.
  const byStoredHash = new Map<string, number[]>();
  const nodes: Node[] = events.map((event, index) => {
    const link = chainLinkOf(event.metadata);
    if (link) byStoredHash.set(link.hash, [...(byStoredHash.get(link.hash) ?? []), index]);
    return { event, index, link, linkHash: '', sealedRevision: null, predecessor: null };
  });

  // 1. Each event's seal: the revision its stored hash verifies at.
  let firstChained = -1;
  for (const node of nodes) {
    const { event, link } = node;
    if (!link) {
      node.linkHash = eventHash(event, event.revision, node.index > 0 ? nodes[node.index - 1]!.linkHash : GENESIS_HASH);
      node.sealedRevision = event.revision;
      continue;
    }
    if (firstChained < 0) firstChained = node.index;
    node.linkHash = link.hash;
    node.sealedRevision = sealedRevisionOf(node, nodes, byStoredHash, window);
  }

  // 2. Each chained event's predecessor: the event whose hash its `previous` names.
  const byLinkHash = new Map<string, number[]>();
  for (const node of nodes) byLinkHash.set(node.linkHash, [...(byLinkHash.get(node.linkHash) ?? []), node.index]);
  const linkedBy = nodes.map(() => false);
  for (const node of nodes) {
    if (!node.link) {
      node.predecessor = node.index - 1;
    } else if (node.link.previous === GENESIS_HASH) {
      node.predecessor = -1;
    } else {
      node.predecessor = pickPredecessor(byLinkHash.get(node.link.previous) ?? [], node.index, nodes) ?? null;
    }
    // Only an event that verifies is evidence that its predecessor belongs where it is.
    if (node.predecessor !== null && node.predecessor >= 0 && node.sealedRevision !== null) {
      linkedBy[node.predecessor] = true;
    }
  }

  // 3. Order. The events that verify, in stored order, should have increasing
  // sealed revisions. The ones that stay in place are those of a longest
  // increasing run of sealed revisions; an event outside some such run was
  // moved (a swap names both events, a single moved event only itself).
  // Events outside the chain (nothing chains to them, a later event chains past them) are insertions (step 6), not
  // part of the order.
  const outsideChain = nodes.map(() => false);
  for (const node of nodes) {
    if (!node.link || node.sealedRevision === null || node.predecessor === null) continue;
    for (let skipped = node.predecessor + 1; skipped < node.index; skipped++) {
      if (!linkedBy[skipped]) outsideChain[skipped] = true;
    }
  }
  const ordered = nodes.filter(
    (node) => node.link !== null && node.sealedRevision !== null && !outsideChain[node.index],
  );
  const moved = eventsOutOfEveryLongestRun(ordered.map((node) => node.sealedRevision!));
  let highestSoFar = -1;
  ordered.forEach((node, position) => {
    const later = highestSoFar > node.sealedRevision!;
    highestSoFar = Math.max(highestSoFar, node.sealedRevision!);
    if (!moved[position]) return;
    add(
      'reordered',
      node,
      `${named(node)} was sealed at revision ${node.sealedRevision}: ` +
        (later ? 'events sealed after it are stored before it' : 'events sealed before it are stored after it'),
    );
  });
  for (const node of nodes) {
    const previousNode = nodes[node.index - 1];
    if (previousNode && node.event.revision <= previousNode.event.revision) {
      add('reordered', node, `${named(node)} comes after revision ${previousNode.event.revision}`);
    }
  }

  // 4. Gaps: a revision missing, or a predecessor no longer in the stream.
  // "Before" is the event of the next lower stored revision (the previous one in a stream read in order).
  const byRevision = [...nodes].sort((a, b) => a.event.revision - b.event.revision || a.index - b.index);
  const lower = new Map<number, Node>();
  byRevision.forEach((node, position) => {
    if (position > 0) lower.set(node.index, byRevision[position - 1]!);
  });
  for (const node of nodes) {
    const before = lower.get(node.index);
    const expectedRevision = before ? before.event.revision + 1 : 0;
    const storedGap = node.event.revision > expectedRevision;
    const lostPredecessor = node.link !== null && node.predecessor === null;
    if (!storedGap && !lostPredecessor) continue;
    if (lostPredecessor && !storedGap && before && !before.link && node.sealedRevision !== null) {
      add(
        'edited',
        before,
        `the events up to revision ${before.event.revision}, appended before the chain, no longer hash to the value ` +
          `${named(node)} was chained to (one of them was edited, deleted or reordered)`,
      );
      continue;
    }
    if (lostPredecessor && !storedGap && node.sealedRevision === null) continue; // neither verifies nor links: step 5
    const missingFrom = before
      ? (before.link ? (before.sealedRevision ?? before.event.revision) : before.event.revision) + 1
      : 0;
    const missingTo = storedGap ? node.event.revision - 1 : (node.sealedRevision ?? node.event.revision) - 1;
    const count = Math.max(1, missingTo - missingFrom + 1);
    add(
      'deleted',
      node,
      `${count === 1 ? `the event of revision ${missingFrom} is` : `${count} events from revision ${missingFrom} are`} missing: ` +
        (lostPredecessor
          ? `${named(node)} is chained to a predecessor that is no longer in the stream`
          : `${named(node)} follows revision ${expectedRevision - 1}`),
      missingFrom,
    );
  }

  // 5. Events that do not verify: edited in place, or forged and inserted.
  // The next chained event that verifies, after each event.
  const nextVerified: Array<Node | undefined> = new Array<Node | undefined>(nodes.length);
  for (let i = nodes.length - 1, next: Node | undefined; i >= 0; i--) {
    nextVerified[i] = next;
    if (nodes[i]!.link !== null && nodes[i]!.sealedRevision !== null) next = nodes[i];
  }
  for (const node of nodes) {
    const next = nextVerified[node.index];
    const skippedByNext = next !== undefined && next.predecessor !== null && next.predecessor < node.index;
    if (node.link && node.sealedRevision === null) {
      const inPlace = node.predecessor === node.index - 1 || linkedBy[node.index];
      if (inPlace && !(skippedByNext && !linkedBy[node.index])) {
        add('edited', node, `${named(node)} no longer matches its hash: its content was changed`);
      } else {
        add('inserted', node, `${named(node)} matches no hash and is not part of the chain`);
      }
    } else if (!node.link && firstChained >= 0 && node.index > firstChained) {
      if (skippedByNext && !linkedBy[node.index]) {
        add('inserted', node, `${named(node)} carries no chain and the next event is chained past it`);
      } else {
        add('edited', node, `${named(node)} carries no chain although earlier events of the stream do`);
      }
    }
  }

  // 6. Events the next event chains past, that nothing chains to: inserted.
  for (const node of nodes) {
    if (!node.link || node.sealedRevision === null || node.predecessor === null) continue;
    for (let skipped = node.predecessor + 1; skipped < node.index; skipped++) {
      if (linkedBy[skipped] || isFlagged(skipped)) continue;
      add(
        'inserted',
        nodes[skipped]!,
        `${named(nodes[skipped]!)} is not part of the chain: ${named(node)} is chained past it`,
      );
    }
  }

  if (options.strict) {
    for (const node of nodes) {
      if (!node.link && !isFlagged(node.index)) {
        add('unchained', node, `${named(node)} was appended before the chain existed and carries no hash`);
      }
    }
  }

  const findings = found
    .sort((a, b) => a.index - b.index || a.finding.revision - b.finding.revision)
    .map((entry) => entry.finding);
  const chained = nodes.filter((node) => node.link !== null).length;
  return { stream, events: nodes.length, chained, unchained: nodes.length - chained, findings };
}

/**
 * The revision a chained event's stored hash verifies at: its stored
 * revision; else one after its predecessor's; else the nearest within the
 * window. Null when its content no longer matches the hash at all.
 */
function sealedRevisionOf(
  node: Node,
  nodes: readonly Node[],
  byStoredHash: ReadonlyMap<string, readonly number[]>,
  window: number,
): number | null {
  const { event, link } = node;
  if (!link) return event.revision;
  const verifies = (revision: number): boolean => eventHash(event, revision, link.previous) === link.hash;
  if (verifies(event.revision)) return event.revision;
  const candidates: number[] = [];
  if (link.previous === GENESIS_HASH) candidates.push(0);
  for (const index of byStoredHash.get(link.previous) ?? []) {
    const predecessor = nodes[index]!;
    candidates.push(
      (index < node.index ? (predecessor.sealedRevision ?? predecessor.event.revision) : predecessor.event.revision) +
        1,
    );
  }
  for (let offset = 1; offset <= window; offset++) candidates.push(event.revision - offset, event.revision + offset);
  for (const revision of candidates) {
    if (revision >= 0 && revision !== event.revision && verifies(revision)) return revision;
  }
  return null;
}

/**
 * Of the events bearing the hash an event names as its previous, the one it
 * chains to: preferably one that verifies (a forged copy bears the same
 * hash as its original), the nearest before it.
 */
function pickPredecessor(candidates: readonly number[], index: number, nodes: readonly Node[]): number | undefined {
  const verified = candidates.filter((c) => c !== index && nodes[c]!.sealedRevision !== null);
  const pool = verified.length > 0 ? verified : candidates.filter((c) => c !== index);
  const before = pool.filter((c) => c < index);
  if (before.length > 0) return Math.max(...before);
  return pool.length > 0 ? Math.min(...pool) : undefined;
}

/**
 * For a sequence, whether each element lies outside at least one of its
 * longest strictly increasing subsequences (O(n log n)).
 */
function eventsOutOfEveryLongestRun(values: readonly number[]): boolean[] {
  const endingAt = longestRunsEndingAt(values);
  const startingAt = longestRunsEndingAt([...values].reverse().map((v) => -v)).reverse();
  const longest = Math.max(0, ...endingAt);
  const onSomeRun = values.map((_, i) => endingAt[i]! + startingAt[i]! - 1 === longest);
  // An element is on every longest run when no other element on a run takes its place (same length ending there).
  const perLength = new Map<number, number>();
  values.forEach((_, i) => {
    if (onSomeRun[i]) perLength.set(endingAt[i]!, (perLength.get(endingAt[i]!) ?? 0) + 1);
  });
  return values.map((_, i) => !onSomeRun[i] || perLength.get(endingAt[i]!)! > 1);
}

/** For each element, the length of the longest strictly increasing subsequence ending at it. */
function longestRunsEndingAt(values: readonly number[]): number[] {
  const tails: number[] = [];
  return values.map((value) => {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (tails[middle]! < value) low = middle + 1;
      else high = middle;
    }
    tails[low] = value;
    return low + 1;
  });
}
