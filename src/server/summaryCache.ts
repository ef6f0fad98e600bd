/**
 * Keeps the dashboard's counts: they aggregate every order, which takes seconds on millions of
 * rows. An entry older than `ttlMs` is still served while one recomputation runs behind it
 * (stale while revalidating), so after the first computation no request waits for the
 * aggregation. Writes through this server (imports, ingestion) clear the cache, so their
 * results show at once; writes by other processes (a CLI import, `mezame analyze`) show after
 * at most `ttlMs` plus one recomputation. `ttlMs` 0 turns caching off.
 */
export class SummaryCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T>; refreshing: boolean }>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly nowMs: () => number,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.ttlMs === 0) return compute();
    const hit = this.entries.get(key);
    if (!hit) return this.store(key, compute());
    if (this.nowMs() - hit.at >= this.ttlMs && !hit.refreshing) {
      hit.refreshing = true;
      const generation = this.generation;
      const next = compute();
      next.then(
        () => {
          // A clear() while recomputing means the data changed again: keep nothing stale.
          if (generation === this.generation)
            this.entries.set(key, { at: this.nowMs(), value: next, refreshing: false });
        },
        () => {
          hit.refreshing = false;
        },
      );
    }
    return hit.value;
  }

  /** Computes an entry now (at start-up), so the first request finds it. Failures are dropped. */
  warm(key: string, compute: () => Promise<T>): void {
    if (this.ttlMs === 0 || this.entries.has(key)) return;
    this.store(key, compute()).catch(() => {});
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  private store(key: string, value: Promise<T>): Promise<T> {
    this.entries.set(key, { at: this.nowMs(), value, refreshing: false });
    // A failed computation is not kept.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
