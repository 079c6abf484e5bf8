import request from 'supertest';
import { DATA_SOURCE } from '@crm/platform';
import type { DataSource } from 'typeorm';
import { expectEventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeOnPostgresServer } from '../support/server-suites';

interface Line {
  sku: string;
  category: string;
  quantity: number;
  unitPriceMinor: number;
  discountMinor?: number;
}

type Row = Record<string, string | number>;

interface Answer {
  from: string;
  to: string;
  groupBy: string[];
  rows: Row[];
}

const music = (quantity: number, unitPriceMinor: number, discountMinor = 0): Line => ({
  sku: 'album',
  category: 'music',
  quantity,
  unitPriceMinor,
  discountMinor,
});
const books = (quantity: number, unitPriceMinor: number): Line => ({
  sku: 'novel',
  category: 'books',
  quantity,
  unitPriceMinor,
});

/** Measures of a group: gross, refunds, orders, units, customers (net is gross − refunds). */
function measures(gross: number, refunds: number, orders: number, units: number, customers: number) {
  return {
    grossRevenueMinor: gross,
    refundsMinor: refunds,
    netRevenueMinor: gross - refunds,
    orders,
    units,
    customers,
  };
}

const YEAR_2025 = 'from=2025-01-01&to=2026-01-01';

/*
 * The scenario, by hand (EUR unless said otherwise):
 *   cust-n  region North from 2025-01-01; manager am-1 from 2025-01-01, am-2 from 2025-03-01
 *   cust-s  region South from 2025-01-01; no manager
 *   cust-w  registered today with region West (purchases backdated before it take the first known region)
 *
 *   o-8  cust-n 2024-12-31 web              music 1×100                      (before the registration: North, no manager)
 *   o-1  cust-n 2025-01-15 web              music 2×1000, books 1×500 = 2500; refund 500 in April (music 400, books 100)
 *   o-4  cust-s 2025-01-20 store            music 1×1000 − 200 = 800
 *   o-6  cust-w 2025-02-01 web              music 1×600
 *   o-2  cust-n 2025-02-10 store region East music 1×3000                    (the purchase's region wins)
 *   o-7  cust-s 2025-02-14 web   USD        music 1×5000
 *   o-3  cust-n 2025-03-05 web              books 4×250 = 1000              (am-2 by then)
 *   o-5  cust-s 2025-03-31T22:00-03:00 phone books 2×700 = 1400             (UTC 2025-04-01)
 */
describeOnPostgresServer('GET /analytics/revenue on PostgreSQL server', () => {
  let t: TestApp;

  async function get(query: string): Promise<Answer> {
    const response = await t.as('reader').get(`/analytics/revenue?${query}`).expect(200);
    return response.body as Answer;
  }

  async function purchase(customerId: string, orderId: string, body: Record<string, unknown>): Promise<void> {
    await t
      .as('writer')
      .post(`/customers/${customerId}/purchases`)
      .send({ orderId, currency: 'EUR', ...body })
      .expect(201);
  }

  beforeAll(async () => {
    t = await startTestApp('postgres');
    const writer = t.as('writer');
    const register = async (customerId: string, region: string, occurredAt?: string) => {
      await writer
        .post('/customers')
        .send({ customerId, kind: 'individual', name: `Customer ${customerId}`, region, occurredAt })
        .expect(201);
    };
    await register('cust-n', 'North', '2024-12-01T00:00:00Z');
    await register('cust-s', 'South', '2025-01-01T00:00:00Z');
    await register('cust-w', 'West', '2025-01-01T00:00:00Z');
    const assign = async (accountManagerId: string, occurredAt: string) => {
      await writer
        .put('/customers/cust-n/account-manager')
        .send({ accountManagerId, occurredAt })
        .expect((r) => expect(r.status).toBe(200));
    };
    await assign('am-1', '2025-01-01T00:00:00Z');
    await assign('am-2', '2025-03-01T00:00:00Z');

    await purchase('cust-n', 'o-8', { channel: 'web', lines: [music(1, 100)], occurredAt: '2024-12-31T23:00:00Z' });
    await purchase('cust-n', 'o-1', {
      channel: 'web',
      lines: [music(2, 1000), books(1, 500)],
      occurredAt: '2025-01-15T10:00:00Z',
    });
    await purchase('cust-s', 'o-4', {
      channel: 'store',
      lines: [music(1, 1000, 200)],
      occurredAt: '2025-01-20T08:00:00Z',
    });
    await purchase('cust-w', 'o-6', { channel: 'web', lines: [music(1, 600)], occurredAt: '2025-02-01T09:00:00Z' });
    await purchase('cust-n', 'o-2', {
      channel: 'store',
      region: 'East',
      lines: [music(1, 3000)],
      occurredAt: '2025-02-10T23:30:00Z',
    });
    await purchase('cust-s', 'o-7', {
      channel: 'web',
      currency: 'USD',
      lines: [music(1, 5000)],
      occurredAt: '2025-02-14T12:00:00Z',
    });
    await purchase('cust-n', 'o-3', { channel: 'web', lines: [books(4, 250)], occurredAt: '2025-03-05T12:00:00Z' });
    await purchase('cust-s', 'o-5', {
      channel: 'phone',
      lines: [books(2, 700)],
      occurredAt: '2025-03-31T22:00:00-03:00',
    });
    await writer
      .post('/customers/cust-n/purchases/o-1/refunds')
      .send({ amountMinor: 500, occurredAt: '2025-04-10T10:00:00Z' })
      .expect(201);
    const survey = async (customerId: string, body: Record<string, unknown>) => {
      await writer
        .post(`/customers/${customerId}/surveys`)
        .send({ method: 'online', ...body })
        .expect(201);
    };
    await survey('cust-n', { surveyId: 's-1', csat: 5, nps: 10, occurredAt: '2025-02-20T10:00:00Z' });
    await survey('cust-n', { surveyId: 's-2', csat: 3, nps: 8, occurredAt: '2025-03-20T10:00:00Z' });
    await survey('cust-s', { surveyId: 's-3', nps: 2, occurredAt: '2025-03-21T10:00:00Z' });

    // Every projection has caught up once each order carries its refund, region and account manager.
    await expectEventually(
      async () => {
        const answer = await get(`${YEAR_2025}&currency=EUR&groupBy=month,region,accountManager`);
        expect(answer.rows).toEqual([
          {
            month: '2025-01',
            periodStart: '2025-01-01',
            region: 'North',
            accountManager: 'am-1',
            currency: 'EUR',
            ...measures(2500, 500, 1, 3, 1),
          },
          {
            month: '2025-01',
            periodStart: '2025-01-01',
            region: 'South',
            accountManager: '',
            currency: 'EUR',
            ...measures(800, 0, 1, 1, 1),
          },
          {
            month: '2025-02',
            periodStart: '2025-02-01',
            region: 'East',
            accountManager: 'am-1',
            currency: 'EUR',
            ...measures(3000, 0, 1, 1, 1),
          },
          {
            month: '2025-02',
            periodStart: '2025-02-01',
            region: 'West',
            accountManager: '',
            currency: 'EUR',
            ...measures(600, 0, 1, 1, 1),
          },
          {
            month: '2025-03',
            periodStart: '2025-03-01',
            region: 'North',
            accountManager: 'am-2',
            currency: 'EUR',
            ...measures(1000, 0, 1, 4, 1),
          },
          {
            month: '2025-04',
            periodStart: '2025-04-01',
            region: 'South',
            accountManager: '',
            currency: 'EUR',
            ...measures(1400, 0, 1, 2, 1),
          },
        ]);
      },
      { timeoutMs: 20_000 },
    );
  }, 90_000);

  afterAll(async () => {
    await t?.close();
  }, 60_000);

  it('answers totals per currency without groupBy, never adding currencies together', async () => {
    expect(await get(YEAR_2025)).toEqual({
      from: '2025-01-01',
      to: '2026-01-01',
      groupBy: [],
      rows: [
        { currency: 'EUR', ...measures(9300, 500, 6, 12, 3) },
        { currency: 'USD', ...measures(5000, 0, 1, 1, 1) },
      ],
    });
  });

  it("groups by the customer's segment today: every buyer of 2025 has been silent over a year, so churned", async () => {
    const bySegment = await get(`${YEAR_2025}&groupBy=segment`);
    expect(bySegment.rows).toEqual([
      { segment: 'churned', currency: 'EUR', ...measures(9300, 500, 6, 12, 3) },
      { segment: 'churned', currency: 'USD', ...measures(5000, 0, 1, 1, 1) },
    ]);
    expect((await get(`${YEAR_2025}&segment=churned`)).rows).toHaveLength(2);
    expect((await get(`${YEAR_2025}&segment=Champions`)).rows).toEqual([]);
  });

  it('groups by month and region', async () => {
    const answer = await get(`${YEAR_2025}&currency=EUR&groupBy=month,region`);
    expect(answer.groupBy).toEqual(['month', 'region']);
    expect(answer.rows).toEqual([
      {
        month: '2025-01',
        periodStart: '2025-01-01',
        region: 'North',
        currency: 'EUR',
        ...measures(2500, 500, 1, 3, 1),
      },
      { month: '2025-01', periodStart: '2025-01-01', region: 'South', currency: 'EUR', ...measures(800, 0, 1, 1, 1) },
      { month: '2025-02', periodStart: '2025-02-01', region: 'East', currency: 'EUR', ...measures(3000, 0, 1, 1, 1) },
      { month: '2025-02', periodStart: '2025-02-01', region: 'West', currency: 'EUR', ...measures(600, 0, 1, 1, 1) },
      { month: '2025-03', periodStart: '2025-03-01', region: 'North', currency: 'EUR', ...measures(1000, 0, 1, 4, 1) },
      { month: '2025-04', periodStart: '2025-04-01', region: 'South', currency: 'EUR', ...measures(1400, 0, 1, 2, 1) },
    ]);
  });

  it('groups by category: a purchase counts once in each category it has lines in; refunds follow the lines', async () => {
    expect((await get(`${YEAR_2025}&currency=EUR&groupBy=category`)).rows).toEqual([
      { category: 'books', currency: 'EUR', ...measures(2900, 100, 3, 7, 2) },
      { category: 'music', currency: 'EUR', ...measures(6400, 400, 4, 5, 3) },
    ]);
  });

  it('groups by the account manager in charge at the time of each purchase', async () => {
    expect((await get(`${YEAR_2025}&currency=EUR&groupBy=accountManager`)).rows).toEqual([
      { accountManager: '', currency: 'EUR', ...measures(2800, 0, 3, 4, 2) },
      { accountManager: 'am-1', currency: 'EUR', ...measures(5500, 500, 2, 4, 1) },
      { accountManager: 'am-2', currency: 'EUR', ...measures(1000, 0, 1, 4, 1) },
    ]);
  });

  it('groups by quarter and channel', async () => {
    expect((await get(`${YEAR_2025}&currency=EUR&groupBy=quarter,channel`)).rows).toEqual([
      {
        quarter: '2025-Q1',
        periodStart: '2025-01-01',
        channel: 'store',
        currency: 'EUR',
        ...measures(3800, 0, 2, 2, 2),
      },
      {
        quarter: '2025-Q1',
        periodStart: '2025-01-01',
        channel: 'web',
        currency: 'EUR',
        ...measures(4100, 500, 3, 8, 2),
      },
      {
        quarter: '2025-Q2',
        periodStart: '2025-04-01',
        channel: 'phone',
        currency: 'EUR',
        ...measures(1400, 0, 1, 2, 1),
      },
    ]);
  });

  it('groups by ISO week, by day and by year; `from` is included and `to` excluded', async () => {
    expect((await get('from=2025-01-13&to=2025-01-27&currency=EUR&groupBy=week')).rows).toEqual([
      { week: '2025-W03', periodStart: '2025-01-13', currency: 'EUR', ...measures(2500, 500, 1, 3, 1) },
      { week: '2025-W04', periodStart: '2025-01-20', currency: 'EUR', ...measures(800, 0, 1, 1, 1) },
    ]);
    expect((await get('from=2025-01-15&to=2025-01-20&groupBy=day')).rows).toEqual([
      { day: '2025-01-15', periodStart: '2025-01-15', currency: 'EUR', ...measures(2500, 500, 1, 3, 1) },
    ]);
    expect((await get('from=2024-12-01&to=2025-02-01&currency=EUR&groupBy=year')).rows).toEqual([
      { year: '2024', periodStart: '2024-01-01', currency: 'EUR', ...measures(100, 0, 1, 1, 1) },
      // o-1 and o-4; o-6 falls on 2025-02-01, the excluded end.
      { year: '2025', periodStart: '2025-01-01', currency: 'EUR', ...measures(3300, 500, 2, 4, 2) },
    ]);
  });

  it('attributes a purchase dated before the registration to the first known region and no manager', async () => {
    expect((await get('from=2024-12-01&to=2025-01-01&groupBy=region,accountManager')).rows).toEqual([
      { region: 'North', accountManager: '', currency: 'EUR', ...measures(100, 0, 1, 1, 1) },
    ]);
  });

  it.each([
    ['from=2025-01-01&to=2025-02-01&currency=EUR&category=music', [measures(2800, 400, 2, 3, 2)]],
    [`${YEAR_2025}&currency=EUR&region=North`, [measures(3500, 500, 2, 7, 1)]],
    [`${YEAR_2025}&currency=EUR&accountManager=am-2`, [measures(1000, 0, 1, 4, 1)]],
    [`${YEAR_2025}&channel=phone`, [measures(1400, 0, 1, 2, 1)]],
    [`${YEAR_2025}&currency=USD&channel=web`, [measures(5000, 0, 1, 1, 1)]],
    [`${YEAR_2025}&currency=EUR&region=Atlantis`, []],
    ['from=2026-01-01&to=2026-02-01', []],
  ])('filters ?%s', async (query, expected) => {
    expect((await get(query)).rows.map(({ currency: _currency, ...row }) => row)).toEqual(expected);
  });

  it('keeps survey answers by day with the region and account manager of their time, for BI tools', async () => {
    const dataSource = t.app.get<DataSource>(DATA_SOURCE);
    await expectEventually(async () => {
      const rows: Row[] = await dataSource.query(
        `SELECT to_char(day, 'YYYY-MM') AS month, region, account_manager_id AS "accountManager",
                count(csat)::int AS "csatCount", COALESCE(sum(csat), 0)::int AS "csatSum",
                sum(csat_satisfied)::int AS satisfied, sum(nps_promoter)::int AS promoters,
                sum(nps_passive)::int AS passives, sum(nps_detractor)::int AS detractors
           FROM analytics_survey_facts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      );
      expect(rows).toEqual([
        {
          month: '2025-02',
          region: 'North',
          accountManager: 'am-1',
          csatCount: 1,
          csatSum: 5,
          satisfied: 1,
          promoters: 1,
          passives: 0,
          detractors: 0,
        },
        {
          month: '2025-03',
          region: 'North',
          accountManager: 'am-2',
          csatCount: 1,
          csatSum: 3,
          satisfied: 0,
          promoters: 0,
          passives: 1,
          detractors: 0,
        },
        {
          month: '2025-03',
          region: 'South',
          accountManager: '',
          csatCount: 0,
          csatSum: 0,
          satisfied: null,
          promoters: 0,
          passives: 0,
          detractors: 1,
        },
      ]);
    });
  });

  it('accepts a range of exactly five years', async () => {
    await t.as('reader').get('/analytics/revenue?from=2020-01-01&to=2025-01-01').expect(200);
  });

  it('answers 401 without a valid key and 403 to roles other than reader or admin', async () => {
    const app = t.app.getHttpServer();
    await request(app).get(`/analytics/revenue?${YEAR_2025}`).expect(401);
    await request(app)
      .get(`/analytics/revenue?${YEAR_2025}`)
      .set('Authorization', 'Bearer not-a-key-of-this-api')
      .expect(401);
    const forbidden = await t.as('writer').get(`/analytics/revenue?${YEAR_2025}`).expect(403);
    expect(forbidden.body).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['reader'] });
    await t.as('auditor').get(`/analytics/revenue?${YEAR_2025}`).expect(403);
    await t.as('admin').get(`/analytics/revenue?${YEAR_2025}`).expect(200);
  });

  it.each([
    ['to=2025-02-01', 'from', /from/],
    ['from=2025-01-01', 'to', /to/],
    ['from=2025-13-01&to=2026-01-01', 'from', /YYYY-MM-DD/],
    ['from=2025-02-30&to=2026-01-01', 'from', /YYYY-MM-DD/],
    ['from=2025-01-01T00:00:00Z&to=2026-01-01', 'from', /YYYY-MM-DD/],
    ['from=2025-01-01&to=2025-01-01', 'to', /after from/],
    ['from=2025-02-01&to=2025-01-01', 'to', /after from/],
    ['from=2020-01-01&to=2025-01-02', 'to', /5 years/],
    [`${YEAR_2025}&groupBy=month,week`, 'groupBy', /at most one time granularity/],
    [`${YEAR_2025}&groupBy=region,region`, 'groupBy', /at most once/],
    [`${YEAR_2025}&groupBy=colour`, 'groupBy', /unknown name "colour"/],
    [`${YEAR_2025}&groupBy=`, 'groupBy', /groupBy/],
    [`${YEAR_2025}&groupBy=month&groupBy=region`, 'groupBy', /groupBy/],
    [`${YEAR_2025}&currency=EURO`, 'currency', /ISO 4217/],
    [`${YEAR_2025}&currency=eur`, 'currency', /ISO 4217/],
    [`${YEAR_2025}&channel=fax`, 'channel', /channel/],
    [`${YEAR_2025}&accountManager=bad%20id`, 'accountManager', /accountManager/],
    [`${YEAR_2025}&region=`, 'region', /region/],
    [`${YEAR_2025}&category=${'x'.repeat(101)}`, 'category', /category/],
    [`${YEAR_2025}&colour=blue`, 'colour', /colour/],
  ])('answers 400 naming the parameter for ?%s', async (query, field, message) => {
    const response = await t.as('reader').get(`/analytics/revenue?${query}`).expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    const problems = (response.body.problems as Array<{ field: string; message: string }>).filter(
      (p) => p.field === field,
    );
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map((p) => p.message).join('; ')).toMatch(message);
  });
});
