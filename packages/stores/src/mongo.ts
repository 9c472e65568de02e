import { MongoClient, type Db } from 'mongodb';

export interface MongoStore {
  client: MongoClient;
  db: Db;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects lazily: the driver reconnects by itself after an outage, and every operation gives up after
 * `timeoutMs` of not finding the server instead of hanging.
 */
export function createMongoStore(
  url: string,
  { timeoutMs = 2000, dbName }: { timeoutMs?: number; dbName?: string } = {},
): MongoStore {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: 10_000,
    maxPoolSize: 20,
    // DocumentDB and FerretDB do not support retryable writes.
    retryWrites: false,
  });
  const db = client.db(dbName);
  return {
    client,
    db,
    async ping() {
      // connect() is a no-op once connected; after a first connection that failed (server down at start)
      // the driver leaves its topology closed, and only a new connect() brings it back.
      await client.connect();
      await db.command({ ping: 1 }, { timeoutMS: timeoutMs });
    },
    close: () => client.close(),
  };
}
