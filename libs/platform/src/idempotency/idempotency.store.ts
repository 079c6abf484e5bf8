import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { canonicalJson } from '../domain/canonical-json';
import type { CrmConfig } from '../config/crm-config';
import { CRM_CONFIG, DATA_SOURCE } from '../tokens';
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
 * Answers retried commands: the first successful response to a key is kept
 * for CRM_IDEMPOTENCY_RETENTION_HOURS; a retry with the same request gets it
 * back, a different request under the same key is refused. The record is a
 * shortcut, not the guarantee: the event store deduplicates the events
 * themselves (event ids derive from the key) and every event carries the
 * request's digest, so a crash between the append and `remember`, a race of
 * two requests under one key, or an expired record still appends nothing
 * twice and still refuses another request under the key.
 */
@Injectable()
export class IdempotencyStore {
  private readonly retentionMs: number;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CRM_CONFIG) config: Pick<CrmConfig, 'idempotencyRetentionHours'>,
  ) {
    this.retentionMs = config.idempotencyRetentionHours * 3_600_000;
  }

  /** The stored response for this key, or null; throws when the key was used for another request. */
  async recall(key: string, hash: string, now = new Date()): Promise<StoredResponse | null> {
    const record = await this.dataSource.manager.findOneBy(IdempotencyRecordEntity, { key });
    if (!record || record.createdAt.getTime() <= now.getTime() - this.retentionMs) return null;
    if (record.requestHash !== hash) throw new IdempotencyKeyReusedError(key);
    return { status: record.status, body: record.response, etag: record.etag };
  }

  /** Deletes the records older than the retention; returns how many. */
  async purgeExpired(now = new Date()): Promise<number> {
    const rows: unknown = await this.dataSource.query(
      'WITH gone AS (DELETE FROM idempotency_keys WHERE created_at <= $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
      [new Date(now.getTime() - this.retentionMs)],
    );
    return (rows as Array<{ n: number }>)[0]?.n ?? 0;
  }

  /** Keeps the first answer to a key (an expired record of the key is replaced). */
  async remember(key: string, hash: string, response: StoredResponse, now = new Date()): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO idempotency_keys AS k (key, request_hash, status, response, etag, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO UPDATE
         SET request_hash = excluded.request_hash, status = excluded.status, response = excluded.response,
             etag = excluded.etag, created_at = excluded.created_at
         WHERE k.created_at <= $7`,
      [
        key,
        hash,
        response.status,
        JSON.stringify(response.body),
        response.etag,
        now,
        new Date(now.getTime() - this.retentionMs),
      ],
    );
  }
}
