import type { StoredEvent } from '@crm/event-store';
import { COMPLAINT_SLA_RULES_VERSION, DEFAULT_COMPLAINT_SLA_RULES } from '../../domain/complaint-sla';
import type { ComplaintSeverity } from '../../domain/customer.events';
import type { ComplaintRow } from './complaint.entity';
import { complaintsProjection, evolveComplaint, useComplaintSlaRules } from './complaints.projection';

const RECORDED = new Date('2026-03-20T00:00:00.000Z');
const FILED_AT = '2026-03-01T08:00:00.000Z';

/** Business time `minutes` after the filing. */
function after(minutes: number): string {
  return new Date(Date.parse(FILED_AT) + minutes * 60_000).toISOString();
}

let revision = 0;

function stored(type: string, data: Record<string, unknown>, stream = 'customer-c-1'): StoredEvent {
  const r = revision++;
  return {
    id: `00000000-0000-4000-8000-${String(r).padStart(12, '0')}`,
    type,
    data: data as StoredEvent['data'],
    metadata: { actor: 'test', occurredAt: String(data.occurredAt), schemaVersion: 1 },
    stream,
    revision: r,
    checkpoint: `200:${r + 1}`,
    recordedAt: RECORDED,
  };
}

const filed = (severity: ComplaintSeverity = 'critical', complaintId = 'cmp-1') =>
  stored('ComplaintFiled', {
    complaintId,
    category: 'delivery',
    severity,
    channel: 'phone',
    description: 'The parcel arrived broken.',
    occurredAt: FILED_AT,
  });
const assessed = (minutes: number, verdict: 'valid' | 'rejected' = 'valid') =>
  stored('ComplaintAssessed', {
    complaintId: 'cmp-1',
    verdict,
    reason: 'checked',
    keyPoints: null,
    occurredAt: after(minutes),
  });
const proposed = (minutes: number) =>
  stored('ComplaintResolutionProposed', { complaintId: 'cmp-1', proposal: 'replace', occurredAt: after(minutes) });
const resolved = (minutes: number) =>
  stored('ComplaintResolved', { complaintId: 'cmp-1', resolution: 'replaced', occurredAt: after(minutes) });
const followedUp = (minutes: number, satisfaction = 4) =>
  stored('ComplaintFollowedUp', { complaintId: 'cmp-1', satisfaction, note: null, occurredAt: after(minutes) });
const closed = (minutes: number) =>
  stored('ComplaintClosed', { complaintId: 'cmp-1', note: null, occurredAt: after(minutes) });
const reopened = (minutes: number) =>
  stored('ComplaintReopened', { complaintId: 'cmp-1', reason: 'broke again', occurredAt: after(minutes) });

function fold(events: StoredEvent[]): ComplaintRow | null {
  return events.reduce<ComplaintRow | null>((row, event) => evolveComplaint(row, event), null);
}

const HOUR = 60;

describe('complaints projection', () => {
  beforeEach(() => {
    revision = 0;
  });

  it('given a filing, then the row holds the complaint, its SLA targets and no measured steps', () => {
    expect(fold([filed('critical')])).toEqual({
      key: 'c-1/cmp-1',
      customerId: 'c-1',
      complaintId: 'cmp-1',
      state: 'filed',
      category: 'delivery',
      severity: 'critical',
      channel: 'phone',
      filedAt: new Date(FILED_AT),
      assessedAt: null,
      verdict: null,
      resolvedAt: null,
      followedUpAt: null,
      closedAt: null,
      reopenedCount: 0,
      lastReopenedAt: null,
      satisfaction: null,
      minutesToAssess: null,
      minutesToResolve: null,
      assessTargetMinutes: 4 * HOUR,
      resolveTargetMinutes: 24 * HOUR,
      slaRulesVersion: COMPLAINT_SLA_RULES_VERSION,
      assessBreached: false,
      resolveBreached: false,
      revision: 0,
      lastCheckpoint: '200:1',
    });
  });

  it('given the full path within targets, then every step is timed and nothing is breached', () => {
    const events = [filed('high'), assessed(90), proposed(120), resolved(600), followedUp(2000, 5), closed(2100)];
    expect(fold(events)).toEqual({
      ...fold(events.slice(0, 1)),
      state: 'closed',
      assessedAt: new Date(after(90)),
      verdict: 'valid',
      resolvedAt: new Date(after(600)),
      followedUpAt: new Date(after(2000)),
      closedAt: new Date(after(2100)),
      satisfaction: 5,
      minutesToAssess: 90,
      minutesToResolve: 600,
      assessTargetMinutes: 24 * HOUR,
      resolveTargetMinutes: 72 * HOUR,
      revision: 5,
      lastCheckpoint: '200:6',
    });
  });

  it.each([
    ['critical', 4, 24],
    ['high', 24, 72],
    ['medium', 48, 120],
    ['low', 72, 240],
  ] as const)('given a %s complaint, then its targets are %i h to assess and %i h to resolve', (severity, a, r) => {
    expect(fold([filed(severity)])).toMatchObject({ assessTargetMinutes: a * HOUR, resolveTargetMinutes: r * HOUR });
  });

  it('given SLA targets from the rules file, then a filing is measured against them and records their version', () => {
    useComplaintSlaRules({
      version: 'sla-ops-2',
      targets: {
        ...DEFAULT_COMPLAINT_SLA_RULES.targets,
        critical: { assessWithinMinutes: 30, resolveWithinMinutes: 90 },
      },
    });
    try {
      expect(fold([filed('critical')])).toMatchObject({
        assessTargetMinutes: 30,
        resolveTargetMinutes: 90,
        slaRulesVersion: 'sla-ops-2',
      });
    } finally {
      useComplaintSlaRules(DEFAULT_COMPLAINT_SLA_RULES);
    }
  });

  it('given each step, then the state follows the four-step process', () => {
    let row: ComplaintRow | null = null;
    const states = [filed(), assessed(10), proposed(20), resolved(30), followedUp(40), closed(50)].map(
      (event) => (row = evolveComplaint(row, event))?.state,
    );
    expect(states).toEqual(['filed', 'valid', 'resolution-proposed', 'resolved', 'followed-up', 'closed']);
  });

  it('given a rejection, then only the assessment is timed and no resolution is expected', () => {
    const row = fold([filed('medium'), assessed(30, 'rejected'), followedUp(60, 2), closed(90)]);
    expect(row).toMatchObject({
      state: 'closed',
      verdict: 'rejected',
      assessedAt: new Date(after(30)),
      minutesToAssess: 30,
      resolvedAt: null,
      minutesToResolve: null,
      satisfaction: 2,
      closedAt: new Date(after(90)),
      assessBreached: false,
      resolveBreached: false,
    });
  });

  it('given a step exactly at its target, then it is not breached; a second later, it is', () => {
    expect(fold([filed('critical'), assessed(4 * HOUR)])).toMatchObject({
      minutesToAssess: 240,
      assessBreached: false,
    });
    const late = stored('ComplaintAssessed', {
      complaintId: 'cmp-1',
      verdict: 'valid',
      reason: 'checked',
      keyPoints: null,
      occurredAt: new Date(Date.parse(after(4 * HOUR)) + 1_000).toISOString(),
    });
    revision = 0;
    // Minutes are rounded up, so "more minutes than the target" and "later than the due time" agree.
    expect(fold([filed('critical'), late])).toMatchObject({ minutesToAssess: 241, assessBreached: true });
  });

  it('given a late resolution after an on-time assessment, then only the resolution is breached', () => {
    const row = fold([filed('critical'), assessed(60), proposed(120), resolved(30 * HOUR)]);
    expect(row).toMatchObject({
      minutesToAssess: 60,
      minutesToResolve: 30 * HOUR,
      assessBreached: false,
      resolveBreached: true,
    });
  });

  it('given a step dated before the filing (a backdated correction), then it counts as 0 minutes', () => {
    expect(fold([filed('low'), assessed(-30)])).toMatchObject({ minutesToAssess: 0, assessBreached: false });
  });

  it('given a reopening, then a new cycle starts: its clocks start at the reopening and the steps are cleared', () => {
    const before = fold([filed('critical'), assessed(60), proposed(70), resolved(600), followedUp(700, 1)]);
    const row = evolveComplaint(before, reopened(1000));
    expect(row).toMatchObject({
      state: 'reopened',
      reopenedCount: 1,
      lastReopenedAt: new Date(after(1000)),
      filedAt: new Date(FILED_AT),
      assessedAt: null,
      verdict: null,
      resolvedAt: null,
      followedUpAt: null,
      closedAt: null,
      minutesToAssess: null,
      minutesToResolve: null,
      satisfaction: 1,
      assessBreached: false,
      resolveBreached: false,
    });
  });

  it('given a reopened complaint reassessed, then its minutes count from the reopening, not the filing', () => {
    const row = fold([
      filed('critical'),
      assessed(30, 'rejected'),
      closed(40),
      reopened(5000),
      assessed(5000 + 3 * HOUR),
      proposed(5000 + 4 * HOUR),
      resolved(5000 + 20 * HOUR),
    ]);
    expect(row).toMatchObject({
      state: 'resolved',
      verdict: 'valid',
      reopenedCount: 1,
      lastReopenedAt: new Date(after(5000)),
      minutesToAssess: 3 * HOUR,
      minutesToResolve: 20 * HOUR,
      assessBreached: false,
      resolveBreached: false,
    });
    const twice = [reopened(5000 + 30 * HOUR), assessed(5000 + 31 * HOUR)].reduce(evolveComplaint, row);
    expect(twice).toMatchObject({ reopenedCount: 2, lastReopenedAt: new Date(after(5000 + 30 * HOUR)) });
    expect(twice?.minutesToAssess).toBe(HOUR);
  });

  it('given a target missed before a reopening, then the breach stays after an on-time reassessment', () => {
    const row = fold([
      filed('critical'),
      assessed(10 * HOUR, 'rejected'),
      reopened(11 * HOUR),
      assessed(11 * HOUR + 5),
    ]);
    expect(row).toMatchObject({ state: 'valid', minutesToAssess: 5, assessBreached: true });
  });

  it('keys complaint events by customer and complaint, and ignores every other event', () => {
    expect(complaintsProjection.keyOf(filed())).toBe('c-1/cmp-1');
    expect(complaintsProjection.keyOf(assessed(1))).toBe('c-1/cmp-1');
    expect(complaintsProjection.keyOf(filed('low', 'cmp-2'))).toBe('c-1/cmp-2');
    const other = stored('ComplaintFiled', { ...filed().data, occurredAt: FILED_AT }, 'customer-c-9');
    expect(complaintsProjection.keyOf(other)).toBe('c-9/cmp-1');
    expect(complaintsProjection.keyOf({ ...filed(), stream: 'account-9' })).toBeNull();
    const purchase = stored('PurchaseRecorded', {
      orderId: 'o-1',
      currency: 'EUR',
      channel: 'web',
      region: null,
      lines: [],
      totalMinor: 0,
      occurredAt: FILED_AT,
    });
    expect(complaintsProjection.keyOf(purchase)).toBeNull();
    expect(complaintsProjection.keyOf(stored('SurveyRecorded', { surveyId: 's-1' }))).toBeNull();
    expect(complaintsProjection.keyOf(stored('SomethingUnheardOf', {}))).toBeNull();
  });

  it('given an event of another type, when folded, then the row is left as it is', () => {
    const row = fold([filed()]);
    const survey = stored('SurveyRecorded', {
      surveyId: 's-1',
      method: 'online',
      csat: 2,
      nps: null,
      ces: null,
      comment: null,
      occurredAt: FILED_AT,
    });
    expect(evolveComplaint(row, survey)).toBe(row);
    expect(evolveComplaint(null, survey)).toBeNull();
  });

  it('given a complaint step before its filing, then it fails loudly', () => {
    expect(() => evolveComplaint(null, assessed(10))).toThrow(/before ComplaintFiled of cmp-1/);
  });

  it('given a second filing of the same complaint, then it fails loudly', () => {
    expect(() => fold([filed(), filed()])).toThrow(/already filed/);
  });
});
