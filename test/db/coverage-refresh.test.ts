/**
 * The coverage refresh on worker threads (issue 8/10) must give exactly the rows of the
 * single-thread path: `coverage_person`, `coverage_dose_not_valid` and so the coverage cells, for
 * the full refresh and for the incremental one, on a generated population with some doses added
 * that the engine judges not valid (too early, twice on one day).
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeCoverage, refreshCoverage } from '../../src/registry/coverage.js';
import { createCoveragePool } from '../../src/registry/coverage-worker.js';
import { generatedRegistry } from '../support/bench-fixtures.js';
import { BACKENDS } from '../support/databases.js';

const nation = { size: 300, seed: 91, referenceDate: '2025-09-01' };
const ASSESSED = '2025-09-01';

describe.each(BACKENDS)('coverage refresh on worker threads on %s', (backend) => {
  const registry = generatedRegistry(backend, nation);

  beforeAll(async () => {
    const db = registry.database.db;
    // Doses the engine does not count as valid: a copy 20 days before the first dose of every
    // 7th person (too young or too soon) and a second dose on the same day for every 11th.
    await sql`insert into vaccination_event (person_id, organisation_ura, activity_id, activity_type,
        activity_date, version, vaccine_type, vaccination_date, batch_number, performer, location)
      select person_id, organisation_ura, activity_id || 'E', activity_type, activity_date, 1, vaccine_type,
        vaccination_date - 20, batch_number, performer, location
      from (select distinct on (person_id) * from vaccination_event order by person_id, vaccination_date, id) v
      where ('x' || substr(md5(person_id::text), 1, 4))::bit(16)::int % 7 = 0`.execute(db);
    await sql`insert into vaccination_event (person_id, organisation_ura, activity_id, activity_type,
        activity_date, version, vaccine_type, vaccination_date, batch_number, performer, location)
      select person_id, organisation_ura, activity_id || 'D', activity_type, activity_date, 1, vaccine_type,
        vaccination_date, batch_number, performer, location
      from (select distinct on (person_id) * from vaccination_event order by person_id, vaccination_date desc, id) v
      where ('x' || substr(md5(person_id::text), 1, 4))::bit(16)::int % 11 = 0`.execute(db);
  }, 90_000);

  const snapshot = async () => {
    const db = registry.database.db;
    const persons = await sql<{
      row: string;
    }>`select concat_ws('|', person_id, met, valid_doses, assessed_on) as row
      from coverage_person order by person_id`.execute(db);
    const notValid = await sql<{
      row: string;
    }>`select concat_ws('|', vaccination_id, person_id, status) as row
      from coverage_dose_not_valid order by vaccination_id`.execute(db);
    const dirty = await sql<{ n: number }>`select count(*)::int as n from coverage_dirty`.execute(db);
    const cells = await computeCoverage(db, { referenceDate: '2025-01-01', cohorts: 3, refresh: false });
    return {
      persons: persons.rows.map((r) => r.row),
      notValid: notValid.rows.map((r) => r.row),
      dirty: dirty.rows[0]!.n,
      cells: cells.cells,
    };
  };
  const wipe = () =>
    sql`delete from coverage_person; delete from coverage_dose_not_valid`.execute(registry.database.db);

  it('gives the same coverage rows as the single-thread path, full and incremental', async () => {
    const db = registry.database.db;
    const single = await refreshCoverage(db, { assessmentDate: ASSESSED, full: true, threads: 0 });
    const expected = await snapshot();
    expect(single.persons).toBeGreaterThan(nation.size / 2);
    expect(expected.persons.length).toBeGreaterThan(nation.size / 2);
    expect(expected.notValid.length).toBeGreaterThan(10);
    expect(expected.dirty).toBe(0);
    expect(expected.cells.some((c) => (c.vaccinated ?? 0) > 0)).toBe(true);

    const pool = createCoveragePool(2);
    try {
      // Full, in small batches so many are in flight; stale rows must be replaced, not kept.
      await sql`update coverage_person set met = 0, valid_doses = -1`.execute(db);
      const pooled = await refreshCoverage(db, {
        assessmentDate: ASSESSED,
        full: true,
        batchSize: 17,
        evaluator: pool,
      });
      expect(pooled.persons).toBe(single.persons);
      expect(pooled.batches).toBe(Math.ceil(single.persons / 17));
      expect(await snapshot()).toEqual(expected);

      // Incremental: everybody marked, nothing judged yet.
      await wipe();
      await sql`insert into coverage_dirty (person_id) select distinct person_id from vaccination_event`.execute(
        db,
      );
      const incremental = await refreshCoverage(db, {
        assessmentDate: ASSESSED,
        batchSize: 23,
        evaluator: pool,
      });
      expect(incremental.persons).toBe(single.persons);
      expect(await snapshot()).toEqual(expected);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
