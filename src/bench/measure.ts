import { performance } from 'node:perf_hooks';

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
