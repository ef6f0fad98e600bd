import { describe, expect, it } from 'vitest';
import { SummaryCache } from './summaryCache.js';

function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SummaryCache', () => {
  it('serves a stale value while one recomputation runs, then the new one', async () => {
    let now = 0;
    const cache = new SummaryCache<number>(1000, () => now);
    let computations = 0;
    expect(await cache.get('k', async () => ++computations)).toBe(1);
    now = 999;
    expect(await cache.get('k', async () => ++computations)).toBe(1);
    expect(computations).toBe(1);

    now = 1000;
    const next = deferred<number>();
    const calls: string[] = [];
    expect(
      await cache.get('k', () => {
        calls.push('refresh');
        return next.promise;
      }),
    ).toBe(1);
    // A second request during the refresh neither waits nor starts another one.
    expect(
      await cache.get('k', () => {
        calls.push('again');
        return next.promise;
      }),
    ).toBe(1);
    next.resolve(2);
    await next.promise;
    expect(await cache.get('k', async () => 99)).toBe(2);
    expect(calls).toEqual(['refresh']);
  });

  it('keeps serving the old value when a refresh fails, and retries on the next request', async () => {
    let now = 0;
    const cache = new SummaryCache<number>(10, () => now);
    await cache.get('k', async () => 1);
    now = 20;
    const failing = deferred<number>();
    expect(await cache.get('k', () => failing.promise)).toBe(1);
    failing.reject(new Error('database busy'));
    await failing.promise.catch(() => {});
    expect(await cache.get('k', async () => 3)).toBe(1);
    await Promise.resolve();
    expect(await cache.get('k', async () => 4)).toBe(3);
  });

  it('drops everything on clear, also a refresh still running, so a write shows at once', async () => {
    let now = 0;
    const cache = new SummaryCache<string>(10, () => now);
    await cache.get('k', async () => 'before import');
    now = 20;
    const slow = deferred<string>();
    await cache.get('k', () => slow.promise);
    cache.clear();
    slow.resolve('computed before the import finished');
    await slow.promise;
    expect(await cache.get('k', async () => 'after import')).toBe('after import');
  });

  it('does not keep a failed first computation', async () => {
    const cache = new SummaryCache<number>(1000, () => 0);
    await expect(cache.get('k', async () => Promise.reject(new Error('no table')))).rejects.toThrow(
      'no table',
    );
    expect(await cache.get('k', async () => 5)).toBe(5);
  });

  it('computes every time with a TTL of 0, and warm() fills an entry ahead of the first request', async () => {
    const off = new SummaryCache<number>(0, () => 0);
    let n = 0;
    await off.get('k', async () => ++n);
    await off.get('k', async () => ++n);
    expect(n).toBe(2);

    const on = new SummaryCache<number>(1000, () => 0);
    on.warm('k', async () => 7);
    expect(await on.get('k', async () => 8)).toBe(7);
  });
});
