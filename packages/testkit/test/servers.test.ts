import { MongoClient } from 'mongodb';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  canConnect,
  startMongo,
  startPostgres,
  startRedis,
  usePostgresDatabase,
  type ServerHandle,
} from '../src/index.js';

const started: ServerHandle[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.dispose()));
});

describe('testkit servers', () => {
  it('starts PostgreSQL, keeps data across a fast stop and restart on the same port', async () => {
    const server = await startPostgres();
    started.push(server);
    const query = async (sql: string) => {
      const client = new pg.Client(server.url);
      await client.connect();
      try {
        return await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await query('create table t (n int); insert into t values (42)');
    await server.stop();
    expect(await canConnect(server.port)).toBe(false);
    await server.start();
    expect((await query('select n from t')).rows).toEqual([{ n: 42 }]);
  });

  it('gives each caller its own PostgreSQL database', async () => {
    const a = await usePostgresDatabase();
    const b = await usePostgresDatabase();
    try {
      expect(new URL(a.url).pathname).not.toBe(new URL(b.url).pathname);
      const client = new pg.Client(a.url);
      await client.connect();
      const { rows } = await client.query('select current_database() as db');
      await client.end();
      expect(`/${rows[0].db}`).toBe(new URL(a.url).pathname);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

  it('starts Redis, stops it for real and brings it back', async () => {
    const server = await startRedis();
    started.push(server);
    const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
    await server.stop();
    expect(await canConnect(server.port)).toBe(false);
    await server.start();
    expect(await canConnect(server.port)).toBe(true);
  });

  it('starts a MongoDB-wire server (FerretDB) that stores and finds documents', async () => {
    const server = await startMongo();
    started.push(server);
    const client = new MongoClient(server.url, { serverSelectionTimeoutMS: 5000 });
    try {
      const things = client.db('kit').collection<{ _id: string; n: number }>('things');
      await things.insertOne({ _id: 'a', n: 1 });
      expect(await things.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
    } finally {
      await client.close();
    }
  });
});
