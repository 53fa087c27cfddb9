import { mkdir } from 'node:fs/promises';
import type { App } from './http/app.js';
import { backendFor, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate, type ServiceName } from './db/migrate.js';
import { createDossierApp } from './dossier/app.js';
import type { DossierSchema } from './dossier/schema.js';
import { createRegistryApp } from './registry/app.js';
import { isoDateInZone } from './domain/dates/index.js';
import { ensureSigningKeys } from './exchange/keys.js';
import { ExchangeScheduler } from './exchange/scheduler.js';
import { ExchangeSender } from './exchange/sender.js';
import { monthlySweepsEnabled, startMonthlySweeps, type MonthlySweepJob } from './dossier/sweeps.js';
import { remoteKeys } from './exchange/signing.js';
import type { RegistrySchema } from './registry/schema.js';

type Schemas = { dossier: DossierSchema; registry: RegistrySchema };

/** Opens a service's own database and brings its schema up to date. */
export async function openServiceDatabase<S extends ServiceName>(
  config: Pick<Config, 'dataDir' | 'databaseUrls'>,
  service: S,
): Promise<Database<Schemas[S]>> {
  const backend = backendFor(config, service);
  if (backend.kind === 'pglite' && backend.dataDir) await mkdir(backend.dataDir, { recursive: true });
  const database = await openDatabase<Schemas[S]>(backend);
  try {
    await migrate(database, service);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

export interface RunningService {
  service: ServiceName;
  url: string;
  app: App;
  /** Dossier only: the outbox sender (tests and the CLI drive it directly). */
  sender?: ExchangeSender;
  /** Late binding when both run in one process on ports chosen at start. */
  setPeerUrl(url: string): void;
  database: Pick<Database<unknown>, 'backend' | 'close'>;
  close(): Promise<void>;
}

/** Starts one service on its port; close() stops taking requests, drains, then closes the database. */
export async function startService(
  config: Config,
  service: ServiceName,
  database?: Database<DossierSchema> | Database<RegistrySchema>,
): Promise<RunningService> {
  const db = database ?? (await openServiceDatabase(config, service));
  const common = {
    logLevel: config.logLevel,
    ...(config.sessionSecret ? { sessionSecret: config.sessionSecret } : {}),
  };
  // The peer: the dossier delivers to the registry; the registry trusts the dossier's published keys.
  let peerUrl = service === 'dossier' ? config.registryUrl : config.dossierJwksUrl;
  let app: App;
  let sender: ExchangeSender | undefined;
  let scheduler: ExchangeScheduler | undefined;
  let sweeps: MonthlySweepJob | undefined;
  if (service === 'dossier') {
    const dossierDb = db as Database<DossierSchema>;
    await ensureSigningKeys(dossierDb.db);
    const today = () => isoDateInZone(new Date());
    sender = new ExchangeSender({ db: dossierDb.db, registryUrl: () => peerUrl, today });
    app = await createDossierApp({
      database: dossierDb,
      ...common,
      today,
      exchange: { registryUrl: () => peerUrl, sender },
      portalServiceSecret: () => config.portal?.serviceSecret,
    });
    sender.useLogger(app.log);
  } else {
    let keys = remoteKeys(peerUrl);
    let keysFor = peerUrl;
    app = await createRegistryApp({
      database: db as Database<RegistrySchema>,
      ...common,
      portalServiceSecret: () => config.portal?.serviceSecret,
      portalUrl: () => config.portal?.publicUrl ?? null,
      trustedKeys: () => {
        if (keysFor !== peerUrl) {
          keys = remoteKeys(peerUrl);
          keysFor = peerUrl;
        }
        return keys;
      },
    });
  }
  const address = await app.listen({ host: config.host, port: config.ports[service] });
  if (sender) {
    scheduler = new ExchangeScheduler(sender, {
      nightlyAt: config.nightlyAt,
      pollMs: config.exchangePollMs,
      log: app.log,
    });
    scheduler.start();
    // Issue 9: the monthly sweeps (docs/sessions.md); idempotent per organisation, kind and month.
    if (monthlySweepsEnabled()) {
      const dossierDb = (db as Database<DossierSchema>).db;
      sweeps = startMonthlySweeps(dossierDb, () => isoDateInZone(new Date()), app.log);
    }
  }
  return {
    service,
    url: address.replace('[::1]', 'localhost'),
    app,
    ...(sender ? { sender } : {}),
    setPeerUrl: (url) => {
      peerUrl = url;
    },
    database: db,
    close: async () => {
      await scheduler?.stop();
      await sweeps?.stop();
      await app.close();
      await db.close();
    },
  };
}
