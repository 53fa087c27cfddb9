import { availableParallelism } from 'node:os';
import { workerPool } from '../worker-pool.js';
import {
  judgeCoverage,
  type CoverageEvaluator,
  type CoverageJob,
  type CoverageJudgement,
} from './coverage.js';

/**
 * Worker threads for the coverage refresh: the schedule engine takes ~100 µs per person, so a full
 * refresh of the country (3.5 million people) shards its batches over the cores while the main
 * thread takes, reads and writes them. Like `invitation-worker.ts`, this module is both the workers'
 * entry (its default export) and the pool's factory.
 */
export default function judge(job: CoverageJob): CoverageJudgement {
  return judgeCoverage(job);
}

export interface CoveragePool extends CoverageEvaluator {
  close(): Promise<void>;
}

export function createCoveragePool(threads = availableParallelism()): CoveragePool {
  const pool = workerPool(import.meta.url, { minThreads: threads, maxThreads: threads });
  return {
    threads,
    judge: (job) => pool.run(job) as Promise<CoverageJudgement>,
    close: () => pool.destroy(),
  };
}
