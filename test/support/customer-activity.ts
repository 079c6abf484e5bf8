import type { TestApp } from './test-app';

const DAY_MS = 86_400_000;
const daysAgo = (n: number): string => new Date(Date.now() - n * DAY_MS).toISOString();

/** The answer of an accepted command. */
export interface Accepted {
  readonly eventIds: string[];
  readonly checkpoint: string;
}

/**
 * Commands of several kinds for one customer through the HTTP command path:
 * registration, account manager, purchases, a refund, a contact, a survey,
 * feedback and a complaint taken through assessment. Answers each command's
 * result, in order.
 */
export async function customerActivity(t: TestApp, customerId: string): Promise<Accepted[]> {
  const base = `/customers/${customerId}`;
  const calls: Array<[method: 'post' | 'put', path: string, body: object]> = [
    [
      'post',
      '/customers',
      { customerId, kind: 'individual', name: `Customer ${customerId}`, region: 'north', occurredAt: daysAgo(400) },
    ],
    ['put', `${base}/account-manager`, { accountManagerId: 'am-1', occurredAt: daysAgo(399) }],
    [
      'post',
      `${base}/purchases`,
      {
        orderId: 'o-1',
        currency: 'EUR',
        channel: 'web',
        lines: [{ sku: 'SKU-1', category: 'books', quantity: 2, unitPriceMinor: 1250 }],
        occurredAt: daysAgo(200),
      },
    ],
    [
      'post',
      `${base}/purchases/o-1/refunds`,
      { refundId: 'r-1', amountMinor: 500, reason: 'damaged', occurredAt: daysAgo(190) },
    ],
    [
      'post',
      `${base}/contacts`,
      {
        contactId: 'ct-1',
        channel: 'phone',
        direction: 'inbound',
        agent: 'agent-7',
        topic: 'delivery',
        occurredAt: daysAgo(189),
      },
    ],
    ['post', `${base}/surveys`, { surveyId: 'sv-1', method: 'online', csat: 4, nps: 9, occurredAt: daysAgo(100) }],
    [
      'post',
      `${base}/feedback`,
      { feedbackId: 'fb-1', kind: 'praise', channel: 'web', text: 'quick delivery', occurredAt: daysAgo(90) },
    ],
    [
      'post',
      `${base}/complaints`,
      {
        complaintId: 'cp-1',
        category: 'delivery',
        severity: 'high',
        channel: 'phone',
        description: 'late',
        occurredAt: daysAgo(50),
      },
    ],
    ['post', `${base}/complaints/cp-1/assessment`, { valid: true, reason: 'confirmed', occurredAt: daysAgo(49) }],
  ];
  const accepted: Accepted[] = [];
  for (const [method, path, body] of calls) {
    const response = await t.as('writer')[method](path).send(body);
    if (response.status !== 200 && response.status !== 201) {
      throw new Error(`${method.toUpperCase()} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    accepted.push(response.body as Accepted);
  }
  return accepted;
}
