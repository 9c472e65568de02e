// Live count changes for the SSE stream. With PostgreSQL, every replica LISTENs on one channel, so a vote
// committed by any replica reaches every stream; in embedded mode (PGlite, one process) events are
// published in-process after each commit.
import { EventEmitter } from 'node:events';
import type { VoteEvent } from '@craftista/contracts';
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { VOTES_CHANNEL } from './repository/postgres.js';

export class LiveFeed {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private isLive = true;

  publish(event: VoteEvent): void {
    this.emitter.emit('vote', event);
  }

  subscribe(listener: (event: VoteEvent) => void): () => void {
    this.emitter.on('vote', listener);
    return () => this.emitter.off('vote', listener);
  }

  /** False while the feed cannot see committed votes (its PostgreSQL connection is lost). */
  get live(): boolean {
    return this.isLive;
  }

  setLive(live: boolean): void {
    if (live === this.isLive) return;
    this.isLive = live;
    this.emitter.emit('live', live);
  }

  onLiveChange(listener: (live: boolean) => void): () => void {
    this.emitter.on('live', listener);
    return () => this.emitter.off('live', listener);
  }
}

/**
 * Holds one dedicated connection with LISTEN and forwards notifications to the feed; reconnects with
 * backoff (up to 5 s) after the server goes away. Notifications sent while disconnected are lost, as
 * LISTEN/NOTIFY never replays: streams show the next change after recovery.
 */
export class PostgresListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  connected = false;

  constructor(
    private readonly url: string,
    private readonly feed: LiveFeed,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: 2000,
      application_name: 'voting-listener',
      keepAlive: true,
    });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel !== VOTES_CHANNEL || !message.payload) return;
      try {
        const { id, votes } = JSON.parse(message.payload) as VoteEvent;
        this.feed.publish({ id: String(id), votes: Number(votes) });
      } catch (error) {
        this.log.warn({ err: error }, 'ignoring a malformed vote notification');
      }
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`listen ${VOTES_CHANNEL}`);
      this.connected = true;
      this.feed.setLive(true);
      if (this.attempt > 0) this.log.info('live vote feed reconnected to PostgreSQL');
      this.attempt = 0;
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.client !== client || this.stopped) return;
    this.client = undefined;
    this.connected = false;
    this.feed.setLive(false);
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    const delay = Math.min(5000, 100 * 2 ** this.attempt++);
    if (this.attempt === 1) this.log.warn({ err: error }, 'live vote feed lost PostgreSQL; reconnecting');
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    if (client) {
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
