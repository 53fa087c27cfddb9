import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';

/** One benchmark's figures, its baseline and whether it met its targets. */
export interface BenchResult {
  name: string;
  backend: string;
  /** What was measured, in words, with its numbers. */
  figures: Record<string, number | string>;
  baseline?: { label: string; figures: Record<string, number | string> };
  /** Measured ÷ baseline (e.g. "4.1× COPY"). */
  ratio?: string;
  targets: Array<{ label: string; pass: boolean }>;
  notes?: string[];
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

/** Samples this process's resident set size (worker threads included) while work runs. */
export async function withPeakRss<T>(
  work: () => Promise<T>,
): Promise<{ value: T; peakRssMiB: number; startRssMiB: number }> {
  let peak = process.memoryUsage.rss();
  const start = peak;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 25);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakRssMiB: Math.round(peak / 1_048_576), startRssMiB: Math.round(start / 1_048_576) };
  } finally {
    clearInterval(timer);
  }
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Per-second rate. */
export const perSecond = (count: number, ms: number): number => Math.round((count / ms) * 1000);

export function formatResult(r: BenchResult): string {
  const lines = [`## ${r.name} (${r.backend})`];
  for (const [k, v] of Object.entries(r.figures)) lines.push(`  ${k}: ${v}`);
  if (r.baseline) {
    lines.push(`  baseline — ${r.baseline.label}:`);
    for (const [k, v] of Object.entries(r.baseline.figures)) lines.push(`    ${k}: ${v}`);
  }
  if (r.ratio) lines.push(`  ratio: ${r.ratio}`);
  for (const t of r.targets) lines.push(`  [${t.pass ? 'PASS' : 'MISS'}] ${t.label}`);
  for (const n of r.notes ?? []) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

/** CPU time a process has used (user + system), in clock ticks of 10 ms (Linux /proc). */
export function processCpuTicks(pid: number): Promise<number> {
  return cpuTicksOf(`/proc/${pid}/stat`);
}

/**
 * CPU time this process's main thread has used, in clock ticks of 10 ms (Linux /proc), or null
 * elsewhere. The main thread runs the event loop; the rest of the process's CPU is its worker
 * threads (the intake's signature checks), V8's helpers (GC, compiler) and libuv's pool.
 */
export async function mainThreadCpuTicks(): Promise<number | null> {
  try {
    return await cpuTicksOf(`/proc/self/task/${process.pid}/stat`);
  } catch {
    return null;
  }
}

async function cpuTicksOf(statPath: string): Promise<number> {
  // Fields after the command name: state is the first; utime and stime are the 12th and 13th.
  const fields = (await readFile(statPath, 'utf8')).split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Starts counting the CPU the PostgreSQL server's client backends for one database use (Linux /proc, a
 * local server only), so a benchmark on a shared machine can report CPU per unit of work besides wall
 * time: the figure other load on the machine does not inflate. `stop` gives CPU seconds, or null where
 * it cannot be read. Background workers (autovacuum after a bulk load) are not counted.
 */
export async function countDatabaseServerCpu<S>(db: Kysely<S>): Promise<{ stop(): Promise<number | null> }> {
  const read = async (): Promise<Map<number, number> | null> => {
    const pids = await sql<{ pid: number }>`select pid from pg_stat_activity
      where datname = current_database() and backend_type = 'client backend'`.execute(db);
    const ticks = new Map<number, number>();
    for (const { pid } of pids.rows) {
      try {
        ticks.set(pid, await processCpuTicks(pid));
      } catch {
        return null;
      }
    }
    return ticks;
  };
  const start = await read();
  return {
    stop: async () => {
      const end = await read();
      if (!start || !end) return null;
      let ticks = 0;
      for (const [pid, t] of end) ticks += t - (start.get(pid) ?? 0);
      return ticks / 100; // USER_HZ is 100 on Linux
    },
  };
}

/** What the server wrote to its WAL, and the checkpoints it made, between start and stop. */
export interface WalWritten {
  records: number;
  fullPageImages: number;
  bytes: number;
  checkpoints: number;
}

/**
 * The server's WAL over a run (pg_stat_wal, pg_stat_bgwriter; PostgreSQL 14–16), server-wide, on a
 * connection of its own. A backend reports its WAL statistics only when idle for a while or when it
 * exits, so `stop` waits until the run's other connections to the database are closed. Null where
 * the views differ (PostgreSQL 17 moved the checkpoint counts).
 */
export async function countWalWritten(
  url: string,
): Promise<{ stop(): Promise<WalWritten | null>; release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let open = true;
  const release = async () => {
    if (open) await client.end();
    open = false;
  };
  const read = async (): Promise<WalWritten | null> => {
    try {
      const row = (
        await client.query<{ records: string; fpi: string; bytes: string; checkpoints: string }>(
          `select w.wal_records as records, w.wal_fpi as fpi, w.wal_bytes as bytes,
             b.checkpoints_timed + b.checkpoints_req as checkpoints
           from pg_stat_wal w, pg_stat_bgwriter b`,
        )
      ).rows[0]!;
      return {
        records: Number(row.records),
        fullPageImages: Number(row.fpi),
        bytes: Number(row.bytes),
        checkpoints: Number(row.checkpoints),
      };
    } catch {
      return null;
    }
  };
  const othersConnected = async () =>
    (
      await client.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`)
    ).rows[0]!.n;
  const start = await read();
  return {
    release,
    stop: async () => {
      try {
        for (let waited = 0; waited < 5000 && (await othersConnected()) > 0; waited += 50) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const end = await read();
        if (!start || !end) return null;
        return {
          records: end.records - start.records,
          fullPageImages: end.fullPageImages - start.fullPageImages,
          bytes: end.bytes - start.bytes,
          checkpoints: end.checkpoints - start.checkpoints,
        };
      } finally {
        await release();
      }
    },
  };
}

/** CPU microseconds of this process (all its threads) per unit between two `process.cpuUsage()` readings. */
export const processCpuMicrosPer = (since: NodeJS.CpuUsage, units: number): number => {
  const used = process.cpuUsage(since);
  return Math.round((used.user + used.system) / Math.max(1, units));
};

/** The main thread's garbage collections between `observeGc()` and `stop()`. */
export interface GcCount {
  /** Scavenges of the young generation: one each time it fills, so they count what was allocated. */
  scavenges: number;
  /** Mark-compacts of the whole heap. */
  fullCollections: number;
  /** Milliseconds the main thread stood still for them (V8's helper threads not included). */
  pauseMs: number;
}

/**
 * Counts this process's garbage collections. The number of scavenges depends on what the code
 * allocates, not on how fast the machine is at the moment, so it compares code across runs on a
 * machine whose speed drifts (docs/performance.md, tenth round).
 */
export function observeGc(): { stop(): Promise<GcCount> } {
  const count: GcCount = { scavenges: 0, fullCollections: 0, pauseMs: 0 };
  const add = (entries: PerformanceEntry[]) => {
    for (const entry of entries) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) count.scavenges++;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) count.fullCollections++;
      count.pauseMs += entry.duration;
    }
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop() {
      // Node queues each collection's entry for the next turn of the event loop; take that turn first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      add(observer.takeRecords()); // entries not yet delivered to the callback
      observer.disconnect();
      return count;
    },
  };
}

/**
 * How fast this machine is at the moment: the milliseconds a fixed single-threaded workload takes
 * (100,000 × a SHA-256 of 1.5 kB and a few small objects, the intake's mix of hashing and garbage),
 * the median of three. The virtual machines here drift by up to 2× within an hour, so each run
 * reports it: a snapshot that tells machines and moments apart, not a correction factor (it changes
 * within a run too; docs/performance.md, eighth round). Lower is faster.
 */
export function machineSpeedMs(): number {
  const input = Buffer.alloc(1500, 7);
  const times: number[] = [];
  let sink = 0;
  for (let repeat = 0; repeat < 3; repeat++) {
    const start = performance.now();
    for (let i = 0; i < 100_000; i++) {
      sink += createHash('sha256').update(input).digest()[0]!;
      const garbage = { i, pair: [i, i + 1], text: `x${i}` };
      sink += garbage.pair.length + garbage.text.length;
    }
    times.push(performance.now() - start);
  }
  if (sink < 0) throw new Error('unreachable'); // keeps the loop's work observable
  return Math.round(times.sort((a, b) => a - b)[1]!);
}
