/**
 * Keeps the dashboard's counts for a short while: they aggregate every order, which takes
 * seconds on millions of rows. Writes through this server (imports, ingestion) clear it;
 * writes by other processes (a CLI import, `mezame analyze`) show within `ttlMs`.
 */
export class SummaryCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly nowMs: () => number,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.nowMs() - hit.at < this.ttlMs) return hit.value;
    const value = compute();
    this.entries.set(key, { at: this.nowMs(), value });
    // A failed computation is not kept.
    value.catch(() => this.entries.delete(key));
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
