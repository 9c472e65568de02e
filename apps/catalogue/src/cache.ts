import { createHash } from 'node:crypto';
import type { Product } from '@craftista/contracts';
import type { ProductRepository } from './repository/index.js';

export interface Cached {
  /** The JSON text sent as is. */
  body: string;
  etag: string;
}

export interface Snapshot {
  list: Cached;
  items: Map<string, Cached>;
  loadedAt: number;
}

export const etagOf = (body: string): string => `"${createHash('sha1').update(body).digest('base64url')}"`;

const cached = (value: unknown): Cached => {
  const body = JSON.stringify(value);
  return { body, etag: etagOf(body) };
};

/**
 * The whole catalogue, serialized once with its ETags, so the hot routes do no store call and no JSON
 * work. Writes through this process call `invalidate()` (read-your-writes here); other replicas' writes
 * show after at most `ttlMs`, when the next request re-reads the store. Concurrent misses share one load.
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

  /** The snapshot while it is fresh, without awaiting anything. */
  fresh(): Snapshot | undefined {
    const current = this.current;
    return current && this.now() - current.loadedAt < this.ttlMs ? current : undefined;
  }

  get(): Promise<Snapshot> | Snapshot {
    return this.fresh() ?? (this.pending ??= this.load());
  }

  invalidate(): void {
    this.generation += 1;
    this.current = undefined;
    this.pending = undefined;
  }

  private async load(): Promise<Snapshot> {
    const generation = this.generation;
    try {
      const products: Product[] = await this.repository.all();
      const snapshot: Snapshot = {
        list: cached(products),
        items: new Map(products.map((p) => [p.id, cached(p)])),
        loadedAt: this.now(),
      };
      // A write that finished while we were reading may not be in `products`: use it for this round only.
      if (generation === this.generation) this.current = snapshot;
      return snapshot;
    } finally {
      if (generation === this.generation) this.pending = undefined;
    }
  }
}
