import { MongoClient, MongoError, MongoServerError, type Db } from 'mongodb';

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
  { timeoutMs = 2000, defaultDb }: { timeoutMs?: number; defaultDb?: string } = {},
): MongoStore {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: 10_000,
    maxPoolSize: 20,
    // DocumentDB and FerretDB do not support retryable writes.
    retryWrites: false,
  });
  const db = client.db(mongoDatabaseName(url) ?? defaultDb);
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

/** The database named in a connection URL's path (`mongodb://host:27017/catalogue?...` -> "catalogue"). */
export function mongoDatabaseName(url: string): string | undefined {
  const name = url
    .replace(/\?.*$/, '')
    .replace(/^mongodb(\+srv)?:\/\/[^/]*/, '')
    .replace(/^\//, '');
  return name ? decodeURIComponent(name) : undefined;
}

/** Server answers that mean "not now" rather than "wrong": shutting down, stepped down, not primary. */
const TRANSIENT_CODES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436]);

/**
 * Whether a driver error means MongoDB cannot answer now (unreachable, closed, restarting, no primary):
 * worth a 503 and a retry. Other server errors (a duplicate key, a bad query) are the operation's fault.
 */
export function isMongoUnavailable(error: unknown): boolean {
  if (error instanceof MongoServerError) return TRANSIENT_CODES.has(Number(error.code));
  return error instanceof MongoError;
}
