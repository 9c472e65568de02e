import type { Pick, PoolVersion } from '../schedule.js';

/**
 * Where the pool history and the recorded picks live. The repository files are the only code that knows
 * the store: Redis (shared by every replica) or, without REDIS_URL, this process's memory.
 */
export interface PickStore {
  readonly kind: 'redis' | 'embedded';
  /** Pool history, oldest first; `seed` is stored first if no pool has ever been stored (idempotent). */
  pools(seed: PoolVersion): Promise<PoolVersion[]>;
  /** Stores `pool`, replacing one already scheduled for the same `effectiveFrom`. */
  savePool(pool: PoolVersion): Promise<void>;
  /** The pick recorded for `date`, if any replica recorded one. */
  recorded(date: string): Promise<Pick | undefined>;
  /**
   * Records `pick` for its date unless a pick is recorded already (SET NX), the day's key expiring after
   * `ttlMs`, and keeps it in the history; returns whichever pick is recorded.
   */
  claim(pick: Pick, ttlMs: number): Promise<Pick>;
  /** Whether the store can be reached right now, without a round trip. */
  connected(): boolean;
  /** Called each time the store becomes reachable again after an outage. */
  onReconnect(listener: () => void): void;
  ping(): Promise<void>;
  close(): Promise<void>;
}
