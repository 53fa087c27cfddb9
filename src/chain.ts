import type { Config } from './config.js';
import { loadConfig } from './config.js';
import { isEmpty, loadDemoData } from './demo/load.js';
import type { DossierSchema } from './dossier/schema.js';
import type { RegistrySchema } from './registry/schema.js';
import { openServiceDatabase, startService, type RunningService } from './services.js';
import { isoDateInZone } from './domain/dates/index.js';
import { loadPortalDemo } from './portal/demo.js';
import { demoIdentities } from './portal/demo-identities.js';
import { newServiceSecret } from './portal/service-token.js';
import { startPortal } from './portal/start.js';

export interface ChainOptions {
  dataDir: string;
  dossierPort?: number;
  registryPort?: number;
  /** Issue 11: the portal and the DigiD stand-in (0 = any free port). */
  portalPort?: number;
  oidcPort?: number;
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
  /** Issue 11: the portal, and the OpenID Connect issuer it signs in with (the DigiD stand-in). */
  portalUrl: string;
  oidcIssuer: string;
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
    portal: {
      ...base.portal!,
      // Callers that ask for any free dossier port (tests) get free portal ports too.
      port: options.portalPort ?? (options.dossierPort === 0 ? 0 : base.portal!.port),
      oidcPort: options.oidcPort ?? (options.dossierPort === 0 ? 0 : base.portal!.oidcPort),
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
  // The portal's service secret is shared by the three services; random per start unless configured.
  const portalConfig = { ...(config.portal ?? loadConfig({}).portal!) };
  const portalSecret = portalConfig.serviceSecret ?? newServiceSecret();
  config = { ...config, portal: { ...portalConfig, serviceSecret: portalSecret } };
  const dossierDb = await openServiceDatabase(config, 'dossier');
  const registryDb = await openServiceDatabase(config, 'registry');
  let demoLoaded = 0;
  try {
    if (config.demoSize > 0 && (await isEmpty(dossierDb))) {
      const result = await loadDemoData(dossierDb, registryDb, {
        size: config.demoSize,
        seed: config.demoSeed,
        referenceDate: options.referenceDate ?? isoDateInZone(new Date()),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      demoLoaded = result.clients;
      // Issue 11: a family to sign in to the portal as, custodians at the registry, a campaign.
      await loadPortalDemo(dossierDb, registryDb, options.referenceDate ?? isoDateInZone(new Date()));
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
  let portal: Awaited<ReturnType<typeof startPortal>>;
  try {
    portal = await startPortal({
      host: config.host,
      portal: { ...config.portal!, serviceSecret: portalSecret },
      dossierUrl: () => dossier.url,
      registryUrl: () => registry.url,
      identities: () => demoIdentities(dossierDb.db, isoDateInZone(new Date())),
      logLevel: config.logLevel,
      secureCookies: process.env.RVP_SECURE_COOKIES === 'true',
    });
  } catch (error) {
    await dossier.close();
    await registry.close();
    throw error;
  }
  // Letters name the portal; the registry reads this when it renders one.
  config.portal!.publicUrl = portal.url;
  return {
    dossierUrl: dossier.url,
    registryUrl: registry.url,
    portalUrl: portal.url,
    oidcIssuer: portal.issuer,
    demoLoaded,
    sender: dossier.sender!,
    services: [dossier, registry],
    close: async () => {
      await portal.close();
      await dossier.close();
      await registry.close();
    },
  };
}

export type { DossierSchema, RegistrySchema };
