import type { Logger } from 'pino';
import { nextWallClockTime } from '../domain/dates/index.js';
import type { ExchangeSender } from './sender.js';

export interface SchedulerOptions {
  /** Dutch time of the nightly run, "HH:MM" (RVP_NIGHTLY_AT). */
  nightlyAt: string;
  /** How often released messages that are due (repairs, retries) are delivered. */
  pollMs: number;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/**
 * Runs the sender: the nightly batch at a fixed Dutch time, and a short poll for immediate messages
 * and retries. stop() waits for a delivery in progress, so shutting down never cuts one in half.
 */
export class ExchangeScheduler {
  private poll: NodeJS.Timeout | undefined;
  private nightly: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly sender: ExchangeSender,
    private readonly options: SchedulerOptions,
  ) {}

  start(): void {
    this.poll = setInterval(() => this.run('due'), this.options.pollMs);
    this.poll.unref();
    this.scheduleNightly();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    clearTimeout(this.nightly);
    await this.sender.drain();
  }

  private scheduleNightly(): void {
    if (this.stopped) return;
    this.nightly = setTimeout(
      () => {
        this.run('nightly');
        this.scheduleNightly();
      },
      msUntil(this.options.nightlyAt, new Date()),
    );
    this.nightly.unref();
  }

  private run(kind: 'due' | 'nightly'): void {
    if (this.stopped) return;
    const work = kind === 'nightly' ? this.sender.runNightly() : this.sender.deliverDue();
    work.then(
      (report) => {
        if (report.attempted > 0) this.options.log.info({ kind, ...report }, 'exchange run');
      },
      (error: unknown) => this.options.log.error({ err: error, kind }, 'exchange run failed'),
    );
  }
}

/** Milliseconds from `now` until the Dutch clock next reads HH:MM (not the server's zone: it may be UTC). */
export function msUntil(hhmm: string, now: Date): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new Error(`invalid time "${hhmm}", expected HH:MM`);
  return nextWallClockTime(Number(match[1]), Number(match[2]), now).getTime() - now.getTime();
}
