import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

export interface PostgresOptions {
  max?: number;
  connectTimeoutMs?: number;
  /** Server-side cap on any one statement. */
  statementTimeoutMs?: number;
  applicationName?: string;
  onError?: (error: Error) => void;
}

/**
 * A pg Pool that fails fast when the server is away (connect timeout) and survives its restarts:
 * broken idle clients are dropped with a logged error instead of crashing the process.
 */
export function createPostgresPool(url: string, options: PostgresOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 5000,
    application_name: options.applicationName,
  });
  pool.on('error', (error) => options.onError?.(error));
  return pool;
}

/**
 * Whether an error means PostgreSQL cannot answer now (connection refused, lost or timed out; server out of
 * resources or shutting down), not that the statement is wrong: SQLSTATE classes 08, 53, 57 and 58, Node's
 * socket errors, and the pg pool's own connection failures.
 */
export function isPostgresUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') {
    if (/^(08|53|57|58)/.test(code)) return true;
    if (/^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, ETIMEDOUT...
  }
  const message = (error as Error | undefined)?.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|not queryable|ECONNREFUSED|ECONNRESET/i.test(
    message,
  );
}

export async function pingPostgres(pool: pg.Pool): Promise<void> {
  await pool.query('select 1');
}

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

/** Any fixed 64-bit key: every replica takes the same advisory lock around migrations. */
const MIGRATION_LOCK = 726_871_001;

/**
 * Applies the `.sql` files of `dir` in name order, each once and each in its own transaction, while holding
 * a session advisory lock, so replicas that start together migrate one at a time and never twice.
 */
export async function migrate(pool: pg.Pool, dir: string): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const client = await pool.connect();
  const result: MigrationResult = { applied: [], skipped: [] };
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
    );
    const done = new Set(
      (await client.query<{ name: string }>('select name from schema_migrations')).rows.map((r) => r.name),
    );
    for (const file of files) {
      if (done.has(file)) {
        result.skipped.push(file);
        continue;
      }
      const sql = await readFile(path.join(dir, file), 'utf8');
      await client.query('begin');
      try {
        await client.query(sql);
        await client.query('insert into schema_migrations (name) values ($1)', [file]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
      }
      result.applied.push(file);
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return result;
}
