import { Piscina } from 'piscina';

/**
 * A `piscina` pool whose workers run the module at `moduleUrl` (its default export). From the
 * TypeScript sources (tests, tsx) a worker needs tsx's loader; the build runs as is.
 */
export function workerPool(
  moduleUrl: string,
  threads: { minThreads: number; maxThreads: number; idleTimeout?: number },
): Piscina {
  return new Piscina({
    filename: moduleUrl,
    ...threads,
    ...(moduleUrl.endsWith('.ts') ? { execArgv: [...process.execArgv, '--import', 'tsx'] } : {}),
  });
}
