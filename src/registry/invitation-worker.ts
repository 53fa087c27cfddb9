import { availableParallelism } from 'node:os';
import { workerPool } from '../worker-pool.js';
import {
  evaluateCandidates,
  type Candidate,
  type EvaluationJob,
  type InvitationEvaluator,
} from './invitations.js';

/**
 * Worker threads for invitation runs: the schedule engine is the CPU-heavy part, so a national run
 * (3.5 million people) shards its batches (each one JSON string, see EvaluationJob) over the cores
 * while the main thread streams the database. This module is both the workers' entry (its default
 * export) and the pool's factory.
 */
export default function evaluate(job: EvaluationJob): Candidate[] {
  return evaluateCandidates(job);
}

export interface InvitationPool extends InvitationEvaluator {
  close(): Promise<void>;
}

export function createInvitationPool(threads = availableParallelism()): InvitationPool {
  const pool = workerPool(import.meta.url, { minThreads: threads, maxThreads: threads });
  return {
    threads,
    evaluate: (job) => pool.run(job) as Promise<Candidate[]>,
    close: () => pool.destroy(),
  };
}
