import { afterEach, describe, expect, it, vi } from 'vitest';
import { JourneyScheduler } from './journeyScheduler.js';

/** A run that finishes when the test says so, counting how many are going at once. */
function controlledRuns() {
  const state = { started: 0, going: 0, mostAtOnce: 0, finish: [] as (() => void)[] };
  const run = async () => {
    state.started++;
    state.going++;
    state.mostAtOnce = Math.max(state.mostAtOnce, state.going);
    await new Promise<void>((resolve) => state.finish.push(resolve));
    state.going--;
    return state.started;
  };
  return { state, run };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('JourneyScheduler', () => {
  afterEach(() => vi.useRealTimers());

  it('runs every interval, skipping a tick while a run is going, never two at once', async () => {
    vi.useFakeTimers();
    const { state, run } = controlledRuns();
    const scheduler = new JourneyScheduler({ run, clock: () => new Date(), onError: () => {} });
    scheduler.start(60);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(state.started).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(state.started).toBe(1);
    // Two more ticks while the first run is going: skipped.
    await vi.advanceTimersByTimeAsync(120_000);
    expect(state.started).toBe(1);
    state.finish.shift()?.();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(state.started).toBe(2);
    expect(state.mostAtOnce).toBe(1);
    state.finish.shift()?.();
    await scheduler.stop();
  });

  it('makes a run asked for wait for the run going, then run', async () => {
    const { state, run } = controlledRuns();
    const scheduler = new JourneyScheduler({ run, clock: () => new Date(), onError: () => {} });
    const first = scheduler.runNow();
    const second = scheduler.runNow();
    const third = scheduler.runNow();
    await flush();
    expect(state.started).toBe(1);
    for (let i = 0; i < 3; i++) {
      state.finish.shift()?.();
      await flush();
    }
    expect(await Promise.all([first, second, third])).toEqual([1, 2, 3]);
    expect(state.mostAtOnce).toBe(1);
    expect(scheduler.busy).toBe(false);
  });

  it('stops the timer and waits for the run going; 0 seconds never starts one', async () => {
    vi.useFakeTimers();
    const { state, run } = controlledRuns();
    const off = new JourneyScheduler({ run, clock: () => new Date(), onError: () => {} });
    off.start(0);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(state.started).toBe(0);

    const scheduler = new JourneyScheduler({ run, clock: () => new Date(), onError: () => {} });
    scheduler.start(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(state.started).toBe(1);
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(stopped).toBe(false);
    state.finish.shift()?.();
    await stopping;
    expect(state.started).toBe(1);
  });

  it('reports a failed timer run and keeps going; a run asked for returns its error', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const scheduler = new JourneyScheduler({
      run: async () => {
        calls++;
        if (calls <= 2) throw new Error(`run ${calls} failed`);
        return calls;
      },
      clock: () => new Date(),
      onError: (error) => errors.push(error),
    });
    scheduler.start(10);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(errors).toEqual([new Error('run 1 failed')]);
    await expect(scheduler.runNow()).rejects.toThrow('run 2 failed');
    expect(await scheduler.runNow()).toBe(3);
    await scheduler.stop();
  });
});
