/**
 * `npm run bench:commands`: an HTTP load of mixed customer commands on the
 * PostgreSQL server.
 *
 * 1. Starts the API (`node scripts/start.js api`, compiled) on a scratch
 *    database of the server at DATABASE_URL (default
 *    postgres://postgres@127.0.0.1:5432/test), with the projector in process
 *    as in the default deployment.
 * 2. Registers BENCH_CUSTOMERS customers (default 10,000) over HTTP.
 * 3. Sends mixed commands (purchases, contacts, surveys, feedback, profile
 *    updates) to random customers for BENCH_SECONDS (default 20 s) over
 *    BENCH_CONNECTIONS connections (default 64) with autocannon.
 * 4. Prints commands/s, latency percentiles, non-2xx answers and the API's
 *    peak resident memory.
 *
 * Loopback only; bounded in time; it stops by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Pool } from 'pg';

const ROOT = join(__dirname, '..', '..');
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const PORT = Number(process.env.BENCH_PORT ?? 3917);
const KEY = 'bench-writer-key-000000000001';

function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : 0;
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/health`, { headers: { Authorization: `Bearer ${KEY}` } });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the API did not become healthy within 120 s');
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

let orders = 0;
function mixedCommand(): { method: 'POST' | 'PATCH'; path: string; body: string } {
  const customer = `bench-${Math.floor(Math.random() * CUSTOMERS)}`;
  const roll = Math.random();
  if (roll < 0.5) {
    orders++;
    return {
      method: 'POST',
      path: `/customers/${customer}/purchases`,
      body: JSON.stringify({
        orderId: `o-${process.pid}-${orders}`,
        currency: 'EUR',
        channel: pick(['web', 'store', 'phone']),
        region: pick(['North', 'South', 'East', 'West']),
        lines: [
          {
            sku: `sku-${orders % 97}`,
            category: pick(['music', 'books', 'games']),
            quantity: 1 + (orders % 3),
            unitPriceMinor: 999,
          },
        ],
      }),
    };
  }
  if (roll < 0.7) {
    return {
      method: 'POST',
      path: `/customers/${customer}/contacts`,
      body: JSON.stringify({ channel: 'email', direction: 'inbound', agent: 'agent-1', topic: 'question' }),
    };
  }
  if (roll < 0.85) {
    return {
      method: 'POST',
      path: `/customers/${customer}/surveys`,
      body: JSON.stringify({
        method: 'online',
        csat: 1 + Math.floor(Math.random() * 5),
        nps: Math.floor(Math.random() * 11),
      }),
    };
  }
  if (roll < 0.95) {
    return {
      method: 'POST',
      path: `/customers/${customer}/feedback`,
      body: JSON.stringify({ kind: 'suggestion', channel: 'web', text: 'more jazz please' }),
    };
  }
  return {
    method: 'PATCH',
    path: `/customers/${customer}/profile`,
    body: JSON.stringify({ region: pick(['North', 'South']) }),
  };
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function main(): Promise<void> {
  const admin = new Pool({ connectionString: SERVER, max: 1 });
  const database = `bench_commands_${process.pid}`;
  try {
    await admin.query(`CREATE DATABASE ${database}`);
  } catch (error) {
    process.stdout.write(
      `PostgreSQL server at ${SERVER.replace(/:[^:@/]*@/, ':***@')} unavailable: ${(error as Error).message}\n`,
    );
    await admin.end();
    process.exitCode = 1;
    return;
  }
  const url = new URL(SERVER);
  url.pathname = `/${database}`;
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.js'), 'api'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url.toString(),
      PORT: String(PORT),
      HOST: '127.0.0.1',
      CRM_API_KEYS: `writer:${KEY}`,
      LOG_LEVEL: process.env.BENCH_API_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let peakRss = 0;
  const sampler = setInterval(() => {
    if (child.pid) peakRss = Math.max(peakRss, rssMegabytes(child.pid));
  }, 200);
  const base = `http://127.0.0.1:${PORT}`;
  try {
    await waitForHealth(base, child);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };

    let registered = 0;
    const started = Date.now();
    const registration = await run({
      url: base,
      connections: CONNECTIONS,
      amount: CUSTOMERS,
      headers,
      requests: [
        {
          method: 'POST',
          path: '/customers',
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ customerId: `bench-${registered++}`, kind: 'individual', name: 'Bench Customer' }),
          }),
        },
      ],
    });
    const registrationSeconds = (Date.now() - started) / 1000;
    const rssAfterRegistration = peakRss;

    const mixed = await run({
      url: base,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers,
      requests: [{ setupRequest: (request) => ({ ...request, ...mixedCommand() }) }],
    });

    const lines = [
      '',
      `command benchmark: ${cpus().length} cores, Node ${process.version}, API + in-process projector on the PostgreSQL server, ${CONNECTIONS} connections`,
      '',
      'phase                    requests   2xx      non-2xx  req/s    p50 ms  p90 ms  p99 ms  max ms',
      '-----------------------  ---------  -------  -------  -------  ------  ------  ------  ------',
      row('register customers', registration, registrationSeconds),
      row(`mixed commands ${SECONDS}s`, mixed, SECONDS),
      '',
      `API peak RSS: ${peakRss.toFixed(0)} MB (after registration: ${rssAfterRegistration.toFixed(0)} MB)`,
      'goal: >= 5,000 commands/s at p99 <= 50 ms',
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    clearInterval(sampler);
    process.stderr.write(`stopping the API (pid ${child.pid})\n`);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    process.stderr.write('API stopped\n');
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

function row(label: string, result: autocannon.Result, seconds: number): string {
  const total = result.requests.total;
  const ok = result['2xx'];
  const pad = (value: string | number, width: number) => String(value).padStart(width);
  return [
    label.padEnd(23),
    pad(total, 9),
    pad(ok, 7),
    pad(result.non2xx, 7),
    pad(Math.round(ok / seconds), 7),
    pad(result.latency.p50, 6),
    pad(result.latency.p90, 6),
    pad(result.latency.p99, 6),
    pad(result.latency.max, 6),
  ].join('  ');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
