import { summarisePurchases } from './purchase-summary';

/** 1997-01-01 as a UTC day number; the CDNOW calibration ends on 1997-09-30, day 10134. */
const JAN_1_1997 = 9862;
const SEP_30_1997 = JAN_1_1997 + 272;

describe('summarisePurchases', () => {
  it('given the calendar when the constants are checked then they are the CDNOW days', () => {
    expect(JAN_1_1997 * 86_400_000).toBe(Date.UTC(1997, 0, 1));
    expect(SEP_30_1997 * 86_400_000).toBe(Date.UTC(1997, 8, 30));
  });

  it('given purchases on three days when summarised then x, t_x, T are counted in weeks from the first day', () => {
    const summary = summarisePurchases(
      [
        { day: 100, spend: 10 },
        { day: 114, spend: 30 },
        { day: 128, spend: 50 },
      ],
      135,
    );
    expect(summary).toEqual({ x: 2, tx: 4, T: 5, zbar: 40 });
  });

  it('given several purchases on one day when summarised then that day counts once, with their spends added', () => {
    const summary = summarisePurchases(
      [
        { day: 100, spend: 10 },
        { day: 100, spend: 5 },
        { day: 107, spend: 20 },
        { day: 107, spend: 12 },
      ],
      114,
    );
    expect(summary).toEqual({ x: 1, tx: 1, T: 2, zbar: 32 });
  });

  it('given a purchase on the calibration end day when summarised then it counts (the end is inclusive)', () => {
    expect(
      summarisePurchases(
        [
          { day: 100, spend: 10 },
          { day: 121, spend: 6 },
        ],
        121,
      ),
    ).toEqual({
      x: 1,
      tx: 3,
      T: 3,
      zbar: 6,
    });
  });

  it('given purchases after the calibration end when summarised then they are left out', () => {
    expect(
      summarisePurchases(
        [
          { day: 100, spend: 10 },
          { day: 122, spend: 6 },
        ],
        121,
      ),
    ).toEqual({
      x: 0,
      tx: 0,
      T: 3,
      zbar: null,
    });
  });

  it('given a first purchase after the calibration end when summarised then the customer has no summary', () => {
    expect(summarisePurchases([{ day: 122, spend: 10 }], 121)).toBeNull();
    expect(summarisePurchases([], 121)).toBeNull();
  });

  it('given a single purchase on the calibration end day when summarised then T is 0 and zbar is null', () => {
    expect(summarisePurchases([{ day: 121, spend: 10 }], 121)).toEqual({ x: 0, tx: 0, T: 0, zbar: null });
  });

  it('given a CDNOW-like customer when summarised then weeks are days / 7, unrounded', () => {
    const summary = summarisePurchases(
      [
        { day: JAN_1_1997 + 1, spend: 29.33 },
        { day: JAN_1_1997 + 10, spend: 29.73 },
      ],
      SEP_30_1997,
    );
    expect(summary?.x).toBe(1);
    expect(summary?.tx).toBeCloseTo(9 / 7, 14);
    expect(summary?.T).toBeCloseTo(271 / 7, 14);
    expect(summary?.zbar).toBeCloseTo(29.73, 12);
  });

  it('given days out of order or not whole when summarised then it throws RangeError', () => {
    expect(() =>
      summarisePurchases(
        [
          { day: 110, spend: 1 },
          { day: 100, spend: 1 },
        ],
        200,
      ),
    ).toThrow(RangeError);
    expect(() =>
      summarisePurchases(
        [
          { day: 210, spend: 1 },
          { day: 205, spend: 1 },
        ],
        200,
      ),
    ).toThrow(RangeError);
    expect(() => summarisePurchases([{ day: 100.5, spend: 1 }], 200)).toThrow(RangeError);
    expect(() => summarisePurchases([{ day: 100, spend: Number.NaN }], 200)).toThrow(RangeError);
    expect(() => summarisePurchases([{ day: 100, spend: 1 }], 200.5)).toThrow(RangeError);
  });
});
