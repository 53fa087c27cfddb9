/**
 * Once per test run, before the DB and HTTP suites: one migrated database per service and backend.
 * Every suite then starts from a copy (PGlite: a loaded dump; PostgreSQL: `create database … template`)
 * instead of running all migrations again — with Vitest's per-file isolation that was once per file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.js';
import { migrate, type ServiceName } from '../../src/db/migrate.js';
import { TEST_POSTGRES_URL, type DatabaseTemplates } from './postgres.js';

const SERVICES: ServiceName[] = ['dossier', 'registry'];

async function adminQuery(query: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(query);
  } finally {
    await admin.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rvp-db-templates-'));
  const run = randomBytes(4).toString('hex');
  const templates: DatabaseTemplates = {
    pglite: { dossier: '', registry: '' },
    postgres: { dossier: '', registry: '' },
  };
  for (const service of SERVICES) {
    const database = await openDatabase<unknown>({ kind: 'pglite' });
    await migrate(database, service);
    const file = path.join(dir, `${service}.tar.gz`);
    await writeFile(file, Buffer.from(await (await database.dump!()).arrayBuffer()));
    await database.close();
    templates.pglite[service] = file;

    const name = `rvp_template_${service}_${run}`;
    await adminQuery(`create database ${name}`);
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${name}`;
    const server = await openDatabase<unknown>({ kind: 'postgres', url: url.toString() });
    try {
      await migrate(server, service);
    } finally {
      await server.close();
    }
    templates.postgres[service] = name;
  }
  project.provide('databaseTemplates', templates);
  return async () => {
    for (const name of Object.values(templates.postgres)) {
      await adminQuery(`drop database if exists ${name} with (force)`);
    }
    await rm(dir, { recursive: true, force: true });
  };
}
