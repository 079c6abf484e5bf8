/**
 * A valid request for every command route, addressed to customer `h-1`
 * (with order `paid-1` and complaint `cmp-1`), every optional string field
 * given: the seeds of the hostile-input corpus and of the property test.
 */

export type Method = 'post' | 'put' | 'patch';
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Every command route with a valid body for customer `h-1` (order `paid-1`, complaint `cmp-1`), every optional string given. */
export const COMMAND_SAMPLES: ReadonlyArray<readonly [string, Method, string, { [key: string]: Json }]> = [
  [
    'RegisterCustomer (individual)',
    'post',
    '/customers',
    {
      customerId: 'new-1',
      kind: 'individual',
      name: 'Ada',
      email: 'ada@example.com',
      phone: '+44 20 7946 0000',
      address: { line1: '12 Sq', line2: 'Flat 2', city: 'London', postalCode: 'SW1', country: 'GB' },
      region: 'London',
      gender: 'female',
      birthDate: '1985-12-10',
      preferences: ['jazz'],
      interests: ['maths'],
      attitude: 'keen',
      purchaseHabits: 'monthly',
      preferredChannel: 'email',
      acquisitionSource: 'web',
      occurredAt: '2026-01-15T10:00:00Z',
    },
  ],
  [
    'RegisterCustomer (organisation)',
    'post',
    '/customers',
    {
      kind: 'organisation',
      name: 'Acme',
      industry: 'steel',
      size: 'medium',
      businessSituation: 'growing',
      creditLimit: { amountMinor: 100, currency: 'EUR' },
      keyPeople: [{ name: 'Grace', role: 'buyer', email: 'g@example.com', phone: '+1 555 0100', decisionMaker: true }],
    },
  ],
  ['UpdateCustomerProfile', 'patch', '/customers/h-1/profile', { name: 'New name', region: 'East', attitude: 'calm' }],
  ['AssignAccountManager', 'put', '/customers/h-1/account-manager', { accountManagerId: 'am-1' }],
  ['SetContactPreferences', 'put', '/customers/h-1/contact-preferences', { channels: { sms: false } }],
  ['TerminateRelationship', 'post', '/customers/h-1/termination', { reason: 'moved' }],
  ['ReactivateCustomer', 'post', '/customers/h-1/reactivation', { reason: 'back' }],
  [
    'RecordPurchase',
    'post',
    '/customers/h-1/purchases',
    {
      orderId: 'o-new',
      currency: 'EUR',
      channel: 'web',
      region: 'North',
      lines: [{ sku: 'CD-1', category: 'music', quantity: 1, unitPriceMinor: 100 }],
    },
  ],
  [
    'RefundPurchase',
    'post',
    '/customers/h-1/purchases/paid-1/refunds',
    { refundId: 'r-1', amountMinor: 1, reason: 'x' },
  ],
  [
    'LogContact',
    'post',
    '/customers/h-1/contacts',
    {
      contactId: 'ct-1',
      channel: 'email',
      direction: 'inbound',
      agent: 'a',
      topic: 't',
      summary: 's',
      outcome: 'o',
      followUp: { task: 'call', dueAt: '2030-12-01T09:00:00Z' },
      attachments: ['doc:1'],
    },
  ],
  [
    'FileComplaint',
    'post',
    '/customers/h-1/complaints',
    { complaintId: 'cmp-2', category: 'x', severity: 'low', channel: 'email', description: 'y' },
  ],
  [
    'AssessComplaint',
    'post',
    '/customers/h-1/complaints/cmp-1/assessment',
    { valid: true, reason: 'x', keyPoints: 'k' },
  ],
  ['ProposeResolution', 'post', '/customers/h-1/complaints/cmp-1/resolution-proposals', { proposal: 'x' }],
  ['ResolveComplaint', 'post', '/customers/h-1/complaints/cmp-1/resolution', { resolution: 'x' }],
  ['FollowUpComplaint', 'post', '/customers/h-1/complaints/cmp-1/follow-up', { satisfaction: 3, note: 'n' }],
  ['CloseComplaint', 'post', '/customers/h-1/complaints/cmp-1/closure', { note: 'n' }],
  ['ReopenComplaint', 'post', '/customers/h-1/complaints/cmp-1/reopening', { reason: 'x' }],
  ['RecordSurvey', 'post', '/customers/h-1/surveys', { surveyId: 's-1', method: 'phone', ces: 2, comment: 'c' }],
  [
    'RecordFeedback',
    'post',
    '/customers/h-1/feedback',
    { feedbackId: 'f-1', kind: 'question', channel: 'mail', text: 'x' },
  ],
];

/** Dotted paths of every string in a body, with a copy of the body that has `value` there instead. */
export function stringFields(body: Json, path = ''): Array<{ field: string; replace: (value: string) => Json }> {
  if (typeof body === 'string') return [{ field: path, replace: (value) => value }];
  if (Array.isArray(body)) {
    return body.flatMap((item, index) =>
      stringFields(item, path ? `${path}.${index}` : String(index)).map(({ field, replace }) => ({
        field,
        replace: (value: string) => body.map((other, i) => (i === index ? replace(value) : other)),
      })),
    );
  }
  if (body !== null && typeof body === 'object') {
    return Object.entries(body).flatMap(([key, item]) =>
      stringFields(item, path ? `${path}.${key}` : key).map(({ field, replace }) => ({
        field,
        replace: (value: string) => ({ ...body, [key]: replace(value) }),
      })),
    );
  }
  return [];
}
