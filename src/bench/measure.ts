import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';

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
export async function processCpuTicks(pid: number): Promise<number> {
  // Fields after the command name: state is the first; utime and stime are the 12th and 13th.
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
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

/** CPU microseconds of this process (all its threads) per unit between two `process.cpuUsage()` readings. */
export const processCpuMicrosPer = (since: NodeJS.CpuUsage, units: number): number => {
  const used = process.cpuUsage(since);
  return Math.round((used.user + used.system) / Math.max(1, units));
};
