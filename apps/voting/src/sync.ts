// Catalogue sync: at start and every CATALOGUE_SYNC_INTERVAL_MS, read the catalogue's products through the
// shared HTTP client and apply them in one transaction under an advisory lock (one replica at a time).
// A failed or slow sync is logged and retried at the next tick; it never blocks requests or readiness. A product
// that breaks the catalogue's contract, or that PostgreSQL refuses, is skipped and logged; the rest is applied.
// /readyz details and voting_catalogue_sync_skipped_products show what the last sync skipped.
import { Product } from '@craftista/contracts';
import type { AxiosInstance } from '@craftista/http-client';
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import type { CatalogueItem, OrigamiRepository } from './repository/types.js';

/** What voting needs of a catalogue product, by the catalogue's own rules. */
const Item = Product.pick({ id: true, name: true });

export interface SyncStatus {
  lastSuccessAt: string | null;
  lastSuccessItems: number | null;
  lastAttemptAt: string | null;
  lastError: string | null;
  /** Products the last applied sync skipped, with why. */
  lastSkipped: SkippedProduct[];
}

interface SkippedProduct {
  id: string;
  reason: string;
}

export type SyncOutcome =
  | {
      kind: 'applied';
      inserted: number;
      updated: number;
      retired: number;
      items: number;
      skipped: SkippedProduct[];
    }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; error: string };

/**
 * Keeps the items with an id and name valid by the catalogue's contract; a malformed entry is skipped, not
 * fatal, and an image that breaks the contract is dropped.
 */
function parseCatalogue(body: unknown): { items: CatalogueItem[]; rejected: SkippedProduct[] } {
  if (!Array.isArray(body)) throw new Error('the catalogue did not answer a JSON array');
  const items: CatalogueItem[] = [];
  const seen = new Set<string>();
  const rejected: SkippedProduct[] = [];
  for (const entry of body as unknown[]) {
    const item = Item.safeParse(entry);
    if (!item.success) {
      const id = (entry as { id?: unknown } | null)?.id;
      const issue = item.error.issues[0];
      rejected.push({
        id: typeof id === 'string' || typeof id === 'number' ? String(id) : '(none)',
        reason: `${issue?.path.join('.') || 'product'}: ${issue?.message ?? 'invalid'}`,
      });
      continue;
    }
    const { id, name } = item.data;
    if (seen.has(id)) continue;
    seen.add(id);
    const image = Product.shape.image_url.safeParse((entry as { image_url?: unknown }).image_url);
    items.push({ id, name, image_url: image.success ? image.data : null });
  }
  return { items, rejected };
}

export class CatalogueSync {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SyncOutcome> | undefined;
  private stopped = false;
  readonly status: SyncStatus = {
    lastSuccessAt: null,
    lastSuccessItems: null,
    lastAttemptAt: null,
    lastError: null,
    lastSkipped: [],
  };
  private readonly failures: Counter;

  constructor(
    private readonly http: AxiosInstance,
    private readonly repository: OrigamiRepository,
    private readonly intervalMs: number,
    private readonly log: FastifyBaseLogger,
    registry: Registry,
  ) {
    const status = this.status;
    new Gauge({
      name: 'voting_catalogue_last_sync_timestamp_seconds',
      help: 'Unix time of the last successful catalogue sync by any replica (0 = never)',
      registers: [registry],
      collect() {
        this.set(status.lastSuccessAt ? Date.parse(status.lastSuccessAt) / 1000 : 0);
      },
    });
    new Gauge({
      name: 'voting_catalogue_sync_skipped_products',
      help: 'Catalogue products the last applied sync skipped (contract broken or refused by PostgreSQL)',
      registers: [registry],
      collect() {
        this.set(status.lastSkipped.length);
      },
    });
    this.failures = new Counter({
      name: 'voting_catalogue_sync_failures_total',
      help: 'Catalogue syncs that failed (catalogue or PostgreSQL unreachable, bad answer)',
      registers: [registry],
    });
  }

  /** Syncs now, then every interval. Never throws. */
  start(): void {
    const tick = async () => {
      await this.runOnce();
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.intervalMs);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One sync attempt (concurrent callers share it). */
  runOnce(): Promise<SyncOutcome> {
    this.running ??= this.attempt().finally(() => (this.running = undefined));
    return this.running;
  }

  private async attempt(): Promise<SyncOutcome> {
    this.status.lastAttemptAt = new Date().toISOString();
    let outcome: SyncOutcome;
    try {
      const response = await this.http.get('/api/products');
      const { items, rejected } = parseCatalogue(response.data);
      const applied = await this.repository.applyCatalogue(items);
      if (applied) {
        const skipped = [...rejected, ...applied.skipped];
        if (skipped.length > 0)
          this.log.warn({ skipped }, 'catalogue sync skipped products; applied the rest');
        this.status.lastSkipped = skipped;
        outcome = { kind: 'applied', ...applied, skipped, items: items.length - applied.skipped.length };
      } else {
        outcome = { kind: 'skipped', reason: 'another replica is syncing' };
      }
      this.status.lastError = null;
    } catch (error) {
      this.failures.inc();
      const message = (error as Error).message;
      this.status.lastError = message;
      this.log.warn({ err: message }, 'catalogue sync failed; keeping current origami');
      outcome = { kind: 'failed', error: message };
    }
    // Whoever synced, every replica reports the last success recorded in PostgreSQL.
    await this.repository
      .lastSync()
      .then((last) => {
        if (!last) return;
        this.status.lastSuccessAt = last.at.toISOString();
        this.status.lastSuccessItems = last.items;
      })
      .catch(() => undefined);
    return outcome;
  }
}
