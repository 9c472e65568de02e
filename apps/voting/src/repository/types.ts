export interface OrigamiRow {
  id: string;
  name: string;
  votes: number;
}

export interface CatalogueItem {
  id: string;
  name: string;
  image_url?: string | null;
}

/** What applying a catalogue snapshot did; `skipped`: products the store refused, the rest applied. */
export interface CatalogueApplied {
  inserted: number;
  updated: number;
  retired: number;
  skipped: { id: string; reason: string }[];
}

/** What one batched vote statement did for one origami. */
export interface BatchResult {
  /** false when the origami does not exist or is inactive: nothing was counted. */
  found: boolean;
  name: string;
  /** The count after this batch's accepted votes. */
  votes: number;
  /** Accepted votes per client hash (the rest of that client's votes were over its limit). */
  accepted: Map<string, number>;
  /** Seconds until the current rate window ends. */
  retryAfterSec: number;
}

/**
 * Where origami, votes and the catalogue sync state live: PostgreSQL (or embedded PGlite behind the same
 * driver). An unreachable store throws StoreUnavailableError.
 */
export interface OrigamiRepository {
  /**
   * Applies votes for one origami in one transaction, each client's against its per-minute limit, and
   * notifies the live feed; committed when it resolves.
   */
  applyVotes(origamiId: string, clientHashes: string[], limit: number): Promise<BatchResult>;
  list(sort: 'id' | 'votes'): Promise<OrigamiRow[]>;
  get(id: string): Promise<OrigamiRow | undefined>;
  /** Inserts a new origami; undefined when the id is taken. */
  create(item: { id: string; name: string; votes?: number }): Promise<OrigamiRow | undefined>;
  /** Votes in the ledger for one origami over the last `hours`; undefined when there is no such origami. */
  recentVotes(id: string, hours: number): Promise<number | undefined>;
  /** Drops rate windows that ended; returns how many. */
  pruneRateWindows(): Promise<number>;
  /** The last successful catalogue sync by any replica. */
  lastSync(): Promise<{ at: Date; items: number } | undefined>;
  /**
   * Applies a catalogue snapshot atomically, one replica at a time: undefined when another replica is
   * applying one right now.
   */
  applyCatalogue(items: CatalogueItem[]): Promise<CatalogueApplied | undefined>;
}
