import { startMongo, startRedis, type ServerHandle } from '@craftista/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMongoStore, createRedis, pingRedis } from '../src/index.js';

async function eventually(probe: () => Promise<unknown>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('createRedis', () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(() => server.dispose());

  it('fails commands at once while Redis is down and reconnects by itself', async () => {
    const redis = createRedis(server.url, { onError: () => undefined });
    await pingRedis(redis);
    await server.stop();
    const started = Date.now();
    await expect(pingRedis(redis)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1500);
    await server.start();
    await eventually(() => pingRedis(redis));
    redis.disconnect();
  });
});

describe('createMongoStore', () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startMongo();
  });
  afterAll(() => server.dispose());

  it('answers ping, gives up quickly while the server is down, and recovers', async () => {
    const store = createMongoStore(`${server.url}stores`, { timeoutMs: 500 });
    await store.ping();
    await store.db.collection('x').insertOne({ n: 1 });
    await server.stop();
    const started = Date.now();
    await expect(store.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2500);
    await server.start();
    await eventually(() => store.ping());
    expect(await store.db.collection('x').countDocuments()).toBe(1);
    await store.close();
  });

  it('recovers when the server was down from the very first connection', async () => {
    await server.stop();
    const store = createMongoStore(`${server.url}stores`, { timeoutMs: 500 });
    await expect(store.ping()).rejects.toThrow();
    await server.start();
    await eventually(() => store.ping());
    await store.close();
  });
});
