import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { StoredEvent } from '@crm/event-store';
import type { EventLogRecord } from '@crm/event-store/event-log';
import { EventStreams } from '../../apps/api/src/events/event-streams';
import { customerActivity } from '../support/customer-activity';
import { expectEventually } from '../support/eventually';
import { describeOnPostgresServer } from '../support/server-suites';
import { startTestApp, TEST_KEYS, type TestApp } from '../support/test-app';

interface Page {
  items: EventLogRecord[];
  lastCheckpoint: string | null;
  nextAfter: string | null;
}

/** A server-sent-event connection read by hand: the frames received so far, and how it ended. */
interface EventStreamClient {
  readonly response: IncomingMessage;
  readonly frames: Array<{ id: string; data: EventLogRecord }>;
  readonly comments: string[];
  readonly ended: Promise<void>;
  close(): void;
}

describeOnPostgresServer('GET /events and GET /events/stream on PostgreSQL server', () => {
  let t: TestApp;
  let closed = false;
  let port: number;

  const feed = (query = '') => t.as('auditor').get(`/events${query}`);
  const allEvents = async (): Promise<StoredEvent[]> => t.store.readAll({ maxCount: 100_000 });

  async function pageThrough(query: string, limit: number, after?: string): Promise<EventLogRecord[]> {
    const seen: EventLogRecord[] = [];
    let cursor = after;
    for (;;) {
      const { body } = await feed(`?limit=${limit}${cursor ? `&after=${cursor}` : ''}${query}`).expect(200);
      const page = body as Page;
      seen.push(...page.items);
      if (page.items.length === 0) return seen;
      expect(page.lastCheckpoint).toBe(page.items[page.items.length - 1]!.checkpoint);
      expect(page.nextAfter).toBe(page.lastCheckpoint);
      cursor = page.nextAfter!;
    }
  }

  function openStream(path: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        path,
        headers: { Authorization: `Bearer ${TEST_KEYS.auditor}`, Accept: 'text/event-stream', ...headers },
      });
      req.on('error', reject);
      req.on('response', (response) => {
        const frames: EventStreamClient['frames'] = [];
        const comments: string[] = [];
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = block.split('\n');
            const id = fields.find((f) => f.startsWith('id: '))?.slice(4);
            const data = fields.find((f) => f.startsWith('data: '))?.slice(6);
            if (id !== undefined && data !== undefined) frames.push({ id, data: JSON.parse(data) as EventLogRecord });
            else comments.push(...fields.filter((f) => f.startsWith(':')));
          }
        });
        const ended = new Promise<void>((done) => response.on('close', () => done()));
        resolve({ response, frames, comments, ended, close: () => req.destroy() });
      });
      req.end();
    });
  }

  beforeAll(async () => {
    t = await startTestApp('postgres');
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    for (const id of ['fe-a', 'fe-b', 'fe-c']) await customerActivity(t, id);
    // Readers stop at the transaction-id horizon: a transaction open elsewhere on the server holds the newest back.
    await expectEventually(async () => expect(await allEvents()).toHaveLength(27));
  });

  afterAll(async () => {
    if (!closed) await t?.close();
  });

  it('pages from position 0 through every event exactly once, in global order', async () => {
    const paged = await pageThrough('', 7);
    const stored = await allEvents();
    expect(stored.length).toBe(await t.eventCount());
    expect(stored.length).toBe(27);
    expect(paged.map((e) => e.id)).toEqual(stored.map((e) => e.id));
    expect(paged[0]).toEqual({
      id: stored[0]!.id,
      stream: 'customer-fe-a',
      revision: 0,
      type: 'CustomerRegistered',
      data: stored[0]!.data,
      metadata: stored[0]!.metadata,
      recordedAt: stored[0]!.recordedAt.toISOString(),
      checkpoint: stored[0]!.checkpoint,
    });
    // The default page is 100 events; with no events left, nextAfter stays where the consumer is.
    const { body } = await feed().expect(200);
    expect((body as Page).items).toHaveLength(27);
    const { body: empty } = await feed(`?after=${stored[26]!.checkpoint}`).expect(200);
    expect(empty).toEqual({ items: [], lastCheckpoint: null, nextAfter: stored[26]!.checkpoint });
  });

  it('never skips nor repeats an event while commands of many customers commit concurrently', async () => {
    const before = await allEvents();
    let after = before[before.length - 1]!.checkpoint;
    const seen: EventLogRecord[] = [];
    let writing = true;
    const writers = Promise.all(
      ['fe-w1', 'fe-w2', 'fe-w3', 'fe-w4', 'fe-w5', 'fe-w6'].map((id) => customerActivity(t, id)),
    ).finally(() => (writing = false));
    // Page as fast as possible while the writers commit, then until the feed has every committed event.
    let committed = Infinity;
    const deadline = Date.now() + 20_000;
    while (seen.length < committed && Date.now() < deadline) {
      if (!writing && committed === Infinity) committed = (await t.eventCount()) - before.length;
      const { body } = await feed(`?after=${after}&limit=5`).expect(200);
      const page = body as Page;
      seen.push(...page.items);
      after = page.nextAfter!;
    }
    await writers;
    expect(committed).toBe(54);
    const stored = (await allEvents()).slice(before.length);
    expect(stored).toHaveLength(54);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(seen.map((e) => e.id)).toEqual(stored.map((e) => e.id));
  });

  it('filters by stream prefix and by event type, alone and together', async () => {
    const stored = await allEvents();
    const byPrefix = await pageThrough('&streamPrefix=customer-fe-b', 4);
    expect(byPrefix.map((e) => e.id)).toEqual(stored.filter((e) => e.stream === 'customer-fe-b').map((e) => e.id));
    expect(byPrefix).toHaveLength(9);

    const byType = await pageThrough('&type=PurchaseRecorded,SurveyRecorded', 3);
    expect(byType.map((e) => e.id)).toEqual(
      stored.filter((e) => e.type === 'PurchaseRecorded' || e.type === 'SurveyRecorded').map((e) => e.id),
    );
    expect(byType).toHaveLength(18);

    const both = await pageThrough('&streamPrefix=customer-fe-a,customer-fe-c&type=ComplaintFiled', 100);
    expect(both.map((e) => e.stream)).toEqual(['customer-fe-a', 'customer-fe-c']);
  });

  it.each([
    ['after', '?after=not-a-checkpoint'],
    ['after', '?after=12'],
    ['limit', '?limit=0'],
    ['limit', '?limit=1001'],
    ['limit', '?limit=ten'],
    ['type', '?type=A,,B'],
    ['since', '?since=1:1'],
  ])('answers 400 naming %s for %s', async (field, query) => {
    const { body } = await feed(query).expect(400);
    expect(body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect((body as { problems: Array<{ field: string }> }).problems.map((p) => p.field)).toContain(field);
  });

  it('answers 401 without a key and 403 to the writer and reader roles; admin may read', async () => {
    await t.as('writer').get('/events').expect(403);
    await t.as('reader').get('/events/stream').expect(403);
    const { body } = await t.as('reader').get('/events').expect(403);
    expect(body).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['auditor'] });
    await t.as('admin').get('/events?limit=1').expect(200);
    await request(t.app.getHttpServer()).get('/events').expect(401);
    await request(t.app.getHttpServer()).get('/events/stream').set('Accept', 'text/event-stream').expect(401);
  });

  it('streams the backlog, then new events live, and resumes after Last-Event-ID', async () => {
    const backlog = await allEvents();
    const client = await openStream('/events/stream?streamPrefix=customer-');
    expect(client.response.statusCode).toBe(200);
    expect(client.response.headers['content-type']).toMatch(/^text\/event-stream/);
    await expectEventually(() => expect(client.frames).toHaveLength(backlog.length));
    expect(client.frames.map((f) => f.id)).toEqual(backlog.map((e) => e.checkpoint));
    expect(client.frames.map((f) => f.data.id)).toEqual(backlog.map((e) => e.id));

    const live = await customerActivity(t, 'fe-live');
    const liveIds = live.flatMap((a) => a.eventIds);
    await expectEventually(() => expect(client.frames).toHaveLength(backlog.length + liveIds.length));
    expect(client.frames.slice(backlog.length).map((f) => f.data.id)).toEqual(liveIds);
    const lastSeen = client.frames[client.frames.length - 1]!.id;

    client.close();
    await client.ended;
    await expectEventually(() => expect(t.app.get(EventStreams).count).toBe(0));

    // Events committed while disconnected arrive on reconnection, and only those.
    const { body: missed } = await t
      .as('writer')
      .post('/customers/fe-live/surveys')
      .send({ surveyId: 'sv-2', method: 'phone', nps: 3 })
      .expect(201);
    const resumed = await openStream('/events/stream?after=1:1', { 'Last-Event-ID': lastSeen });
    await expectEventually(() => expect(resumed.frames.map((f) => f.data.id)).toEqual(missed.eventIds));
    resumed.close();
    await resumed.ended;
  });

  it('streams with Accept: text/event-stream on GET /events, filtered by type', async () => {
    const stored = (await allEvents()).filter((e) => e.type === 'ComplaintAssessed');
    const client = await openStream('/events?type=ComplaintAssessed');
    expect(client.response.headers['content-type']).toMatch(/^text\/event-stream/);
    await expectEventually(() => expect(client.frames.map((f) => f.data.id)).toEqual(stored.map((e) => e.id)));
    expect(client.comments).toContain(': connected');
    client.close();
    await client.ended;
  });

  it('refuses a Last-Event-ID or an after that is not a checkpoint, and a limit, with 400', async () => {
    const header = await t.as('auditor').get('/events/stream').set('Last-Event-ID', 'abc').expect(400);
    expect(header.body.problems[0].field).toBe('header:Last-Event-ID');
    const query = await t.as('auditor').get('/events/stream?after=x').expect(400);
    expect(query.body.problems[0].field).toBe('after');
    const limit = await t.as('auditor').get('/events/stream?limit=5').expect(400);
    expect(limit.body.problems[0].field).toBe('limit');
  });

  it('ends open streams when the application stops, and the stop does not wait for them', async () => {
    const client = await openStream('/events/stream');
    await expectEventually(() => expect(client.frames.length).toBeGreaterThan(0));
    expect(t.app.get(EventStreams).count).toBe(1);
    const started = Date.now();
    closed = true;
    await t.close();
    await client.ended;
    expect(client.response.complete).toBe(true);
    // Without ending the streams the stop waits for them for good; 20 s leaves room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
