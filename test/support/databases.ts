import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate, type ServiceName } from '../../src/db/migrate.js';
import type { DossierSchema } from '../../src/dossier/schema.js';
import type { RegistrySchema } from '../../src/registry/schema.js';
import { TEST_POSTGRES_URL, type DatabaseTemplates } from './postgres.js';

export { TEST_POSTGRES_URL };

/** Every DB suite runs once per backend: embedded PGlite and the local PostgreSQL server. */
export const BACKENDS = ['pglite', 'postgres'] as const;
export type BackendKind = (typeof BACKENDS)[number];

type Schemas = { dossier: DossierSchema; registry: RegistrySchema };

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTemplates: DatabaseTemplates | undefined;
  }
}

function providedTemplates(): DatabaseTemplates | undefined {
  try {
    return inject('databaseTemplates');
  } catch {
    return undefined; // outside a Vitest worker
  }
}

export interface TestDatabase<S extends ServiceName> {
  database: Database<Schemas[S]>;
  /** PostgreSQL only: the throwaway database's URL, for a second process. */
  url?: string;
  /** Closes and, for PostgreSQL, drops the throwaway database. */
  drop(): Promise<void>;
}

// A migrated PGlite data dir per service, made once per worker: loading it takes a fraction of initdb.
const templates = new Map<ServiceName, Promise<Blob>>();

function pgliteTemplate(service: ServiceName): Promise<Blob> {
  let template = templates.get(service);
  if (!template) {
    template = (async () => {
      const prepared = providedTemplates()?.pglite[service];
      if (prepared) return new Blob([await readFile(prepared)]);
      const database = await openDatabase<unknown>({ kind: 'pglite' });
      await migrate(database, service);
      const blob = await database.dump!();
      await database.close();
      return blob;
    })();
    templates.set(service, template);
  }
  return template;
}

export async function createTestDatabase<S extends ServiceName>(
  backend: BackendKind,
  service: S,
): Promise<TestDatabase<S>> {
  if (backend === 'pglite') {
    const database = await openDatabase<Schemas[S]>({
      kind: 'pglite',
      loadDataDir: await pgliteTemplate(service),
    });
    // The template is migrated already; this proves the migrations table is there and up to date.
    await migrate(database, service);
    return { database, drop: () => database.close() };
  }
  const name = `rvp_test_${service}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    const template = providedTemplates()?.postgres[service];
    await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase<Schemas[S]>({ kind: 'postgres', url: url.toString() });
  await migrate(database, service);
  return {
    database,
    url: url.toString(),
    drop: async () => {
      await database.close();
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
