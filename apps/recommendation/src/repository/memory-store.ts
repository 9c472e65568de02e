import { byEffectiveFrom, type Pick, type PoolVersion } from '../schedule.js';
import type { PickStore } from './types.js';

/** Embedded mode: the same semantics as the Redis store, in this process only. */
export class MemoryPickStore implements PickStore {
  readonly kind = 'embedded' as const;
  private readonly poolsByDate = new Map<string, PoolVersion>();
  private readonly history = new Map<string, Pick>();

  async pools(seed: PoolVersion): Promise<PoolVersion[]> {
    if (this.poolsByDate.size === 0) this.poolsByDate.set(seed.effectiveFrom, seed);
    return [...this.poolsByDate.values()].sort(byEffectiveFrom);
  }

  async savePool(pool: PoolVersion): Promise<void> {
    this.poolsByDate.set(pool.effectiveFrom, pool);
  }

  async recorded(date: string): Promise<Pick | undefined> {
    return this.history.get(date);
  }

  async claim(pick: Pick): Promise<Pick> {
    const existing = this.history.get(pick.date);
    if (existing) return existing;
    this.history.set(pick.date, pick);
    return pick;
  }

  connected(): boolean {
    return true;
  }

  onReconnect(): void {}

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
