import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiRole, ConfiguredApiKey } from '../config/crm-config';

/** Who sent a request: the role of its key, and an actor id for event metadata. */
export interface Principal {
  readonly role: ApiRole;
  /** `<role>-key:<first 12 hex digits of the key's SHA-256>`: names the key without revealing it. */
  readonly actor: string;
}

export interface StoredApiKey {
  readonly role: ApiRole;
  /** SHA-256 of the key (32 bytes). */
  readonly digest: Buffer;
}

export function sha256(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The actor id of a key: its role and the first 12 hex digits of its digest. */
export function actorOf(role: ApiRole, digest: Buffer): string {
  return `${role}-key:${digest.toString('hex').slice(0, 12)}`;
}

/** Whether a principal with role `held` may use a route that requires one of `required`. */
export function roleSatisfies(held: ApiRole, required: readonly ApiRole[]): boolean {
  return held === 'admin' || required.includes(held);
}

/**
 * The API keys, held only as SHA-256 digests with their roles. A presented
 * key is hashed and compared with every stored digest in constant time,
 * without stopping at a match, so timing tells nothing about which key (if
 * any) matched.
 */
export class ApiKeyRegistry {
  private readonly keys: readonly StoredApiKey[];

  constructor(keys: readonly StoredApiKey[]) {
    for (const key of keys) {
      if (key.digest.length !== 32) throw new Error('an API key digest must be a 32-byte SHA-256');
    }
    this.keys = keys.map((k) => ({ role: k.role, digest: Buffer.from(k.digest) }));
  }

  static fromKeys(keys: readonly ConfiguredApiKey[]): ApiKeyRegistry {
    return new ApiKeyRegistry(keys.map((k) => ({ role: k.role, digest: sha256(k.key) })));
  }

  get size(): number {
    return this.keys.length;
  }

  authenticate(presentedKey: string): Principal | undefined {
    const presented = sha256(presentedKey);
    let match: StoredApiKey | undefined;
    for (const key of this.keys) {
      const equal = timingSafeEqual(key.digest, presented);
      if (equal && match === undefined) match = key;
    }
    return match && { role: match.role, actor: actorOf(match.role, match.digest) };
  }
}
