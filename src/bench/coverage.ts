import { sql } from 'kysely';
import { computeCoverage, refreshCoverage } from '../registry/coverage.js';
import type { RegistrySchema } from '../registry/schema.js';
import type { BenchDatabase } from './databases.js';
import { round, timed, type BenchResult } from './measure.js';

/**
 * Coverage with issue 10's src/registry/coverage.ts: a full recompute of every person's indicators
 * (refreshCoverage full: the schedule engine over everyone with vaccinations), then all indicators
 * for every municipality, organisation and the nation (computeCoverage, from the maintained table).
 * Baseline: one set-based SQL pass counting vaccinated persons per municipality, cohort and vaccine
 * straight from the vaccination table (no validity judgement).
 */
export async function benchCoverage(
  bench: BenchDatabase,
  options: { referenceDate: string },
  log: (line: string) => void,
): Promise<BenchResult> {
  const database = await bench.open<RegistrySchema>();
  try {
    const db = database.db;
    const full = await timed(() =>
      refreshCoverage(db, { full: true, assessmentDate: options.referenceDate }),
    );
    log(`  full recompute: ${full.value.persons} persons in ${round(full.ms / 1000, 2)} s`);
    const report = await timed(() =>
      computeCoverage(db, { referenceDate: options.referenceDate, refresh: false }),
    );
    const again = await timed(() => computeCoverage(db, { referenceDate: options.referenceDate }));
    const municipalities = new Set(
      report.value.cells.filter((c) => c.level === 'municipality').map((c) => c.code),
    ).size;
    const vaccinations = Number(
      (await sql<{ n: number }>`select count(*)::bigint as n from vaccination_event`.execute(db)).rows[0]
        ?.n ?? 0,
    );
    const raw = await timed(() =>
      sql`select p.municipality_code, extract(year from p.birth_date) as cohort, v.vaccine_type,
            count(distinct v.person_id) as persons
          from vaccination_event v join person p on p.id = v.person_id
          group by 1, 2, 3`.execute(db),
    );
    const persons = Number(
      (await sql<{ n: number }>`select count(*)::bigint as n from person`.execute(db)).rows[0]?.n ?? 0,
    );
    const projectedFull = (35_000_000 / Math.max(1, vaccinations)) * full.ms;
    // The report scans persons of the cohorts asked for: linear in the population at worst.
    const projectedReport = (3_500_000 / Math.max(1, persons)) * report.ms;
    return {
      name: 'Coverage: all indicators for all municipalities',
      backend: bench.backend,
      figures: {
        vaccinations,
        municipalities,
        cells: report.value.cells.length,
        'report from maintained table (s)': round(report.ms / 1000, 2),
        'report incl. incremental refresh, nothing changed (s)': round(again.ms / 1000, 2),
        'full recompute (s)': round(full.ms / 1000, 2),
        'full recompute, persons': full.value.persons,
        ...(vaccinations < 35_000_000
          ? {
              'projected report for 3.5 M persons (s, linear; an upper bound)': round(
                projectedReport / 1000,
                1,
              ),
              'projected full recompute for 35 M vaccinations (s, linear)': round(projectedFull / 1000),
            }
          : {}),
      },
      baseline: {
        label: 'one SQL pass over the vaccination table (persons per municipality, cohort, vaccine)',
        figures: { seconds: round(raw.ms / 1000, 2), groups: raw.value.rows.length },
      },
      ratio: `report ${round(report.ms / raw.ms, 2)}× the raw SQL pass`,
      targets: [
        {
          label: 'all indicators for 342 municipalities on 35 M vaccinations in < 5 s (projected report)',
          pass: (vaccinations >= 35_000_000 ? report.ms : projectedReport) < 5000,
        },
      ],
      notes: [
        'the report reads coverage_person (one row per person) joined to person: its time grows with the population, not with the vaccinations; small sizes overstate the projection (fixed costs)',
      ],
    };
  } finally {
    await database.close();
  }
}
