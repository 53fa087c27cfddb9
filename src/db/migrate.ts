import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';

export type ServiceName = 'dossier' | 'registry';

/** Plain-SQL migrations live in migrations/<service>/NNN_name.sql at the repository root. */
export function migrationsDir(service: ServiceName): URL {
  // src/db and dist/db are both two levels below the repository root.
  return new URL(`../../migrations/${service}/`, import.meta.url);
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies every migration not yet in schema_migration, each in its own transaction together with
 * its bookkeeping row, under an advisory lock so two processes starting at once do not race.
 * A changed checksum of an applied file is an error: history is not rewritten.
 */
export async function migrate(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: migrations use raw SQL only
  database: Pick<Database<unknown>, 'exec'> & { db: Kysely<any> },
  service: ServiceName,
): Promise<MigrationResult> {
  const dir = migrationsDir(service);
  const files = (await readdir(dir)).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f)).sort();
  await database.exec(`create table if not exists schema_migration (
    name text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`);
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const name of files) {
    const script = await readFile(new URL(name, dir), 'utf8');
    const checksum = createHash('sha256').update(script).digest('hex');
    await database.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${'rvp-migrate-' + service}))`.execute(trx);
      const existing = await sql<{
        checksum: string;
      }>`select checksum from schema_migration where name = ${name}`.execute(trx);
      const row = existing.rows[0];
      if (row) {
        if (row.checksum !== checksum) {
          throw new Error(
            `migration ${service}/${name} was changed after it was applied; add a new migration instead`,
          );
        }
        result.alreadyApplied.push(name);
        return;
      }
      await sql.raw(script).execute(trx);
      await sql`insert into schema_migration (name, checksum) values (${name}, ${checksum})`.execute(trx);
      result.applied.push(name);
    });
  }
  return result;
}
