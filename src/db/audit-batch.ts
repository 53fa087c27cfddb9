import type { Kysely } from 'kysely';
import { ProblemError } from '../http/problem.js';
import { appendAuditEntries, type AuditEntry } from './audit.js';

export interface AuditBatcherOptions {
  /** Most entries in one transaction (default 200); a longer queue is written in successive ones. */
  maxEntries?: number;
  /**
   * How long an entry may wait for companions when the writer is idle (ms, default 0: the next turn
   * of the event loop). While a transaction is being committed the queue fills by itself, so a timer
   * would only add latency.
   */
  maxDelayMs?: number;
}

interface Pending {
  entry: AuditEntry;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for read-audit entries (R-C8). The chain's trigger holds an advisory lock from an
 * entry's insert until its transaction's commit (a WAL flush), so one transaction per read
 * serialises every read behind one flush each. Here one writer appends everything queued since its
 * last commit in one transaction; each caller's promise settles only when the transaction holding
 * its entry has committed (durable, chained) or failed (rolled back as a whole: nothing half-written).
 * A caller answers its read only after that, so no answered read lacks its entry, even after a crash.
 */
export class AuditBatcher {
  private queue: Pending[] = [];
  private writing = false;
  private scheduled = false;
  private readonly maxEntries: number;
  private readonly maxDelayMs: number;

  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- both services' schemas have audit_event
    private readonly db: Kysely<any>,
    options: AuditBatcherOptions = {},
  ) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 200);
    this.maxDelayMs = Math.max(0, options.maxDelayMs ?? 0);
  }

  /** Resolves once the entry is committed in the chain; rejects when its transaction failed. */
  append(entry: AuditEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.schedule();
    });
  }

  /** Entries waiting for a writer (for tests and diagnostics). */
  get pending(): number {
    return this.queue.length;
  }

  /** Resolves when everything queued so far has been written or has failed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.writing || this.scheduled) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return; // the running writer picks the queue up after its commit
    if (this.queue.length >= this.maxEntries) {
      void this.write();
      return;
    }
    this.scheduled = true;
    const start = () => {
      this.scheduled = false;
      void this.write();
    };
    if (this.maxDelayMs > 0) setTimeout(start, this.maxDelayMs);
    else setImmediate(start);
  }

  private async write(): Promise<void> {
    if (this.writing || this.queue.length === 0) return;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxEntries);
        try {
          // One multi-row insert in queue order, a transaction by itself (one round trip instead of
          // begin, insert, commit): the trigger chains the rows one by one, a failure rolls all back.
          await appendAuditEntries(
            this.db,
            batch.map((p) => p.entry),
          );
          for (const p of batch) p.resolve();
        } catch (error) {
          for (const p of batch) p.reject(auditUnavailable(error));
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

/** 503 problem: the read was not answered because its audit entry could not be committed. */
export function auditUnavailable(cause: unknown): ProblemError {
  const problem = new ProblemError(
    503,
    'audit-unavailable',
    'Audittrail niet beschikbaar',
    'De toegang kon niet in de audittrail worden vastgelegd; er is daarom geen antwoord gegeven. Probeer het later opnieuw.',
  );
  (problem as { cause?: unknown }).cause = cause;
  return problem;
}

// One batcher per database handle: all reads of a service share one writer (and so one chain tail).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const batchers = new WeakMap<Kysely<any>, AuditBatcher>();

/** The shared batcher of this database handle, made on first use. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function auditBatcherFor(db: Kysely<any>): AuditBatcher {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new AuditBatcher(db);
    batchers.set(db, batcher);
  }
  return batcher;
}
