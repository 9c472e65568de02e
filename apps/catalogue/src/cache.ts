import { createHash } from 'node:crypto';
import type { Product } from '@craftista/contracts';
import type { ProductRepository } from './repository/index.js';

export interface Cached {
  /** The JSON text, encoded once, sent as is. */
  body: Buffer;
  etag: string;
}

export interface Snapshot {
  list: Cached;
  items: Map<string, Cached>;
  loadedAt: number;
}

export const etagOf = (body: Buffer): string => `"${createHash('sha1').update(body).digest('base64url')}"`;

const cached = (value: unknown): Cached => {
  const body = Buffer.from(JSON.stringify(value));
  return { body, etag: etagOf(body) };
};

/**
 * The whole catalogue, serialized once with its ETags, so the hot routes do no store call and no JSON
 * work. A snapshot is served for at most `ttlMs` after the read that made it began, never longer. Once it is
 * half that old, the first request starts the next read in the background (refresh-ahead), so in steady
 * state no request waits for the store: waiting for it once a second stalled every request in flight and
 * made the p99. Writes through this process call `invalidate()` (read-your-writes here); other replicas'
 * writes show within `ttlMs`. Concurrent misses share one read.
 */
export class CatalogueCache {
  private current: Snapshot | undefined;
  private pending: Promise<Snapshot> | undefined;
  private generation = 0;

  constructor(
    private readonly repository: ProductRepository,
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The snapshot while it is fresh, without awaiting anything; starts the next read when it is half-way. */
  fresh(): Snapshot | undefined {
    const current = this.current;
    if (!current) return undefined;
    const age = this.now() - current.loadedAt;
    if (age >= this.ttlMs) return undefined;
    if (age >= this.ttlMs / 2 && !this.pending) {
      // Failures surface to whoever awaits the read after `current` expires, not here.
      this.refresh().catch(() => undefined);
    }
    return current;
  }

  get(): Promise<Snapshot> | Snapshot {
    return this.fresh() ?? this.pending ?? this.refresh();
  }

  invalidate(): void {
    this.generation += 1;
    this.current = undefined;
    this.pending = undefined;
  }

  private refresh(): Promise<Snapshot> {
    this.pending = this.load();
    return this.pending;
  }

  private async load(): Promise<Snapshot> {
    const generation = this.generation;
    const startedAt = this.now();
    try {
      const products: Product[] = await this.repository.all();
      const snapshot: Snapshot = {
        list: cached(products),
        items: new Map(products.map((p) => [p.id, cached(p)])),
        loadedAt: startedAt,
      };
      // A write that finished while we were reading may not be in `products`: use it for this round only.
      if (generation === this.generation) this.current = snapshot;
      return snapshot;
    } finally {
      if (generation === this.generation) this.pending = undefined;
    }
  }
}
