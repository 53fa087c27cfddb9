/**
 * Issue 8: the coverage report counts its population from `coverage_cohort` (registry migration 017),
 * kept by triggers on `person` and `coverage_person`, instead of grouping every person of the cohorts
 * at report time. After every kind of change the registry makes (refreshes full and incremental, moves,
 * corrected birth dates and sex, deaths and emigration, new persons, deleted persons with the cascade
 * to their coverage row, direct updates of `met`), the table must equal the grouping done from scratch,
 * and the report's aggregates must equal those counted straight from `person` for any reference date.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { makeBsn } from '../../src/domain/identifiers/index.js';
import { hashSeed, Random } from '../../src/demo/generator-random.js';
import {
  coverageAggregates,
  coverageAggregatesFromPersons,
  computeCoverage,
  refreshCoverage,
} from '../../src/registry/coverage.js';
import { generatedRegistry } from '../support/bench-fixtures.js';
import { BACKENDS } from '../support/databases.js';
import { doseMonthCounts } from '../support/registry.js';

const nation = { size: 300, seed: 17, referenceDate: '2025-09-01' };
const REFERENCE_DATES = ['2023-06-30', '2025-01-01', '2025-09-01', '2027-12-31'];

describe.each(BACKENDS)('coverage_cohort kept by triggers (%s)', (backend) => {
  const registry = generatedRegistry(backend, nation);

  const cohortRows = async (fromScratch: boolean): Promise<string[]> => {
    const rows = await (
      fromScratch
        ? sql<{
            row: string;
          }>`select concat_ws('|', p.municipality_code, extract(year from p.birth_date)::int,
            p.gender = '2', coalesce(s.met, 0), count(*)) as row
          from person p left join coverage_person s on s.person_id = p.id
          group by p.municipality_code, extract(year from p.birth_date)::int, p.gender = '2', coalesce(s.met, 0)`
        : sql<{
            row: string;
          }>`select concat_ws('|', municipality_code, birth_year, female, met, sum(persons)) as row
          from coverage_cohort group by municipality_code, birth_year, female, met having sum(persons) <> 0`
    ).execute(registry.database.db);
    return rows.rows.map((r) => r.row).sort();
  };

  const canonical = (aggregates: Awaited<ReturnType<typeof coverageAggregates>>) =>
    aggregates.map((a) => JSON.stringify([a.municipality, a.year, a.female, a.population, a.met])).sort();

  /** The maintained table equals the grouping from scratch; the report agrees for every date. */
  const expectConsistent = async (step: string) => {
    const db = registry.database.db;
    expect(await cohortRows(false), step).toEqual(await cohortRows(true));
    const years = (
      await sql<{
        year: number;
      }>`select distinct extract(year from birth_date)::int as year from person`.execute(db)
    ).rows.map((r) => Number(r.year));
    for (const date of REFERENCE_DATES) {
      for (const asked of [years, years.filter((y) => y % 3 === 0)]) {
        const maintained = canonical(await coverageAggregates(db, asked, date));
        expect(maintained, `${step}, ${date}`).toEqual(
          canonical(await coverageAggregatesFromPersons(db, asked, date)),
        );
      }
    }
  };

  it('equals the grouping from scratch after every kind of change', async () => {
    const db = registry.database.db;
    const rng = new Random(hashSeed(nation.seed, 3, 0x636f_686f));
    const personIds = async () =>
      (await sql<{ id: string }>`select id from person order by id`.execute(db)).rows.map((r) => r.id);
    const someOf = (ids: string[], n: number) => ids.filter(() => rng.chance(n / ids.length));
    const municipalities = (
      await sql<{ code: string }>`select code from municipality order by code`.execute(db)
    ).rows.map((r) => r.code);

    await expectConsistent('generated, before any refresh');
    await refreshCoverage(db, { full: true, assessmentDate: nation.referenceDate, threads: 0 });
    const met = await sql<{
      n: number;
    }>`select count(*)::int as n from coverage_person where met <> 0`.execute(db);
    expect(met.rows[0]!.n).toBeGreaterThan(50); // the triggers had real moves to make
    await expectConsistent('full refresh');

    // Moves (also to no municipality), corrected birth dates across a year, sex changed both ways.
    for (const id of someOf(await personIds(), 40)) {
      const code = rng.chance(0.2) ? null : municipalities[rng.int(municipalities.length)]!;
      await sql`update person set municipality_code = ${code} where id = ${id}`.execute(db);
    }
    for (const id of someOf(await personIds(), 25)) {
      await sql`update person set birth_date = birth_date + ${rng.int(800) - 400}::int where id = ${id}`.execute(
        db,
      );
    }
    await sql`update person set gender = case gender when '2' then '1' else '2' end
      where id = any(${someOf(await personIds(), 20)}::uuid[])`.execute(db);
    // An update that changes no counted field moves nobody.
    await sql`update person set given_name = given_name || 'x', postcode = '1234AB'
      where id = any(${someOf(await personIds(), 30)}::uuid[])`.execute(db);
    await expectConsistent('moves, birth dates, sex');

    // Deaths and emigration on both sides of the reference dates.
    for (const id of someOf(await personIds(), 40)) {
      // A quarter on a reference date itself: gone on that day means not counted on it.
      const day = rng.chance(0.25)
        ? REFERENCE_DATES[rng.int(REFERENCE_DATES.length)]!
        : `202${3 + rng.int(5)}-0${1 + rng.int(9)}-1${rng.int(9)}`;
      const column = rng.chance(0.5) ? 'deceased_on' : 'emigrated_on';
      await sql`update person set ${sql.ref(column)} = ${day}::date where id = ${id}`.execute(db);
    }
    await expectConsistent('deaths and emigration');

    // New persons in one statement, some vaccinated later; then an incremental refresh.
    await sql`insert into person (bsn, source, given_name, family_name, gender, birth_date, municipality_code)
      select b.bsn, 'brp', 'Nieuw', 'Persoon', (array['1','2','3'])[1 + n % 3], date '2019-03-01' + (n * 41)::int,
        ${municipalities[0]!}
      from unnest(${Array.from({ length: 25 }, (_, i) => makeBsn(9_000_000 + i))}::text[]) with ordinality as b(bsn, n)`.execute(
      db,
    );
    await expectConsistent('new persons');
    await sql`insert into vaccination_event (person_id, organisation_ura, activity_id, activity_type,
        activity_date, version, vaccine_type, vaccination_date, batch_number, performer, location)
      select p.id, '00000001', 'N' || row_number() over (), '01', p.birth_date + 60, 1, '11', p.birth_date + 60,
        'B1', 'Jeugdverpleegkundige', 'Consultatiebureau'
      from person p where p.given_name = 'Nieuw' and p.gender <> '3'`.execute(db);
    await refreshCoverage(db, { assessmentDate: nation.referenceDate, threads: 0 });
    await expectConsistent('new persons vaccinated, incremental refresh');

    // Vaccinations removed: the refresh deletes their coverage rows.
    const unvaccinated = someOf(await personIds(), 10);
    await sql`delete from vaccination_event where person_id = any(${unvaccinated}::uuid[])`.execute(db);
    await refreshCoverage(db, { assessmentDate: nation.referenceDate, threads: 0 });
    await expectConsistent('vaccinations removed, incremental refresh');

    // Persons deleted while they still have a coverage row: the cascade must not count them back.
    const leaving = unvaccinated.slice(0, 5);
    await sql`insert into coverage_person (person_id, met, valid_doses, assessed_on)
      select id, 5, 2, date '2025-09-01' from person where id = any(${leaving}::uuid[])
      on conflict (person_id) do nothing`.execute(db);
    await expectConsistent('coverage rows without vaccinations');
    await sql`delete from coverage_dirty where person_id = any(${leaving}::uuid[])`.execute(db);
    const deleted = await sql`delete from person where id = any(${leaving}::uuid[])`.execute(db);
    expect(Number(deleted.numAffectedRows)).toBe(leaving.length);
    await expectConsistent('persons deleted');

    // Direct updates of met, and a wipe followed by a full refresh.
    await sql`update coverage_person set met = met # 6 where person_id = any(${someOf(await personIds(), 30)}::uuid[])`.execute(
      db,
    );
    await expectConsistent('met updated');
    await sql`delete from coverage_person`.execute(db);
    await expectConsistent('coverage wiped');
    await refreshCoverage(db, { full: true, assessmentDate: nation.referenceDate, threads: 0 });
    await expectConsistent('full refresh again');
    // The refresh compacted what the triggers appended: one row per key, none at zero.
    const rows = await sql<{ rows: number; keys: number; zero: number }>`select count(*)::int as rows,
        count(distinct (municipality_code, birth_year, female, met))::int as keys,
        count(*) filter (where persons = 0)::int as zero
      from coverage_cohort`.execute(db);
    expect(rows.rows[0]).toEqual({ rows: rows.rows[0]!.keys, keys: rows.rows[0]!.keys, zero: 0 });
    // So did it the monthly dose counts (registry migration 019), which still add up to the doses.
    const doseRows = await sql<{ rows: number; keys: number }>`select count(*)::int as rows,
        count(distinct (organisation_ura, vaccine_type, month))::int as keys from coverage_dose_month`.execute(
      db,
    );
    expect(doseRows.rows[0]!.rows).toBe(doseRows.rows[0]!.keys);
    const doses = await doseMonthCounts(db);
    expect(doses.maintained).toEqual(doses.fromScratch);
    // Appended counts before a compaction are read the same way as compacted ones.
    await sql`update person set municipality_code = ${municipalities[1]!}
      where id = any(${someOf(await personIds(), 20)}::uuid[])`.execute(db);
    const appended = await sql<{ n: number }>`select count(*)::int as n from coverage_cohort`.execute(db);
    expect(appended.rows[0]!.n).toBeGreaterThan(rows.rows[0]!.rows);
    await expectConsistent('moves after the compaction');

    // Monthly dose counts appended by anonymous doses and a repair read as their folded rows do.
    await sql`insert into anonymous_vaccination (organisation_ura, activity_id, activity_type, activity_date,
        dossier_status, version, vaccine_type, vaccination_date, batch_number, performer, location)
      select organisation_ura, 'A' || activity_id, activity_type, activity_date, '01', 1, vaccine_type,
        vaccination_date, batch_number, performer, location
      from vaccination_event where person_id = any(${someOf(await personIds(), 60)}::uuid[])`.execute(db);
    await sql`delete from vaccination_event where person_id = any(${someOf(await personIds(), 15)}::uuid[])`.execute(
      db,
    );
    // Six cohorts, no suppression: the anonymous estimate is computed for every cell it can be.
    const report = async () => ({
      ...(await computeCoverage(db, {
        referenceDate: nation.referenceDate,
        cohorts: 6,
        refresh: false,
        threshold: 1,
      })),
      milliseconds: 0,
    });
    const unfolded = await report();
    await sql`select coverage_dose_month_compact()`.execute(db);
    expect(await report()).toEqual(unfolded);
    expect(
      unfolded.cells.some((c) => c.estimatedVaccinated !== null && c.estimatedVaccinated !== c.vaccinated),
    ).toBe(true);
  }, 120_000);
});
