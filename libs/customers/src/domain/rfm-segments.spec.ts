import { fmScore, RFM_SEGMENTS, rfmSegment, rfmSegmentOf } from './rfm-segments';

describe('the named RFM map', () => {
  it('labels the R × FM grid as documented', () => {
    const grid = [5, 4, 3, 2, 1].map((r) => [1, 2, 3, 4, 5].map((fm) => rfmSegment(r, fm)));
    expect(grid).toEqual([
      ['New', 'Potential loyalist', 'Potential loyalist', 'Champions', 'Champions'],
      ['Promising', 'Potential loyalist', 'Potential loyalist', 'Loyal', 'Loyal'],
      ['About to sleep', 'About to sleep', 'Need attention', 'Loyal', 'Loyal'],
      ['Hibernating', 'Hibernating', 'At risk', 'At risk', "Can't lose them"],
      ['Lost', 'Hibernating', 'At risk', 'At risk', "Can't lose them"],
    ]);
  });

  it('uses every named segment', () => {
    const used = new Set([1, 2, 3, 4, 5].flatMap((r) => [1, 2, 3, 4, 5].map((fm) => rfmSegment(r, fm))));
    expect([...used].sort()).toEqual([...RFM_SEGMENTS].sort());
  });

  it('combines F and M by their mean, rounded half up', () => {
    expect(fmScore(4, 5)).toBe(5);
    expect(fmScore(1, 2)).toBe(2);
    expect(fmScore(3, 3)).toBe(3);
    expect(fmScore(1, 1)).toBe(1);
    expect(rfmSegmentOf(5, 5, 4)).toBe('Champions');
    expect(rfmSegmentOf(1, 1, 1)).toBe('Lost');
    expect(rfmSegmentOf(1, 5, 4)).toBe("Can't lose them");
  });

  it('refuses scores outside 1–5', () => {
    expect(() => rfmSegment(0, 3)).toThrow(RangeError);
    expect(() => rfmSegment(3, 6)).toThrow(RangeError);
    expect(() => fmScore(2.5, 3)).toThrow(RangeError);
  });
});
