/**
 * The named RFM map (domain.md, "Telling customers apart"). R, F and M are
 * quintile scores 1–5 (5 = most recent, most frequent, biggest spender). FM
 * is the mean of F and M rounded half up (F 4, M 5 → FM 5), and the name
 * comes from the R × FM grid:
 *
 * | R \ FM | 1              | 2                  | 3                  | 4        | 5               |
 * |--------|----------------|--------------------|--------------------|----------|-----------------|
 * | 5      | New            | Potential loyalist | Potential loyalist | Champions| Champions       |
 * | 4      | Promising      | Potential loyalist | Potential loyalist | Loyal    | Loyal           |
 * | 3      | About to sleep | About to sleep     | Need attention     | Loyal    | Loyal           |
 * | 2      | Hibernating    | Hibernating        | At risk            | At risk  | Can't lose them |
 * | 1      | Lost           | Hibernating        | At risk            | At risk  | Can't lose them |
 */
export const RFM_SEGMENTS = [
  'Champions',
  'Loyal',
  'Potential loyalist',
  'New',
  'Promising',
  'Need attention',
  'About to sleep',
  'At risk',
  "Can't lose them",
  'Hibernating',
  'Lost',
] as const;

export type RfmSegment = (typeof RFM_SEGMENTS)[number];

function checkScore(name: string, score: number): void {
  if (!Number.isInteger(score) || score < 1 || score > 5) {
    throw new RangeError(`${name} must be a whole score from 1 to 5, got ${score}`);
  }
}

/** FM: the mean of F and M, rounded half up. */
export function fmScore(f: number, m: number): number {
  checkScore('f', f);
  checkScore('m', m);
  return Math.floor((f + m + 1) / 2);
}

/** The segment of recency score `r` and the combined frequency-monetary score `fm` (both 1–5). */
export function rfmSegment(r: number, fm: number): RfmSegment {
  checkScore('r', r);
  checkScore('fm', fm);
  if (r <= 2) {
    if (fm === 5) return "Can't lose them";
    if (fm >= 3) return 'At risk';
    return r === 1 && fm === 1 ? 'Lost' : 'Hibernating';
  }
  if (r === 3) {
    if (fm >= 4) return 'Loyal';
    return fm === 3 ? 'Need attention' : 'About to sleep';
  }
  if (fm >= 4) return r === 5 ? 'Champions' : 'Loyal';
  if (fm >= 2) return 'Potential loyalist';
  return r === 5 ? 'New' : 'Promising';
}

/** The segment of the scores R, F and M. */
export function rfmSegmentOf(r: number, f: number, m: number): RfmSegment {
  return rfmSegment(r, fmScore(f, m));
}
