import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  repoRoot,
  startPostgres,
  usePostgresDatabase,
  type Isolated,
  type PostgresHandle,
} from '@craftista/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresPool, migrate, pingPostgres } from '../src/index.js';

const run = promisify(execFile);
const migrations = path.join(import.meta.dirname, 'fixtures/migrations');

describe('migrate', () => {
  let database: Isolated;
  beforeAll(async () => {
    database = await usePostgresDatabase();
  });
  afterAll(() => database.dispose());

  it('applies each migration exactly once when two processes migrate the same database at once', async () => {
    const cli = path.join(import.meta.dirname, 'fixtures/migrate-cli.ts');
    const runOnce = () =>
      run(process.execPath, ['--conditions=craftista-source', '--import', 'tsx', cli], {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: database.url },
      });
    const outputs = await Promise.all([runOnce(), runOnce()]);
    const results = outputs.map((o) => JSON.parse(o.stdout) as { applied: string[]; skipped: string[] });
    const applied = results.flatMap((r) => r.applied).sort();
    expect(applied).toEqual(['001_counters.sql', '002_slow.sql', '003_more.sql']);
    expect(results.flatMap((r) => r.skipped).sort()).toEqual(applied);

    const pool = createPostgresPool(database.url);
    const { rows } = await pool.query('select n from counters where name = $1', ['applied']);
    expect(rows).toEqual([{ n: 2 }]);
    expect((await pool.query('select count(*)::int as c from schema_migrations')).rows[0].c).toBe(3);
    expect(await migrate(pool, migrations)).toEqual({ applied: [], skipped: applied });
    await pool.end();
  });

  it('rolls back a failing migration and names it', async () => {
    const broken = path.join(import.meta.dirname, 'fixtures/broken-migrations');
    const pool = createPostgresPool(database.url);
    await expect(migrate(pool, broken)).rejects.toThrow(/migration 001_broken.sql failed: .*does_not_exist/);
    const { rows } = await pool.query("select to_regclass('half_done') as t");
    expect(rows[0].t).toBeNull();
    await pool.end();
  });
});

describe('createPostgresPool', () => {
  let server: PostgresHandle;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server.dispose());

  it('fails fast while the server is down and recovers by itself when it is back', async () => {
    const errors: Error[] = [];
    const pool = createPostgresPool(server.url, { connectTimeoutMs: 500, onError: (e) => errors.push(e) });
    await pingPostgres(pool);
    await server.stop();
    const started = Date.now();
    await expect(pingPostgres(pool)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1500);
    await server.start();
    await pingPostgres(pool);
    await pool.end();
  });
});
