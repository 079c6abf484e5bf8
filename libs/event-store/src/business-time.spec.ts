import { businessTimeOf } from './business-time';

describe('businessTimeOf: the business time the store filters on', () => {
  it('reads metadata.occurredAt written as toISOString writes it', () => {
    expect(businessTimeOf({ occurredAt: '2025-02-01T10:15:00.250Z' })).toEqual(
      new Date(Date.UTC(2025, 1, 1, 10, 15, 0, 250)),
    );
    expect(businessTimeOf({ occurredAt: '0001-01-01T00:00:00.000Z' })?.toISOString()).toBe('0001-01-01T00:00:00.000Z');
  });

  it.each([
    ['missing', {}],
    ['not text', { occurredAt: 20250201 }],
    ['null', { occurredAt: null }],
    ['without milliseconds', { occurredAt: '2025-02-01T10:15:00Z' }],
    ['with an offset', { occurredAt: '2025-02-01T10:15:00.000+01:00' }],
    ['a day only', { occurredAt: '2025-02-01' }],
    ['no such day', { occurredAt: '2025-02-30T00:00:00.000Z' }],
    ['hour 24', { occurredAt: '2025-01-31T24:00:00.000Z' }],
    ['year 0000', { occurredAt: '0000-01-01T00:00:00.000Z' }],
    ['no such month', { occurredAt: '2025-13-01T00:00:00.000Z' }],
  ])('gives null when occurredAt is %s', (_, metadata) => {
    expect(businessTimeOf(metadata)).toBeNull();
  });
});
