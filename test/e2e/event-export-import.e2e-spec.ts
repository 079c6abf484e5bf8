import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { EventLogRecord } from '@crm/event-store/event-log';
import { CRM_CONFIG, loadCrmConfig, type CrmConfig } from '@crm/platform';
import { exportEventsCommand, importEventsCommand, type ExportEventsOptions } from '../../apps/cli/src/events.command';
import { customerActivity } from '../support/customer-activity';
import { createScratchDatabase } from '../support/databases';
import { expectEventually } from '../support/eventually';
import { describeOnPostgresServer } from '../support/server-suites';
import { startTestApp, type TestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function exportEvents(config: CrmConfig, options: Partial<ExportEventsOptions> = {}): Promise<Run> {
  const stdout = new Collect();
  const stderr = new Collect();
  const code = await exportEventsCommand({ progress: false, ...options }, config, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

async function importEvents(config: CrmConfig, file: string): Promise<Run> {
  const stdout = new Collect();
  const stderr = new Collect();
  const code = await importEventsCommand(file, { progress: false }, config, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const records = (ndjson: string): EventLogRecord[] =>
  ndjson
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as EventLogRecord);

/** What an import keeps: everything but the store's own recorded time and checkpoint. */
const facts = (ndjson: string) =>
  records(ndjson).map(({ id, stream, revision, type, data, metadata }) => ({
    id,
    stream,
    revision,
    type,
    data,
    metadata,
  }));

describeOnPostgresServer('crm events export / import on PostgreSQL server', () => {
  let t: TestApp;
  let source: CrmConfig;
  let full: Run;
  const dir = mkdtempSync(join(tmpdir(), 'crm-events-'));
  const scratch: Array<{ drop(): Promise<void> }> = [];

  async function freshStore(): Promise<CrmConfig> {
    const database = await createScratchDatabase('events_import');
    scratch.push(database);
    return loadCrmConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'error', CRM_POLL_INTERVAL_MS: '50' });
  }

  function file(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  beforeAll(async () => {
    t = await startTestApp('postgres');
    source = t.app.get<CrmConfig>(CRM_CONFIG);
    for (const id of ['rt-a', 'rt-b', 'rt-c']) await customerActivity(t, id);
    // Readers stop at the transaction-id horizon: a transaction open elsewhere on the server holds the newest back.
    await expectEventually(async () => expect(await t.store.readAll({ maxCount: 1000 })).toHaveLength(27));
    full = await exportEvents(source);
  });

  afterAll(async () => {
    await t?.close();
    for (const database of scratch) await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the whole log in global order, one event per line, and names the last checkpoint on stderr', async () => {
    const stored = await t.store.readAll({ maxCount: 10_000 });
    expect(full.code).toBe(0);
    expect(stored).toHaveLength(27);
    expect(records(full.stdout)).toEqual(
      stored.map((e) => ({
        id: e.id,
        stream: e.stream,
        revision: e.revision,
        type: e.type,
        data: e.data,
        metadata: e.metadata,
        recordedAt: e.recordedAt.toISOString(),
        checkpoint: e.checkpoint,
      })),
    );
    expect(full.stderr).toContain(`exported 27 events; last checkpoint written: ${stored[26]!.checkpoint}`);
  });

  it('round-trips through an import into a fresh database: same streams, revisions, ids, types, data, metadata and order', async () => {
    const target = await freshStore();
    const imported = await importEvents(target, file('full.ndjson', full.stdout));
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.stdout).toContain('27 events appended of 27');
    const again = await expectEventually(async () => {
      const exported = await exportEvents(target);
      expect(facts(exported.stdout)).toEqual(facts(full.stdout));
      return exported;
    });
    // The target store gives the events its own checkpoints, in the same order.
    expect(records(again.stdout).map((r) => r.checkpoint)).not.toEqual(records(full.stdout).map((r) => r.checkpoint));

    // The same file again finds every event present and appends nothing.
    const repeated = await importEvents(target, file('full.ndjson', full.stdout));
    expect(repeated.code).toBe(0);
    expect(repeated.stdout).toContain('0 events appended, 27 already present of 27');
  });

  it('goes on after an import that stopped part-way, and refuses a store that holds other events', async () => {
    const target = await freshStore();
    const lines = full.stdout.split('\n');
    expect((await importEvents(target, file('start.ndjson', `${lines.slice(0, 12).join('\n')}\n`))).code).toBe(0);
    const rest = await importEvents(target, file('full.ndjson', full.stdout));
    expect(rest.code).toBe(0);
    expect(rest.stdout).toContain('15 events appended, 12 already present of 27');
    await expectEventually(async () => expect(facts((await exportEvents(target)).stdout)).toEqual(facts(full.stdout)));

    const onlyB = await exportEvents(source, { streamPrefix: ['customer-rt-b'] });
    const refused = await importEvents(target, file('only-b.ndjson', onlyB.stdout));
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/the store is not empty and its events are not the start of this file .* line 1\)/);
    expect(records((await exportEvents(target)).stdout)).toHaveLength(27);
  });

  it('checks every line before appending: a bad line is named and nothing is imported', async () => {
    const target = await freshStore();
    const lines = full.stdout.split('\n');
    const broken = JSON.parse(lines[8]!) as Record<string, unknown>;
    delete broken.metadata;
    lines[4] = lines[4]!.slice(0, 30);
    lines[8] = JSON.stringify(broken);
    const result = await importEvents(target, file('broken.ndjson', lines.join('\n')));
    expect(result.code).toBe(1);
    // Line 5 took an event out of its stream, so the next events of that stream are out of order too.
    expect(result.stderr).toMatch(/broken\.ndjson: \d+ bad line\(s\); nothing was imported/);
    expect(result.stderr).toContain('line 5: INVALID_JSON');
    expect(result.stderr).toContain('line 9: MISSING_FIELD: metadata is missing');
    expect((await exportEvents(target)).stdout).toBe('');

    const filtered = await exportEvents(source, { type: ['PurchaseRecorded', 'SurveyRecorded'] });
    const gaps = await importEvents(target, file('by-type.ndjson', filtered.stdout));
    expect(gaps.code).toBe(1);
    expect(gaps.stderr).toContain('REVISION_OUT_OF_ORDER');
  });

  it('resumes: an export up to a checkpoint, then one from it, concatenate to the full export', async () => {
    const checkpoint = records(full.stdout)[9]!.checkpoint;
    const first = await exportEvents(source, { to: checkpoint });
    expect(first.stderr).toContain(`last checkpoint written: ${checkpoint}`);
    const second = await exportEvents(source, { from: checkpoint });
    expect(records(first.stdout)).toHaveLength(10);
    expect(first.stdout + second.stdout).toBe(full.stdout);
  });

  it('filters by stream prefix, type and recorded time, and refuses a bound that is neither checkpoint nor time', async () => {
    const byType = await exportEvents(source, { streamPrefix: ['customer-rt-a'], type: ['PurchaseRecorded'] });
    expect(records(byType.stdout).map((r) => [r.stream, r.type])).toEqual([['customer-rt-a', 'PurchaseRecorded']]);
    expect((await exportEvents(source, { to: '2000-01-01' })).stdout).toBe('');
    expect((await exportEvents(source, { from: '2000-01-01T00:00:00Z' })).stdout).toBe(full.stdout);
    const last = records(full.stdout)[26]!;
    const since = records((await exportEvents(source, { from: last.recordedAt })).stdout);
    expect(since.map((r) => r.id)).toContain(last.id);
    expect(since.every((r) => r.recordedAt >= last.recordedAt)).toBe(true);
    await expect(exportEvents(source, { from: 'yesterday' })).rejects.toThrow(
      '--from "yesterday" is neither a checkpoint of this store nor an ISO 8601 time',
    );
  });

  it('through the real CLI: standard output holds only the NDJSON, standard error the checkpoint', async () => {
    const child = spawn(process.execPath, ['scripts/crm.js', 'events', 'export', '--stream-prefix', 'customer-rt-c'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: source.databaseUrl!, LOG_LEVEL: 'log' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    const exported = records(stdout);
    expect(exported.map((r) => r.id)).toEqual(
      records(full.stdout)
        .filter((r) => r.stream === 'customer-rt-c')
        .map((r) => r.id),
    );
    expect(stderr).toContain(`last checkpoint written: ${exported[8]!.checkpoint}`);
    expect(readFileSync(join(ROOT, 'package.json'), 'utf8')).toContain('"crm"');
  }, 180_000);
});
