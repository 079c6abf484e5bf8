import type { StoredEvent } from '@crm/event-store';
import { EMPTY_PROFILE, type CustomerEventType } from '../../domain/customer.events';
import { customerTimelineProjection, evolveCustomerTimeline, formatMoney } from './customer-timeline.projection';

const RECORDED = new Date('2026-03-02T10:00:00.000Z');
const OCCURRED = '2026-03-01T09:30:00.000Z';

function stored(
  type: string,
  data: Record<string, unknown>,
  revision: number,
  metadata: Record<string, unknown> = {},
): StoredEvent {
  return {
    id: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
    type,
    data: data as StoredEvent['data'],
    metadata: {
      actor: 'writer-key:3f9a0c12d4e5',
      commandId: `cmd-${revision}`,
      correlationId: 'corr-1',
      causationId: `cmd-${revision}`,
      occurredAt: OCCURRED,
      schemaVersion: 1,
      ...metadata,
    } as StoredEvent['metadata'],
    stream: 'customer-c-1',
    revision,
    checkpoint: `100:${revision + 1}`,
    recordedAt: RECORDED,
  };
}

const line = (sku: string, quantity: number, unitPriceMinor: number) => ({
  sku,
  category: 'music',
  quantity,
  unitPriceMinor,
  discountMinor: 0,
  totalMinor: quantity * unitPriceMinor,
});

/** One example of every customer event type (current schema) and the line the timeline shows for it. */
const EXAMPLES: Record<CustomerEventType, { data: Record<string, unknown>; summary: string }> = {
  CustomerRegistered: {
    data: {
      customerId: 'c-1',
      kind: 'organisation',
      profile: { ...EMPTY_PROFILE, name: 'Acme Ltd' },
      acquisitionSource: 'web',
      occurredAt: OCCURRED,
    },
    summary: 'Customer registered: Acme Ltd (organisation, source web)',
  },
  CustomerProfileUpdated: {
    data: {
      changes: [
        { field: 'email', from: null, to: 'a@example.com' },
        { field: 'region', from: 'North', to: 'South' },
      ],
      occurredAt: OCCURRED,
    },
    summary: 'Profile updated: email, region',
  },
  AccountManagerAssigned: {
    data: { accountManagerId: 'am-7', previousAccountManagerId: 'am-1', occurredAt: OCCURRED },
    summary: 'Account manager assigned: am-7 (was am-1)',
  },
  ContactPreferencesSet: {
    data: { optedOut: ['phone', 'sms'], optedIn: ['email'], occurredAt: OCCURRED },
    summary: 'Contact preferences set: opted out of phone, sms; opted in to email',
  },
  RelationshipTerminated: {
    data: { reason: 'moved abroad', occurredAt: OCCURRED },
    summary: 'Relationship terminated: moved abroad',
  },
  CustomerReactivated: {
    data: { trigger: 'purchase', reason: null, orderId: 'o-9', occurredAt: OCCURRED },
    summary: 'Customer reactivated by purchase o-9',
  },
  PurchaseRecorded: {
    data: {
      orderId: 'o-17',
      currency: 'EUR',
      channel: 'web',
      region: null,
      lines: [line('A', 2, 1000), line('B', 1, 1500), line('C', 1, 1000)],
      totalMinor: 4500,
      occurredAt: OCCURRED,
    },
    summary: 'Purchase o-17: 3 lines, EUR 45.00',
  },
  PurchaseRefunded: {
    data: {
      refundId: 'r-1',
      orderId: 'o-17',
      amountMinor: 500,
      currency: 'EUR',
      reason: 'damaged',
      occurredAt: OCCURRED,
    },
    summary: 'Refund r-1 of purchase o-17: EUR 5.00 (damaged)',
  },
  ContactLogged: {
    data: {
      contactId: 'ct-1',
      channel: 'email',
      direction: 'inbound',
      agent: 'agent-4',
      topic: 'renewal',
      summary: null,
      outcome: null,
      followUp: null,
      attachments: [],
      occurredAt: OCCURRED,
    },
    summary: 'Contact ct-1 (inbound email, agent-4): renewal',
  },
  ComplaintFiled: {
    data: {
      complaintId: 'cmp-1',
      category: 'billing',
      severity: 'high',
      channel: 'email',
      description: 'charged twice',
      occurredAt: OCCURRED,
    },
    summary: 'Complaint cmp-1 filed: high severity, billing, via email',
  },
  ComplaintAssessed: {
    data: {
      complaintId: 'cmp-1',
      verdict: 'rejected',
      reason: 'outside warranty',
      keyPoints: null,
      occurredAt: OCCURRED,
    },
    summary: 'Complaint cmp-1 assessed: rejected (outside warranty)',
  },
  ComplaintResolutionProposed: {
    data: { complaintId: 'cmp-1', proposal: 'refund the second charge', occurredAt: OCCURRED },
    summary: 'Complaint cmp-1 resolution proposed: refund the second charge',
  },
  ComplaintResolved: {
    data: { complaintId: 'cmp-1', resolution: 'refunded', occurredAt: OCCURRED },
    summary: 'Complaint cmp-1 resolved: refunded',
  },
  ComplaintFollowedUp: {
    data: { complaintId: 'cmp-1', satisfaction: 4, note: 'happy', occurredAt: OCCURRED },
    summary: 'Complaint cmp-1 followed up: satisfaction 4/5 (happy)',
  },
  ComplaintClosed: {
    data: { complaintId: 'cmp-1', note: null, occurredAt: OCCURRED },
    summary: 'Complaint cmp-1 closed',
  },
  ComplaintReopened: {
    data: { complaintId: 'cmp-1', reason: 'charged again', occurredAt: OCCURRED },
    summary: 'Complaint cmp-1 reopened: charged again',
  },
  SurveyRecorded: {
    data: { surveyId: 's-1', method: 'phone', csat: 4, nps: null, ces: 2, comment: null, occurredAt: OCCURRED },
    summary: 'Survey s-1 (phone): CSAT 4/5, CES 2/7',
  },
  FeedbackRecorded: {
    data: { feedbackId: 'fb-1', kind: 'suggestion', channel: 'web', text: 'dark mode please', occurredAt: OCCURRED },
    summary: 'Feedback fb-1 (suggestion via web): dark mode please',
  },
};

describe('customer_timeline projection', () => {
  it.each(Object.entries(EXAMPLES))(
    'given no row, when %s arrives, then one row holds it with its summary',
    (type, { data, summary }) => {
      const schemaVersion = type === 'CustomerRegistered' ? 2 : 1;
      const event = stored(type, data, 3, { schemaVersion });
      expect(evolveCustomerTimeline(null, event)).toEqual({
        eventId: '00000000-0000-4000-8000-000000000003',
        customerId: 'c-1',
        streamRevision: 3,
        globalCheckpoint: '100:4',
        eventType: type,
        schemaVersion,
        occurredAt: new Date(OCCURRED),
        recordedAt: RECORDED,
        actor: 'writer-key:3f9a0c12d4e5',
        commandId: 'cmd-3',
        correlationId: 'corr-1',
        summary,
        data,
      });
    },
  );

  it('keeps a backdated purchase at its business time, not at the time it was recorded', () => {
    const backdated = stored(
      'PurchaseRecorded',
      { ...EXAMPLES.PurchaseRecorded.data, orderId: 'o-5', occurredAt: '2025-11-20T08:00:00.000Z' },
      7,
      { occurredAt: '2025-11-20T08:00:00.000Z' },
    );
    const row = evolveCustomerTimeline(null, backdated);
    expect(row.occurredAt).toEqual(new Date('2025-11-20T08:00:00.000Z'));
    expect(row.recordedAt).toEqual(RECORDED);
    expect(row.streamRevision).toBe(7);
  });

  it('takes the business time from the metadata when the data has none', () => {
    const event = stored('RelationshipTerminated', { reason: 'moved' }, 2, { occurredAt: '2026-01-05T00:00:00.000Z' });
    expect(evolveCustomerTimeline(null, event).occurredAt).toEqual(new Date('2026-01-05T00:00:00.000Z'));
  });

  it('fails loudly for an event with no business time rather than inventing one', () => {
    const event = stored('RelationshipTerminated', { reason: 'moved' }, 2, { occurredAt: null });
    expect(() => evolveCustomerTimeline(null, event)).toThrow(/no business time/);
  });

  it('reads a stored v1 registration through the upcaster and keeps its stored schema version and actor', () => {
    const v1 = stored(
      'CustomerRegistered',
      {
        customerId: 'c-1',
        kind: 'individual',
        name: 'Ada',
        email: 'ada@example.com',
        phone: null,
        region: 'London',
        acquisitionSource: null,
        registeredAt: '2025-01-01T00:00:00.000Z',
      },
      0,
      { schemaVersion: 1, actor: 'import-service', occurredAt: '2025-01-01T00:00:00.000Z' },
    );
    const row = evolveCustomerTimeline(null, v1);
    expect(row).toMatchObject({
      schemaVersion: 1,
      actor: 'import-service',
      occurredAt: new Date('2025-01-01T00:00:00.000Z'),
      summary: 'Customer registered: Ada (individual)',
      data: { profile: expect.objectContaining({ name: 'Ada', email: 'ada@example.com' }) },
    });
  });

  it('leaves actor, command and correlation empty when the metadata lacks them', () => {
    const event = stored('RelationshipTerminated', EXAMPLES.RelationshipTerminated.data, 1, {
      actor: undefined,
      commandId: undefined,
      correlationId: undefined,
    });
    expect(evolveCustomerTimeline(null, event)).toMatchObject({ actor: null, commandId: null, correlationId: null });
  });

  it('keeps two events at the same instant as two rows, each keyed by its own event id', () => {
    const first = stored('ContactLogged', EXAMPLES.ContactLogged.data, 5);
    const second = stored('FeedbackRecorded', EXAMPLES.FeedbackRecorded.data, 6);
    expect(customerTimelineProjection.keyOf(first)).toBe(first.id);
    expect(customerTimelineProjection.keyOf(second)).toBe(second.id);
    expect(first.id).not.toBe(second.id);
    expect(evolveCustomerTimeline(null, first).occurredAt).toEqual(evolveCustomerTimeline(null, second).occurredAt);
  });

  it('writes the same row when an event is delivered twice', () => {
    const event = stored('ComplaintFiled', EXAMPLES.ComplaintFiled.data, 4);
    const once = evolveCustomerTimeline(null, event);
    expect(evolveCustomerTimeline(once, event)).toEqual(once);
  });

  it('ignores streams other than customers', () => {
    const event = stored('ComplaintFiled', EXAMPLES.ComplaintFiled.data, 4);
    expect(customerTimelineProjection.keyOf({ ...event, stream: 'account-9' })).toBeNull();
  });

  it('fails loudly for an unknown event type instead of dropping history', () => {
    expect(() => evolveCustomerTimeline(null, stored('SomethingUnheardOf', {}, 1))).toThrow(
      /cannot read customer event SomethingUnheardOf/,
    );
  });

  describe('summaries', () => {
    it('formats money with the currency’s usual decimals', () => {
      expect(formatMoney(4500, 'EUR')).toBe('EUR 45.00');
      expect(formatMoney(5, 'GBP')).toBe('GBP 0.05');
      expect(formatMoney(0, 'USD')).toBe('USD 0.00');
      expect(formatMoney(4500, 'JPY')).toBe('JPY 4500');
      expect(formatMoney(12000, 'KRW')).toBe('KRW 12000');
      expect(formatMoney(1234, 'KWD')).toBe('KWD 1.234');
    });

    it('names a single line in the singular and a zero-value purchase as such', () => {
      const purchase = { ...EXAMPLES.PurchaseRecorded.data, currency: 'JPY', lines: [line('A', 1, 0)], totalMinor: 0 };
      expect(evolveCustomerTimeline(null, stored('PurchaseRecorded', purchase, 1)).summary).toBe(
        'Purchase o-17: 1 line, JPY 0',
      );
    });

    it('shortens long free text to one line', () => {
      const text = `first line\n${'x'.repeat(200)}`;
      const summary = evolveCustomerTimeline(
        null,
        stored('FeedbackRecorded', { ...EXAMPLES.FeedbackRecorded.data, text }, 1),
      ).summary;
      expect(summary).not.toContain('\n');
      expect(summary.endsWith('…')).toBe(true);
      expect(summary.length).toBeLessThan(140);
    });

    it('describes an explicit reactivation with its reason', () => {
      const event = stored(
        'CustomerReactivated',
        { trigger: 'explicit', reason: 'win-back', orderId: null, occurredAt: OCCURRED },
        1,
      );
      expect(evolveCustomerTimeline(null, event).summary).toBe('Customer reactivated: win-back');
    });
  });
});
