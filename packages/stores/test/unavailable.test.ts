// Store errors classified on real servers: what an unreachable store raises is "unavailable", what a wrong
// operation raises is not.
import { freePort, useMongoDatabase, usePostgresDatabase } from '@craftista/testkit';
import { describe, expect, it } from 'vitest';
import {
  createMongoStore,
  createPostgresPool,
  isMongoUnavailable,
  isPostgresUnavailable,
  mongoDatabaseName,
} from '../src/index.js';

const failure = async (work: () => Promise<unknown>): Promise<unknown> =>
  work().then(
    () => expect.unreachable('expected a failure'),
    (error: unknown) => error,
  );

describe('isPostgresUnavailable', () => {
  it('is true for a server that refuses connections, false for a wrong statement or a taken key', async () => {
    const dead = createPostgresPool(`postgres://nobody@127.0.0.1:${await freePort()}/none`);
    expect(isPostgresUnavailable(await failure(() => dead.query('select 1')))).toBe(true);
    await dead.end();

    const database = await usePostgresDatabase();
    const pool = createPostgresPool(database.url);
    try {
      expect(isPostgresUnavailable(await failure(() => pool.query('selec 1')))).toBe(false);
      await pool.query('create table t (id int primary key)');
      await pool.query('insert into t values (1)');
      expect(isPostgresUnavailable(await failure(() => pool.query('insert into t values (1)')))).toBe(false);
    } finally {
      await pool.end();
      await database.dispose();
    }
  });
});

describe('isMongoUnavailable', () => {
  it('is true for a server that cannot be reached, false for a duplicate key', async () => {
    const dead = createMongoStore(`mongodb://127.0.0.1:${await freePort()}/none`, { timeoutMs: 300 });
    expect(isMongoUnavailable(await failure(() => dead.db.collection('x').findOne({})))).toBe(true);
    await dead.close();

    const database = await useMongoDatabase();
    const store = createMongoStore(database.url);
    try {
      const things = store.db.collection<{ id: number }>('things');
      await things.createIndex({ id: 1 }, { unique: true });
      await things.insertOne({ id: 1 });
      expect(isMongoUnavailable(await failure(() => things.insertOne({ id: 1 })))).toBe(false);
      expect(isMongoUnavailable(new Error('not a driver error'))).toBe(false);
    } finally {
      await store.close();
      await database.dispose();
    }
  });
});

describe('createMongoStore', () => {
  it('uses the database named in the URL, else the default given', () => {
    expect(mongoDatabaseName('mongodb://mongo:27017/catalogue?retryWrites=false')).toBe('catalogue');
    expect(mongoDatabaseName('mongodb+srv://user:pw@cluster.example/shop')).toBe('shop');
    expect(mongoDatabaseName('mongodb://a:1,b:2/?replicaSet=rs')).toBeUndefined();
    expect(createMongoStore('mongodb://127.0.0.1:1', { defaultDb: 'catalogue' }).db.databaseName).toBe(
      'catalogue',
    );
    expect(createMongoStore('mongodb://127.0.0.1:1/votes', { defaultDb: 'catalogue' }).db.databaseName).toBe(
      'votes',
    );
  });
});
