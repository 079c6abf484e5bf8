import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeOnPostgresServer } from '../support/server-suites';

const purchase = (orderId: string, overrides: Record<string, unknown> = {}) => ({
  orderId,
  currency: 'EUR',
  channel: 'web',
  region: 'North',
  lines: [
    { sku: 'CD-1', category: 'music', quantity: 2, unitPriceMinor: 1500, discountMinor: 500 },
    { sku: 'BK-7', category: 'books', quantity: 1, unitPriceMinor: 2000 },
  ],
  ...overrides,
});

describeOnPostgresServer('customer command API on PostgreSQL server', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('postgres');
    const writer = t.as('writer');
    await writer.post('/customers').send({ customerId: 'all-1', kind: 'individual', name: 'All Routes' }).expect(201);
    await writer.post('/customers/all-1/purchases').send(purchase('o-all')).expect(201);
    await writer
      .post('/customers/all-1/complaints')
      .send({ complaintId: 'cmp-all', category: 'x', severity: 'low', channel: 'email', description: 'y' })
      .expect(201);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  }, 60_000);

  async function register(customerId: string, body: Record<string, unknown> = {}): Promise<void> {
    await t
      .as('writer')
      .post('/customers')
      .send({ customerId, kind: 'individual', name: `Customer ${customerId}`, ...body })
      .expect(201);
  }

  async function lastEvents(customerId: string, count: number) {
    const events = await t.store.readStream(`customer-${customerId}`, { direction: 'backwards', maxCount: count });
    return events.reverse();
  }

  /** Every command route with a valid body for an existing customer `all-1` (complaint `cmp-all`, order `o-all`). */
  const ROUTES: ReadonlyArray<readonly [string, 'post' | 'put' | 'patch', string, Record<string, unknown>]> = [
    ['RegisterCustomer', 'post', '/customers', { kind: 'individual', name: 'Route Check' }],
    ['UpdateCustomerProfile', 'patch', '/customers/{id}/profile', { region: 'East' }],
    ['AssignAccountManager', 'put', '/customers/{id}/account-manager', { accountManagerId: 'am-1' }],
    ['SetContactPreferences', 'put', '/customers/{id}/contact-preferences', { channels: { sms: false } }],
    ['TerminateRelationship', 'post', '/customers/{id}/termination', { reason: 'x' }],
    ['ReactivateCustomer', 'post', '/customers/{id}/reactivation', { reason: 'x' }],
    ['RecordPurchase', 'post', '/customers/{id}/purchases', purchase('o-new')],
    ['RefundPurchase', 'post', '/customers/{id}/purchases/o-all/refunds', { amountMinor: 1 }],
    [
      'LogContact',
      'post',
      '/customers/{id}/contacts',
      { channel: 'email', direction: 'inbound', agent: 'a', topic: 't' },
    ],
    [
      'FileComplaint',
      'post',
      '/customers/{id}/complaints',
      { category: 'x', severity: 'low', channel: 'email', description: 'y' },
    ],
    ['AssessComplaint', 'post', '/customers/{id}/complaints/cmp-all/assessment', { valid: true, reason: 'x' }],
    ['ProposeResolution', 'post', '/customers/{id}/complaints/cmp-all/resolution-proposals', { proposal: 'x' }],
    ['ResolveComplaint', 'post', '/customers/{id}/complaints/cmp-all/resolution', { resolution: 'x' }],
    ['FollowUpComplaint', 'post', '/customers/{id}/complaints/cmp-all/follow-up', { satisfaction: 3 }],
    ['CloseComplaint', 'post', '/customers/{id}/complaints/cmp-all/closure', {}],
    ['ReopenComplaint', 'post', '/customers/{id}/complaints/cmp-all/reopening', { reason: 'x' }],
    ['RecordSurvey', 'post', '/customers/{id}/surveys', { method: 'phone', ces: 2 }],
    ['RecordFeedback', 'post', '/customers/{id}/feedback', { kind: 'question', channel: 'mail', text: 'x' }],
  ];

  describe('every command route', () => {
    it.each(ROUTES)(
      '%s: 401 without a key, 403 for a reader, 400 naming an unknown field, nothing appended',
      async (_name, method, path, body) => {
        const url = path.replace('{id}', 'all-1');
        const before = await t.eventCount();
        await request(t.app.getHttpServer())[method](url).send(body).expect(401);
        await t.as('reader')[method](url).send(body).expect(403);
        const writer = t.as('writer');
        const unknown = await writer[method](url)
          .send({ ...body, surplus: 1 })
          .expect(400);
        expect(unknown.body.problems).toEqual(
          expect.arrayContaining([expect.objectContaining({ field: 'surplus', rule: 'unknownField' })]),
        );
        expect(await t.eventCount()).toBe(before);
      },
    );

    it.each(ROUTES.filter(([name]) => name !== 'RegisterCustomer'))(
      '%s: 404 for an unknown customer',
      async (_name, method, path, body) => {
        const response = await t.as('writer')[method](path.replace('{id}', 'nobody-at-all')).send(body).expect(404);
        expect(response.body.code).toBe('CUSTOMER_NOT_FOUND');
      },
    );

    it('lists every command route in the OpenAPI document', async () => {
      const response = await t.as('reader').get('/docs-json').expect(200);
      const operations = Object.values(
        response.body.paths as Record<string, Record<string, { operationId?: string }>>,
      ).flatMap((p) => Object.values(p).map((operation) => operation.operationId));
      for (const [name] of ROUTES) expect(operations).toContain(name.charAt(0).toLowerCase() + name.slice(1));
    });
  });

  describe('lifecycle and profile', () => {
    it('registers an individual with the full profile and answers revision, ETag, Location and checkpoint', async () => {
      const response = await t
        .as('writer')
        .post('/customers')
        .set('X-Correlation-Id', 'corr-42')
        .send({
          customerId: 'p-1',
          kind: 'individual',
          name: 'Ada Lovelace',
          email: 'ada@example.com',
          phone: '+44 20 7946 0000',
          address: { line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
          region: 'London',
          gender: 'female',
          birthDate: '1985-12-10',
          preferences: ['jazz'],
          interests: ['mathematics', 'poetry'],
          attitude: 'enthusiastic early adopter',
          purchaseHabits: 'monthly, online',
          preferredChannel: 'email',
          acquisitionSource: 'web',
          occurredAt: '2026-01-15T10:00:00.000Z',
        })
        .expect(201);
      expect(response.body).toMatchObject({ customerId: 'p-1', revision: 0 });
      expect(response.headers.etag).toBe('"0"');
      expect(response.headers.location).toBe('/customers/p-1');

      const [event] = await lastEvents('p-1', 1);
      expect(event!.type).toBe('CustomerRegistered');
      expect(event!.data).toMatchObject({
        customerId: 'p-1',
        kind: 'individual',
        acquisitionSource: 'web',
        occurredAt: '2026-01-15T10:00:00.000Z',
        profile: { name: 'Ada Lovelace', gender: 'female', interests: ['mathematics', 'poetry'], industry: null },
      });
      expect(event!.metadata).toMatchObject({
        correlationId: 'corr-42',
        schemaVersion: 2,
        occurredAt: '2026-01-15T10:00:00.000Z',
        actor: expect.stringMatching(/^writer-key:/),
      });
      expect(typeof event!.metadata.commandId).toBe('string');
      expect(event!.metadata.causationId).toBe(event!.metadata.commandId);
    });

    it('registers an organisation with terms and key people', async () => {
      await t
        .as('writer')
        .post('/customers')
        .send({
          customerId: 'org-1',
          kind: 'organisation',
          name: 'Acme Ltd',
          industry: 'manufacturing',
          size: 'medium',
          businessSituation: 'expanding into two new markets',
          creditLimit: { amountMinor: 5_000_000, currency: 'EUR' },
          paymentTermsDays: 30,
          keyPeople: [{ name: 'Grace Hopper', role: 'purchasing director', decisionMaker: true }],
        })
        .expect(201);
      const [event] = await lastEvents('org-1', 1);
      expect(event!.data).toMatchObject({
        kind: 'organisation',
        profile: {
          creditLimit: { amountMinor: 5_000_000, currency: 'EUR' },
          keyPeople: [
            { name: 'Grace Hopper', role: 'purchasing director', email: null, phone: null, decisionMaker: true },
          ],
        },
      });
    });

    it('updates the profile partially, recording old and new values, and answers 200 with no event when nothing changes', async () => {
      await register('p-2', { email: 'old@example.com', region: 'West' });
      const updated = await t
        .as('writer')
        .patch('/customers/p-2/profile')
        .send({ email: 'new@example.com', region: null })
        .expect(200);
      expect(updated.body.revision).toBe(1);
      const [event] = await lastEvents('p-2', 1);
      expect(event!.data.changes).toEqual([
        { field: 'email', from: 'old@example.com', to: 'new@example.com' },
        { field: 'region', from: 'West', to: null },
      ]);
      const again = await t.as('writer').patch('/customers/p-2/profile').send({ email: 'new@example.com' }).expect(200);
      expect(again.body).toMatchObject({ revision: 1, eventIds: [] });
    });

    it('assigns an account manager and sets contact preferences', async () => {
      await register('p-3');
      await t.as('writer').put('/customers/p-3/account-manager').send({ accountManagerId: 'am-7' }).expect(200);
      await t
        .as('writer')
        .put('/customers/p-3/contact-preferences')
        .send({ channels: { phone: false } })
        .expect(200);
      const events = await lastEvents('p-3', 2);
      expect(events.map((e) => e.type)).toEqual(['AccountManagerAssigned', 'ContactPreferencesSet']);
      expect(events[1]!.data).toMatchObject({ optedOut: ['phone'], optedIn: [] });
      const refused = await t
        .as('writer')
        .post('/customers/p-3/contacts')
        .send({ channel: 'phone', direction: 'outbound', agent: 'agent-1', topic: 'renewal' })
        .expect(422);
      expect(refused.body).toMatchObject({ code: 'CHANNEL_OPTED_OUT', channel: 'phone' });
    });

    it('terminates, reactivates on a purchase (visibly), and refuses reactivating an active customer', async () => {
      await register('p-4');
      await t.as('writer').post('/customers/p-4/termination').send({ reason: 'moved abroad' }).expect(201);
      await t.as('writer').post('/customers/p-4/termination').send({ reason: 'again' }).expect(409);
      await t.as('writer').post('/customers/p-4/purchases').send(purchase('o-1')).expect(201);
      const events = await lastEvents('p-4', 2);
      expect(events.map((e) => e.type)).toEqual(['CustomerReactivated', 'PurchaseRecorded']);
      expect(events[0]!.data).toMatchObject({ trigger: 'purchase', orderId: 'o-1' });
      const refused = await t.as('writer').post('/customers/p-4/reactivation').send({ reason: 'win-back' }).expect(409);
      expect(refused.body.code).toBe('CUSTOMER_NOT_TERMINATED');
      await t.as('writer').post('/customers/p-4/termination').send({ reason: 'closed account' }).expect(201);
      await t.as('writer').post('/customers/p-4/reactivation').send({ reason: 'win-back campaign' }).expect(201);
    });
  });

  describe('purchases and refunds', () => {
    it('records purchases with line totals, a zero-value purchase, a backdated one, and refunds up to what was paid', async () => {
      await register('b-1', { occurredAt: '2024-01-01T00:00:00.000Z' });
      const recorded = await t.as('writer').post('/customers/b-1/purchases').send(purchase('o-1')).expect(201);
      expect(recorded.body.orderId).toBe('o-1');
      const [event] = await lastEvents('b-1', 1);
      expect(event!.data).toMatchObject({
        totalMinor: 4500,
        currency: 'EUR',
        lines: [{ totalMinor: 2500 }, { totalMinor: 2000 }],
      });

      await t
        .as('writer')
        .post('/customers/b-1/purchases')
        .send(purchase('o-free', { lines: [{ sku: 'GIFT', category: 'promo', quantity: 1, unitPriceMinor: 0 }] }))
        .expect(201);
      await t
        .as('writer')
        .post('/customers/b-1/purchases')
        .send(purchase('o-old', { occurredAt: '2024-03-01T12:00:00.000Z' }))
        .expect(201);
      const [backdated] = await lastEvents('b-1', 1);
      expect(backdated!.metadata.occurredAt).toBe('2024-03-01T12:00:00.000Z');

      const dup = await t.as('writer').post('/customers/b-1/purchases').send(purchase('o-1')).expect(409);
      expect(dup.body).toMatchObject({ code: 'ORDER_ALREADY_RECORDED', orderId: 'o-1' });

      const refund = await t
        .as('writer')
        .post('/customers/b-1/purchases/o-1/refunds')
        .send({ amountMinor: 4000 })
        .expect(201);
      expect(typeof refund.body.refundId).toBe('string');
      const over = await t
        .as('writer')
        .post('/customers/b-1/purchases/o-1/refunds')
        .send({ amountMinor: 501 })
        .expect(422);
      expect(over.body).toMatchObject({ code: 'REFUND_EXCEEDS_PAID', refundableMinor: 500 });
      await t
        .as('writer')
        .post('/customers/b-1/purchases/o-1/refunds')
        .send({ amountMinor: 500, reason: 'damaged' })
        .expect(201);
      const unknown = await t
        .as('writer')
        .post('/customers/b-1/purchases/o-404/refunds')
        .send({ amountMinor: 1 })
        .expect(422);
      expect(unknown.body.code).toBe('ORDER_NOT_FOUND');
    });
  });

  describe('contacts, surveys and feedback', () => {
    it('logs a contact with a follow-up task, records a survey and feedback', async () => {
      await register('c-1');
      const contact = await t
        .as('writer')
        .post('/customers/c-1/contacts')
        .send({
          channel: 'email',
          direction: 'outbound',
          agent: 'agent-9',
          topic: 'renewal',
          summary: 'sent the offer',
          outcome: 'interested',
          followUp: { task: 'call back', dueAt: '2030-12-01T09:00:00.000Z' },
          attachments: ['doc:offer-2026-11'],
        })
        .expect(201);
      expect(typeof contact.body.contactId).toBe('string');
      await t.as('writer').post('/customers/c-1/surveys').send({ method: 'online', csat: 4, nps: 9 }).expect(201);
      const noScore = await t.as('writer').post('/customers/c-1/surveys').send({ method: 'online' }).expect(422);
      expect(noScore.body.code).toBe('SURVEY_WITHOUT_SCORE');
      await t
        .as('writer')
        .post('/customers/c-1/feedback')
        .send({ kind: 'suggestion', channel: 'chat', text: 'dark mode please' })
        .expect(201);
      const events = await lastEvents('c-1', 3);
      expect(events.map((e) => e.type)).toEqual(['ContactLogged', 'SurveyRecorded', 'FeedbackRecorded']);
      expect(events[0]!.data).toMatchObject({ followUp: { task: 'call back', dueAt: '2030-12-01T09:00:00.000Z' } });
    });
  });

  describe('complaints', () => {
    it('walks a complaint through the four steps, refuses steps out of order, and reopens it', async () => {
      await register('k-1');
      const filed = await t
        .as('writer')
        .post('/customers/k-1/complaints')
        .send({
          complaintId: 'cmp-1',
          category: 'delivery',
          severity: 'high',
          channel: 'phone',
          description: 'parcel lost',
        })
        .expect(201);
      expect(filed.body.complaintId).toBe('cmp-1');
      const base = '/customers/k-1/complaints/cmp-1';
      const early = await t.as('writer').post(`${base}/resolution`).send({ resolution: 'refunded' }).expect(409);
      expect(early.body).toMatchObject({
        code: 'COMPLAINT_TRANSITION_NOT_ALLOWED',
        status: 'filed',
        complaintId: 'cmp-1',
      });
      await t
        .as('writer')
        .post(`${base}/assessment`)
        .send({ valid: true, reason: 'tracking confirms loss' })
        .expect(201);
      await t.as('writer').post(`${base}/resolution-proposals`).send({ proposal: 'resend the parcel' }).expect(201);
      await t.as('writer').post(`${base}/resolution`).send({ resolution: 'parcel resent' }).expect(201);
      await t.as('writer').post(`${base}/follow-up`).send({ satisfaction: 4 }).expect(201);
      await t.as('writer').post(`${base}/closure`).send({}).expect(201);
      await t.as('writer').post(`${base}/reopening`).send({ reason: 'second parcel lost too' }).expect(201);
      await t
        .as('writer')
        .post(`${base}/assessment`)
        .send({ valid: false, reason: 'delivered, signed for' })
        .expect(201);
      const types = (await lastEvents('k-1', 8)).map((e) => e.type);
      expect(types).toEqual([
        'ComplaintFiled',
        'ComplaintAssessed',
        'ComplaintResolutionProposed',
        'ComplaintResolved',
        'ComplaintFollowedUp',
        'ComplaintClosed',
        'ComplaintReopened',
        'ComplaintAssessed',
      ]);
      const missing = await t
        .as('writer')
        .post('/customers/k-1/complaints/cmp-404/assessment')
        .send({ valid: true, reason: 'x' })
        .expect(404);
      expect(missing.body.code).toBe('COMPLAINT_NOT_FOUND');
    });
  });

  describe('unknown customers, concurrency and idempotency', () => {
    it.each([
      ['/customers/nobody/purchases', purchase('o-1')],
      ['/customers/nobody/contacts', { channel: 'email', direction: 'inbound', agent: 'a', topic: 't' }],
      ['/customers/nobody/complaints', { category: 'x', severity: 'low', channel: 'email', description: 'y' }],
      ['/customers/nobody/surveys', { method: 'online', csat: 3 }],
      ['/customers/nobody/termination', { reason: 'x' }],
    ])('answers 404 CUSTOMER_NOT_FOUND for %s and appends nothing', async (path, body) => {
      const before = await t.eventCount();
      const response = await t.as('writer').post(path).send(body).expect(404);
      expect(response.body.code).toBe('CUSTOMER_NOT_FOUND');
      expect(await t.eventCount()).toBe(before);
    });

    it('honours If-Match: 412 when the stream moved, success at the current revision', async () => {
      await register('m-1');
      const stale = await t
        .as('writer')
        .post('/customers/m-1/purchases')
        .set('If-Match', '"5"')
        .send(purchase('o-1'))
        .expect(412);
      expect(stale.body).toMatchObject({ code: 'REVISION_MISMATCH', expectedRevision: 5, actualRevision: 0 });
      const ok = await t
        .as('writer')
        .post('/customers/m-1/purchases')
        .set('If-Match', '"0"')
        .send(purchase('o-1'))
        .expect(201);
      expect(ok.headers.etag).toBe('"1"');
    });

    it('retries concurrent commands on one customer without If-Match, so every one lands once', async () => {
      await register('m-2');
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          t
            .as('writer')
            .post('/customers/m-2/purchases')
            .send(purchase(`o-${i}`)),
        ),
      );
      const statuses = responses.map((r) => r.status);
      const revisions = responses.filter((r) => r.status === 201).map((r) => r.body.revision as number);
      // Bounded retries: under contention a command may still lose with 409, never silently.
      for (const status of statuses) expect([201, 409]).toContain(status);
      expect(new Set(revisions).size).toBe(revisions.length);
      const stream = await t.store.readStream('customer-m-2');
      expect(stream.length).toBe(1 + revisions.length);
    });

    it('answers a retry with the same Idempotency-Key like the first time and appends nothing; a different body is 422', async () => {
      await register('i-1');
      const send = (body: Record<string, unknown>) =>
        t.as('writer').post('/customers/i-1/complaints').set('Idempotency-Key', 'complaint-i-1-attempt').send(body);
      const body = { category: 'billing', severity: 'medium', channel: 'email', description: 'charged twice' };
      const first = await send(body).expect(201);
      const before = await t.eventCount();
      const retry = await send(body).expect(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.headers.etag).toBe(first.headers.etag);
      expect(await t.eventCount()).toBe(before);
      const reused = await send({ ...body, severity: 'critical' }).expect(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await t.eventCount()).toBe(before);
    });

    it('accepts the command id in the body as the idempotency key', async () => {
      await register('i-2');
      const body = { commandId: 'cmd-i-2-feedback', kind: 'praise', channel: 'web', text: 'great service' };
      const first = await t.as('writer').post('/customers/i-2/feedback').send(body).expect(201);
      const before = await t.eventCount();
      const retry = await t.as('writer').post('/customers/i-2/feedback').send(body).expect(201);
      expect(retry.body).toEqual(first.body);
      expect(await t.eventCount()).toBe(before);
      const [event] = await lastEvents('i-2', 1);
      expect(event!.metadata.commandId).toBe('cmd-i-2-feedback');
    });

    it('refuses commands without a key (401) and from a reader (403), appending nothing', async () => {
      const before = await t.eventCount();
      const { default: request } = await import('supertest');
      await request(t.app.getHttpServer()).post('/customers').send({ kind: 'individual', name: 'X' }).expect(401);
      await t.as('reader').post('/customers').send({ kind: 'individual', name: 'X' }).expect(403);
      expect(await t.eventCount()).toBe(before);
    });
  });
});
