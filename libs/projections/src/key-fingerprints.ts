/**
 * A set of strings that answers "certainly absent" or "maybe present": it
 * keeps a 64-bit fingerprint of each key (two 32-bit hashes) instead of the
 * key, in typed arrays, so a million keys take about 16 MB. Two keys with the
 * same fingerprint make the second look present: callers treat "maybe" as
 * "look it up", never as "present".
 */
export class KeyFingerprints {
  private low: Uint32Array;
  private high: Uint32Array;
  private count = 0;

  constructor(initialSlots = 1024) {
    let slots = 16;
    while (slots < initialSlots) slots *= 2;
    this.low = new Uint32Array(slots);
    this.high = new Uint32Array(slots);
  }

  get size(): number {
    return this.count;
  }

  /** False when the key was certainly never added. */
  mayHave(key: string): boolean {
    const low = lowHash(key);
    const high = highHash(key, low);
    const mask = this.low.length - 1;
    for (let slot = low & mask; ; slot = (slot + 1) & mask) {
      const l = this.low[slot]!;
      const h = this.high[slot]!;
      if (l === 0 && h === 0) return false;
      if (l === low && h === high) return true;
    }
  }

  add(key: string): void {
    const low = lowHash(key);
    if (this.insert(low, highHash(key, low))) {
      this.count++;
      // Linear probing stays short below half full.
      if (this.count * 2 > this.low.length) this.grow();
    }
  }

  private insert(low: number, high: number): boolean {
    const mask = this.low.length - 1;
    for (let slot = low & mask; ; slot = (slot + 1) & mask) {
      const l = this.low[slot]!;
      const h = this.high[slot]!;
      if (l === low && h === high) return false;
      if (l === 0 && h === 0) {
        this.low[slot] = low;
        this.high[slot] = high;
        return true;
      }
    }
  }

  private grow(): void {
    const low = this.low;
    const high = this.high;
    this.low = new Uint32Array(low.length * 2);
    this.high = new Uint32Array(high.length * 2);
    for (let slot = 0; slot < low.length; slot++) {
      if (low[slot] !== 0 || high[slot] !== 0) this.insert(low[slot]!, high[slot]!);
    }
  }
}

/** Spreads the bits of a 32-bit hash (the finaliser of a well-known 32-bit hash family). */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units, mixed; never 0 (0 and 0 mark an empty slot). */
function lowHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return mix(h) || 1;
}

/** A second hash of the key, of other multipliers and seeded by the first. */
function highHash(key: string, seed: number): number {
  let h = seed ^ key.length;
  for (let i = 0; i < key.length; i++) h = Math.imul(h + key.charCodeAt(i), 0x9e3779b1) ^ (h >>> 15);
  return mix(h);
}
