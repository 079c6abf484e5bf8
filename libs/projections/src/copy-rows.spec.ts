import { isoInstant } from './copy-rows';

describe('isoInstant', () => {
  it('writes what toISOString writes, across leap years, centuries and both sides of 1970', () => {
    const edges = [
      0,
      -1,
      1,
      86_399_999,
      -86_400_000,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(1900, 1, 28, 12),
      Date.UTC(1900, 2, 1),
      Date.UTC(2100, 1, 28, 23, 59, 59, 999),
      Date.UTC(2024, 11, 31, 23, 59, 59, 999),
      Date.UTC(1, 0, 1) - 1,
      Date.UTC(1, 0, 1),
      -62_135_596_800_000,
      Date.UTC(999, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      253_402_300_800_000,
      8.64e15,
      -8.64e15,
    ];
    let seed = 12345;
    const random = (): number => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 2 ** 32;
    };
    const samples = Array.from({ length: 200_000 }, (_, i) =>
      Math.floor((random() - 0.5) * (i % 2 === 0 ? 2 * 253_402_300_800_000 : 4e12)),
    );
    const differing = [...edges, ...samples].filter((time) => isoInstant(time) !== new Date(time).toISOString());
    expect(differing.map((time) => [time, isoInstant(time), new Date(time).toISOString()])).toEqual([]);
  });
});
