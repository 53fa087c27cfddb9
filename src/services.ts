import { mkdir } from 'node:fs/promises';
import type { App } from './http/app.js';
import { backendFor, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate, type ServiceName } from './db/migrate.js';
import { createDossierApp } from './dossier/app.js';
import type { DossierSchema } from './dossier/schema.js';
import { createRegistryApp } from './registry/app.js';
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
  const app =
    service === 'dossier'
      ? await createDossierApp({ database: db as Database<DossierSchema>, ...common })
      : await createRegistryApp({ database: db as Database<RegistrySchema>, ...common });
  const address = await app.listen({ host: config.host, port: config.ports[service] });
  return {
    service,
    url: address.replace('[::1]', 'localhost'),
    app,
    database: db,
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}
