/** A settled backend read: the value, or why there is none. Never throws, so the page can render either way. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

interface Entry {
  /** Until when the answer is served; Infinity while its read is under way. */
  expires: number;
  promise: Promise<Result<unknown>>;
  /** The next read, started in the background once the answer is half-way to expiring. */
  next?: Entry;
}

/**
 * Reuses backend reads for `ttlMs` after they answer (failures too, so a dead or hanging backend is not
 * asked again by every request) and shares one in-flight call among all the requests that want it (single
 * flight). Once an answer is half its TTL old, the next request starts the following read in the background
 * (refresh-ahead), so in steady state no page waits for a backend; when that read answers, it replaces the
 * old answer.
 */
export class ReadCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get<T>(key: string, load: () => Promise<Result<T>>, { fresh = false } = {}): Promise<Result<T>> {
    const hit = this.entries.get(key);
    if (hit && !fresh) {
      const left = hit.expires - this.now();
      if (left > 0) {
        if (left <= this.ttlMs / 2 && !hit.next) hit.next = this.read(key, load);
        return hit.promise as Promise<Result<T>>;
      }
      if (hit.next) return hit.next.promise as Promise<Result<T>>;
    }
    const entry = this.read(key, load);
    this.entries.set(key, entry);
    return entry.promise as Promise<Result<T>>;
  }

  /** One read of `key`. When it answers it becomes the key's entry, unless a newer read replaced it. */
  private read<T>(key: string, load: () => Promise<Result<T>>): Entry {
    const entry: Entry = { expires: Infinity, promise: Promise.resolve({ ok: false, error: 'pending' }) };
    entry.promise = load().then((result) => {
      const current = this.entries.get(key);
      if (current === entry || current?.next === entry) {
        entry.expires = this.now() + this.ttlMs;
        // With a TTL of 0 only concurrent callers share a read.
        if (this.ttlMs === 0) this.entries.delete(key);
        else this.entries.set(key, entry);
      }
      return result;
    });
    return entry;
  }

  /** Changes a cached successful value in place (e.g. a vote count pushed by the voting stream). */
  update<T>(key: string, change: (value: T) => T): void {
    const hit = this.entries.get(key);
    // A read under way may have been answered before the change: change its answer too.
    for (const entry of [hit, hit?.next]) {
      if (!entry) continue;
      entry.promise = entry.promise.then((result) =>
        result.ok ? { ok: true, value: change(result.value as T) } : result,
      );
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
