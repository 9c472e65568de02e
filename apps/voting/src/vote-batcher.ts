// Coalesces the votes that arrive together for one origami into one statement, so a hot origami costs one
// row lock per batch instead of one per vote. The first vote is sent at once; votes that arrive while a
// batch is in flight wait for it and go together in the next one. Each waiter is answered only after the
// statement that counted its vote has committed, with the count its own vote produced.
import type { VoteEvent } from '@craftista/contracts';
import type { BatchResult, OrigamiRepository } from './repository/types.js';

export type VoteOutcome =
  | { kind: 'counted'; id: string; name: string; votes: number }
  | { kind: 'not_found' }
  | { kind: 'rate_limited'; retryAfterSec: number };

type VoteStore = Pick<OrigamiRepository, 'applyVotes'>;

interface Waiter {
  clientHash: string;
  resolve(outcome: VoteOutcome): void;
  reject(error: unknown): void;
}

export interface VoteBatcherOptions {
  limitPerMinute: number;
  /** Largest number of votes in one statement. */
  maxBatch?: number;
  /** Called after each committed batch that changed a count. */
  onCommitted?: (event: VoteEvent) => void;
}

export class VoteBatcher {
  private readonly queues = new Map<string, Waiter[]>();
  private readonly flushing = new Set<string>();
  private readonly maxBatch: number;

  constructor(
    private readonly store: VoteStore,
    private readonly options: VoteBatcherOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 500;
  }

  cast(origamiId: string, clientHash: string): Promise<VoteOutcome> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(origamiId);
      if (!queue) this.queues.set(origamiId, (queue = []));
      queue.push({ clientHash, resolve, reject });
      if (!this.flushing.has(origamiId)) void this.flush(origamiId);
    });
  }

  private async flush(origamiId: string): Promise<void> {
    this.flushing.add(origamiId);
    try {
      for (;;) {
        const queue = this.queues.get(origamiId);
        if (!queue?.length) {
          this.queues.delete(origamiId);
          return;
        }
        const batch = queue.splice(0, this.maxBatch);
        try {
          const result = await this.store.applyVotes(
            origamiId,
            batch.map((w) => w.clientHash),
            this.options.limitPerMinute,
          );
          this.settle(origamiId, batch, result);
        } catch (error) {
          for (const waiter of batch) waiter.reject(error);
        }
      }
    } finally {
      this.flushing.delete(origamiId);
    }
  }

  private settle(origamiId: string, batch: Waiter[], result: BatchResult): void {
    if (!result.found) {
      for (const waiter of batch) waiter.resolve({ kind: 'not_found' });
      return;
    }
    const left = new Map(result.accepted);
    let total = 0;
    for (const n of left.values()) total += n;
    // The accepted votes took the count from votes - total to votes; hand each one its own step.
    let count = result.votes - total;
    for (const waiter of batch) {
      const remaining = left.get(waiter.clientHash) ?? 0;
      if (remaining > 0) {
        left.set(waiter.clientHash, remaining - 1);
        count += 1;
        waiter.resolve({ kind: 'counted', id: origamiId, name: result.name, votes: count });
      } else {
        waiter.resolve({ kind: 'rate_limited', retryAfterSec: result.retryAfterSec });
      }
    }
    if (total > 0) this.options.onCommitted?.({ id: origamiId, votes: result.votes });
  }
}
