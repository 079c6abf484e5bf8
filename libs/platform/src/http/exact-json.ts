import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * A whole number as exact as the answer can carry it: a number while it is
 * safe in JavaScript (|n| ≤ 2^53 − 1), a bigint beyond. Sums over many
 * customers (revenue, summaries) are computed exactly by PostgreSQL and read
 * as text; `exactJsonResponses` writes a bigint as an exact JSON integer.
 */
export type ExactInteger = number | bigint;

export function exactInteger(text: string | number | bigint | null | undefined): ExactInteger {
  const value = BigInt(text ?? 0);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** a − b, exactly. */
export function exactDifference(a: ExactInteger, b: ExactInteger): ExactInteger {
  return exactInteger(BigInt(a) - BigInt(b));
}

/** JSON text of a value whose bigints are written as exact integer literals. */
export function exactJsonStringify(value: unknown, marker = `bigint-${randomBytes(6).toString('hex')}:`): string {
  let found = false;
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'bigint') return item;
    found = true;
    return `${marker}${item.toString()}`;
  });
  if (!found) return text;
  return text.replace(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
}

/**
 * JSON answers may hold bigints (exact sums beyond 2^53): they are written
 * as exact integer literals, which JSON allows (a client that needs them
 * exact parses integers as big integers).
 */
export function exactJsonResponses(): (req: Request, res: Response, next: NextFunction) => void {
  const marker = `bigint-${randomBytes(6).toString('hex')}:`;
  return (_req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body?: unknown) => {
      if (!containsBigInt(body)) return json(body);
      if (!res.get('Content-Type')) res.type('application/json');
      return res.send(exactJsonStringify(body, marker));
    };
    next();
  };
}

function containsBigInt(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'bigint') return true;
    if (Array.isArray(item)) pending.push(...item);
    else if (item !== null && typeof item === 'object' && !(item instanceof Date)) pending.push(...Object.values(item));
  }
  return false;
}
