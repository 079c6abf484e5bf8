import { KeyFingerprints } from './key-fingerprints';

describe('KeyFingerprints', () => {
  it('has every key added, through growth, and counts each once', () => {
    const set = new KeyFingerprints(16);
    const keys = Array.from({ length: 50_000 }, (_, i) => `customer-${i}|order-${i % 97}`);
    for (const key of keys) set.add(key);
    for (const key of keys.slice(0, 1_000)) set.add(key);
    expect(set.size).toBe(keys.length);
    expect(keys.every((key) => set.mayHave(key))).toBe(true);
  });

  it('answers absent for keys never added, the empty key included', () => {
    const set = new KeyFingerprints();
    for (let i = 0; i < 50_000; i++) set.add(`e-${i}`);
    const absent = Array.from({ length: 50_000 }, (_, i) => `e-${i + 50_000}`);
    // 64-bit fingerprints: a false "maybe" among 50,000 lookups would be a hash defect.
    expect(absent.filter((key) => set.mayHave(key))).toEqual([]);
    expect(set.mayHave('')).toBe(false);
    set.add('');
    expect(set.mayHave('')).toBe(true);
  });
});
