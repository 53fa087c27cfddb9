import type { Config } from './config.js';
import { loadConfig } from './config.js';
import { isEmpty, loadDemoData } from './demo/load.js';
import type { DossierSchema } from './dossier/schema.js';
import type { RegistrySchema } from './registry/schema.js';
import { openServiceDatabase, startService, type RunningService } from './services.js';

export interface ChainOptions {
  dataDir: string;
  dossierPort?: number;
  registryPort?: number;
  demoSize?: number;
  demoSeed?: number;
  /** false silences request logs (tests). */
  log?: boolean;
  databaseUrls?: Config['databaseUrls'];
  referenceDate?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface RunningChain {
  dossierUrl: string;
  registryUrl: string;
  /** The dossier's outbox sender: run the nightly delivery on demand. */
  sender: NonNullable<RunningService['sender']>;
  demoLoaded: number;
  services: RunningService[];
  close(): Promise<void>;
}

/** The whole chain in one process: both databases migrated, demo data when empty, both services up. */
export async function startChain(options: ChainOptions): Promise<RunningChain> {
  const base = loadConfig({});
  const config: Config = {
    ...base,
    dataDir: options.dataDir,
    databaseUrls: options.databaseUrls ?? {},
    ports: {
      dossier: options.dossierPort ?? base.ports.dossier,
      registry: options.registryPort ?? base.ports.registry,
    },
    demoSize: options.demoSize ?? base.demoSize,
    demoSeed: options.demoSeed ?? base.demoSeed,
    logLevel: options.log === false ? 'silent' : base.logLevel,
  };
  return startChainWithConfig(config, options);
}

export async function startChainWithConfig(
  config: Config,
  options: Pick<ChainOptions, 'referenceDate' | 'onProgress'> = {},
): Promise<RunningChain> {
  const dossierDb = await openServiceDatabase(config, 'dossier');
  const registryDb = await openServiceDatabase(config, 'registry');
  let demoLoaded = 0;
  try {
    if (config.demoSize > 0 && (await isEmpty(dossierDb))) {
      const result = await loadDemoData(dossierDb, registryDb, {
        size: config.demoSize,
        seed: config.demoSeed,
        referenceDate: options.referenceDate ?? new Date().toISOString().slice(0, 10),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      demoLoaded = result.clients;
    }
  } catch (error) {
    await dossierDb.close();
    await registryDb.close();
    throw error;
  }
  const registry = await startService(config, 'registry', registryDb);
  const dossier = await startService(config, 'dossier', dossierDb);
  // Ports may have been chosen at start (0): tell each service where its peer really is.
  dossier.setPeerUrl(registry.url);
  registry.setPeerUrl(`${dossier.url}/.well-known/jwks.json`);
  return {
    dossierUrl: dossier.url,
    registryUrl: registry.url,
    demoLoaded,
    sender: dossier.sender!,
    services: [dossier, registry],
    close: async () => {
      await dossier.close();
      await registry.close();
    },
  };
}

export type { DossierSchema, RegistrySchema };
