import { useMongoDatabase, type Isolated } from '@craftista/testkit';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRepository, openRepository, sortKey } from '../src/repository/index.js';
import { repositoryContract } from './repository.contract.js';

repositoryContract('in-memory', {
  open: async () => createMemoryRepository(),
  openSibling: async (first) => first,
});

let mongo: Isolated;
const databases: string[] = [];
beforeAll(async () => {
  mongo = await useMongoDatabase();
});
afterAll(async () => {
  // On a shared server ($MONGODB_URL) drop what the cases created; a local FerretDB is simply removed.
  const client = new MongoClient(mongo.url, { serverSelectionTimeoutMS: 2000 });
  await Promise.all(
    databases.map((name) =>
      client
        .db(name)
        .dropDatabase()
        .catch(() => undefined),
    ),
  );
  await client.close();
  await mongo?.dispose();
});

/** A database of its own for each case, next to the test file's database. */
const freshUrl = () => {
  const url = new URL(mongo.url);
  const name = `${url.pathname.slice(1)}_${databases.length}`;
  databases.push(name);
  url.pathname = `/${name}`;
  return url.toString();
};
const urls = new WeakMap<object, string>();

repositoryContract('MongoDB (FerretDB or $MONGODB_URL)', {
  open: async () => {
    const url = freshUrl();
    const repo = await openRepository(url, 2000);
    urls.set(repo, url);
    return repo;
  },
  openSibling: async (first) => openRepository(urls.get(first)!, 2000),
});

describe('numeric-aware sort key', () => {
  it('orders digit runs by value, whatever their length', () => {
    const ids = ['100', '9', '10', 'a9', 'a10', '1-2', '1-10'];
    expect([...ids].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1))).toEqual([
      '1-2',
      '1-10',
      '9',
      '10',
      '100',
      'a9',
      'a10',
    ]);
  });
});
