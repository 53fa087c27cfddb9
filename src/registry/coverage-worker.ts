import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
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
  const self = import.meta.url;
  // From the TypeScript sources (tests, tsx) a worker needs tsx's loader; the build runs as is.
  const pool = new Piscina({
    filename: self,
    minThreads: threads,
    maxThreads: threads,
    ...(self.endsWith('.ts') ? { execArgv: [...process.execArgv, '--import', 'tsx'] } : {}),
  });
  return {
    threads,
    judge: (job) => pool.run(job) as Promise<CoverageJudgement>,
    close: () => pool.destroy(),
  };
}
