/** Helpers shared by adapters whose checkpoints are pairs of unsigned integers "a:b". */

export interface IntegerPairCheckpoint {
  readonly major: bigint;
  readonly minor: bigint;
}

const PAIR = /^(\d{1,20}):(\d{1,20})$/;

const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Parses "a:b" with both parts unsigned 64-bit integers; `maxMinor` narrows
 * the second (a PostgreSQL position is a signed bigint).
 */
export function parsePairCheckpoint(
  checkpoint: string,
  what = 'checkpoint',
  maxMinor: bigint = UINT64_MAX,
): IntegerPairCheckpoint {
  const match = PAIR.exec(checkpoint);
  if (!match) throw new TypeError(`invalid ${what}: ${JSON.stringify(checkpoint)}`);
  const major = BigInt(match[1]!);
  const minor = BigInt(match[2]!);
  if (major > UINT64_MAX || minor > maxMinor) throw new TypeError(`invalid ${what}: ${JSON.stringify(checkpoint)} is out of range`);
  return { major, minor };
}

export function formatPairCheckpoint(major: bigint | string | number, minor: bigint | string | number): string {
  return `${BigInt(major).toString()}:${BigInt(minor).toString()}`;
}

export function comparePairCheckpoints(a: string, b: string): number {
  const x = parsePairCheckpoint(a);
  const y = parsePairCheckpoint(b);
  if (x.major !== y.major) return x.major < y.major ? -1 : 1;
  if (x.minor !== y.minor) return x.minor < y.minor ? -1 : 1;
  return 0;
}
