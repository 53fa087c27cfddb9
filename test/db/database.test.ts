import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

describe.each(BACKENDS)('database on %s', (backend) => {
  let dossier: TestDatabase<'dossier'>;
  let registry: TestDatabase<'registry'>;

  beforeAll(async () => {
    dossier = await createTestDatabase(backend, 'dossier');
    registry = await createTestDatabase(backend, 'registry');
  });
  afterAll(async () => {
    await dossier?.drop();
    await registry?.drop();
  });

  it('records applied migrations and applies nothing twice', async () => {
    const again = await migrate(dossier.database, 'dossier');
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toContain('001_foundation.sql');
    const rows = await sql<{ name: string }>`select name from schema_migration order by name`.execute(
      dossier.database.db,
    );
    expect(rows.rows.map((r) => r.name)).toEqual(again.alreadyApplied);
  });

  it('keeps dossier and registry apart: each has only its own tables', async () => {
    const tables = async (db: typeof dossier.database.db | typeof registry.database.db) =>
      (
        await sql<{ table_name: string }>`select table_name from information_schema.tables
          where table_schema = 'public' order by table_name`.execute(db)
      ).rows.map((r) => r.table_name);
    const dossierTables = await tables(dossier.database.db);
    const registryTables = await tables(registry.database.db);
    expect(dossierTables).toContain('client');
    expect(dossierTables).not.toContain('person');
    expect(registryTables).toContain('person');
    expect(registryTables).not.toContain('client');
  });

  it('plans statements without JIT compilation, however costly they look', async () => {
    // 9 M estimated rows: far above jit_above_cost (100,000), where a default server compiles.
    const plan = await sql<{ 'QUERY PLAN': unknown }>`explain (format json)
      select sum(a * b) from generate_series(1, 3000) a, generate_series(1, 3000) b`.execute(
      registry.database.db,
    );
    const text = JSON.stringify(plan.rows[0]);
    expect(text).toContain('"Total Cost"');
    expect(Number(/"Total Cost":([\d.]+)/.exec(text)?.[1])).toBeGreaterThan(100_000);
    expect(text).not.toContain('"JIT"');
  });

  it('rolls a failed transaction back completely', async () => {
    const { db } = dossier.database;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('organisation').values({ ura: '12345678', name: 'Half geschreven' }).execute();
        // Second row breaks the URA check: the first must not survive.
        await trx.insertInto('organisation').values({ ura: 'not-a-ura', name: 'Fout' }).execute();
      }),
    ).rejects.toThrow();
    const left = await db.selectFrom('organisation').selectAll().where('ura', '=', '12345678').execute();
    expect(left).toEqual([]);
  });

  it('returns dates as calendar strings and counts as numbers', async () => {
    const { db } = dossier.database;
    await db.insertInto('organisation').values({ ura: '87654321', name: 'GGD Test' }).execute();
    const inserted = await db
      .insertInto('client')
      .values({
        organisation_ura: '87654321',
        kind: 'youth',
        dossier_number: 'T1',
        bsn: '111222333',
        given_name: 'Noor',
        name_prefix: null,
        family_name: 'Test',
        gender: '2',
        birth_date: '2020-02-29',
        street: null,
        house_number: null,
        house_letter: null,
        house_number_addition: null,
        postcode: null,
        city: null,
        municipality_code: null,
      })
      .returning(['birth_date'])
      .executeTakeFirstOrThrow();
    expect(inserted.birth_date).toBe('2020-02-29');
    const count = await db
      .selectFrom('client')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });

  it('refuses to change or delete the audit trail', async () => {
    const { db } = registry.database;
    await db
      .insertInto('audit_event')
      .values({ actor_id: 'tester', organisation_ura: null, action: 'test', subject_type: 'none' })
      .execute();
    await expect(db.updateTable('audit_event').set({ action: 'forged' }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(db.deleteFrom('audit_event').execute()).rejects.toThrow(/append-only/);
    const rows = await db.selectFrom('audit_event').select('action').execute();
    expect(rows).toEqual([{ action: 'test' }]);
  });
});
