import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { canonicalJson } from '../domain/canonical-json';
import { DATA_SOURCE } from '../tokens';
import { IdempotencyRecordEntity } from './idempotency-record.entity';

export interface StoredResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly etag: string | null;
}

/** The same idempotency key was sent with a different request. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(readonly key: string) {
    super('this Idempotency-Key was already used for a different request');
    this.name = 'IdempotencyKeyReusedError';
  }
}

export function requestHash(method: string, route: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${route}\n${canonicalJson(body)}`)
    .digest('hex');
}

/**
 * Answers retried commands: the first successful response to a key is kept;
 * a retry with the same request gets it back, a different request under the
 * same key is refused. The event store deduplicates the events themselves
 * (event ids derive from the key), so a crash between the append and
 * `remember` still appends nothing twice.
 */
@Injectable()
export class IdempotencyStore {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** The stored response for this key, or null; throws when the key was used for another request. */
  async recall(key: string, hash: string): Promise<StoredResponse | null> {
    const record = await this.dataSource.manager.findOneBy(IdempotencyRecordEntity, { key });
    if (!record) return null;
    if (record.requestHash !== hash) throw new IdempotencyKeyReusedError(key);
    return { status: record.status, body: record.response, etag: record.etag };
  }

  async remember(key: string, hash: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO idempotency_keys (key, request_hash, status, response, etag, created_at)
       VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (key) DO NOTHING`,
      [key, hash, response.status, JSON.stringify(response.body), response.etag],
    );
  }
}
