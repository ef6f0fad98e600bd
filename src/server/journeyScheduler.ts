/**
 * The journey runs of a serving process: one run (enrol, advance, send) every `intervalS`
 * seconds, and on demand (POST /api/journeys/run). Never two at once in this process: a timer
 * tick that finds a run going skips, a run asked for waits for the one going and then runs.
 * Several processes may run journeys on one database: the runner's idempotency keys and claims
 * keep them from sending a step twice.
 */
export interface JourneySchedulerOptions<R> {
  /** One run at `now`. */
  run: (now: Date) => Promise<R>;
  clock: () => Date;
  /** Where a failed timer run is reported (a run asked for returns its error instead). */
  onError: (error: unknown) => void;
}

export class JourneyScheduler<R> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(private readonly options: JourneySchedulerOptions<R>) {}

  /** True while a run is going. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Runs once now, after the run going (if any) has finished. */
  async runNow(): Promise<R> {
    while (this.running) await this.running.catch(() => undefined);
    return this.track(this.options.run(this.options.clock()));
  }

  /** Starts the timer: the first run one interval from now. 0 seconds: no timer. */
  start(intervalS: number): void {
    if (intervalS <= 0 || this.timer || this.stopped) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.track(this.options.run(this.options.clock())).catch(this.options.onError);
    }, intervalS * 1000);
    // The server keeps the process alive, not the timer.
    this.timer.unref();
  }

  /** Stops the timer and waits for the run going, so storage can close under no one. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.running) await this.running.catch(() => undefined);
  }

  private track(run: Promise<R>): Promise<R> {
    const tracked = run.finally(() => {
      if (this.running === tracked) this.running = null;
    });
    this.running = tracked;
    return tracked;
  }
}
