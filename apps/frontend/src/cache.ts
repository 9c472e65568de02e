/** A settled backend read: the value, or why there is none. Never throws, so the page can render either way. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

interface Entry {
  expires: number;
  promise: Promise<Result<unknown>>;
}

/**
 * Reuses backend reads for `ttlMs` (failures too, so a dead or hanging backend is not asked again by every
 * request) and shares one in-flight call among all the requests that want it (single flight).
 */
export class ReadCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get<T>(key: string, load: () => Promise<Result<T>>, { fresh = false } = {}): Promise<Result<T>> {
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && !fresh && (hit.expires > now || hit.expires === Infinity)) {
      return hit.promise as Promise<Result<T>>;
    }
    const entry: Entry = { expires: Infinity, promise: Promise.resolve({ ok: false, error: 'pending' }) };
    entry.promise = load().then((result) => {
      // Expiry starts when the answer arrives; with a TTL of 0 only concurrent callers share it.
      entry.expires = this.now() + this.ttlMs;
      if (this.ttlMs === 0 && this.entries.get(key) === entry) this.entries.delete(key);
      return result;
    });
    this.entries.set(key, entry);
    return entry.promise as Promise<Result<T>>;
  }

  /** Changes a cached successful value in place (e.g. a vote count pushed by the voting stream). */
  update<T>(key: string, change: (value: T) => T): void {
    const hit = this.entries.get(key);
    if (!hit) return;
    hit.promise = hit.promise.then((result) =>
      result.ok ? { ok: true, value: change(result.value as T) } : result,
    );
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
