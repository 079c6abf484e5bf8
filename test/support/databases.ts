import { randomUUID } from 'node:crypto';
import { Pool, type PoolConfig } from 'pg';

/** The PostgreSQL server the integration tests use. */
export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/**
 * Why the PostgreSQL server suites cannot run here, or undefined when they
 * can. Set by the global setup; under CI the setup fails instead.
 */
export function postgresServerUnavailable(): string | undefined {
  return process.env.CRM_TEST_POSTGRES_UNAVAILABLE || undefined;
}

/** A fresh schema name, so suites running side by side never share tables. */
export function uniqueSchemaName(label: string): string {
  return `t_${label}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

export async function dropSchema(config: PoolConfig, schema: string): Promise<void> {
  const pool = new Pool({ ...config, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}

/**
 * A new, empty database on the test server, for suites that need the whole
 * product schema to themselves. `drop()` removes it.
 */
export async function createScratchDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new URL(testDatabaseUrl());
  const name = uniqueSchemaName(label);
  const pool = new Pool({ connectionString: admin.toString(), max: 1 });
  try {
    await pool.query(`CREATE DATABASE "${name}"`);
  } finally {
    await pool.end();
  }
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new Pool({ connectionString: admin.toString(), max: 1 });
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
