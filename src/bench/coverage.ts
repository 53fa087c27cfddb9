import { sql } from 'kysely';
import { availableParallelism } from 'node:os';
import {
  computeCoverage,
  coverageAggregates,
  coverageAggregatesFromPersons,
  refreshCoverage,
} from '../registry/coverage.js';
import { createCoveragePool } from '../registry/coverage-worker.js';
import type { RegistrySchema } from '../registry/schema.js';
import type { BenchDatabase } from './databases.js';
import { round, timed, withPeakRss, type BenchResult } from './measure.js';

/**
 * Coverage with issue 10's src/registry/coverage.ts: a full recompute of every person's indicators
 * (refreshCoverage full: the schedule engine over everyone with vaccinations), once on one thread and
 * once on a worker pool of the machine's cores (same rows: test/db/coverage-refresh.test.ts), then all
 * indicators for every municipality, organisation and the nation (computeCoverage, from the
 * maintained table). Baseline: one set-based SQL pass counting vaccinated persons per municipality,
 * cohort and vaccine straight from the vaccination table (no validity judgement).
 */
const ONE_THREAD_UP_TO = 1_000_000;

export async function benchCoverage(
  bench: BenchDatabase,
  options: { referenceDate: string; reused?: boolean },
  log: (line: string) => void,
): Promise<BenchResult> {
  const database = await bench.open<RegistrySchema>();
  try {
    const db = database.db;
    const count = async (table: string) =>
      Number(
        (await sql<{ n: number }>`select count(*)::bigint as n from ${sql.table(table)}`.execute(db)).rows[0]
          ?.n ?? 0,
      );
    const persons = await count('person');
    // A kept registry whose coverage an earlier run computed (18 min at national size) is brought up
    // to date incrementally (what later intakes marked), as production does after a peak day.
    const computed = options.reused === true && (await count('coverage_person')) > 0;
    // One thread is the pool's baseline; at national size it would add half an hour to the run.
    const single =
      persons <= ONE_THREAD_UP_TO && !computed
        ? await timed(() =>
            refreshCoverage(db, { full: true, assessmentDate: options.referenceDate, threads: 0 }),
          )
        : null;
    log(
      single
        ? `  full recompute, one thread: ${single.value.persons} persons in ${round(single.ms / 1000, 2)} s`
        : `  full recompute, one thread: skipped (${computed ? 'computed by an earlier run' : `above ${ONE_THREAD_UP_TO} persons`})`,
    );
    const threads = availableParallelism();
    const pool = createCoveragePool(threads);
    let pooled;
    try {
      pooled = await withPeakRss(() =>
        timed(() =>
          refreshCoverage(db, {
            full: !computed,
            assessmentDate: options.referenceDate,
            evaluator: pool,
          }),
        ),
      );
    } finally {
      await pool.close();
    }
    const full = pooled.value;
    const refreshLabel = computed
      ? `incremental refresh, ${threads} worker threads`
      : `full recompute, ${threads} worker threads`;
    log(`  ${refreshLabel}: ${full.value.persons} persons in ${round(full.ms / 1000, 2)} s`);
    const report = await timed(() =>
      computeCoverage(db, { referenceDate: options.referenceDate, refresh: false }),
    );
    // The population-dependent part of the report, timed alone: the grouped pass over the cohorts.
    const years = report.value.indicators.flatMap((i) => i.cohorts);
    const pass = await timed(() => coverageAggregates(db, years, options.referenceDate));
    // The same counts straight from person (the report's pass before migration 017).
    const fromPersons = await timed(() => coverageAggregatesFromPersons(db, years, options.referenceDate));
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
    const projectedFull = (35_000_000 / Math.max(1, vaccinations)) * full.ms;
    // The report scans persons of the cohorts asked for: linear in the population at worst.
    const scale = 3_500_000 / Math.max(1, persons);
    const projectedUpperBound = scale * report.ms;
    // Everything but the grouped pass works on ≤ 342 × cohorts × 2 groups and the monthly dose
    // table: it does not grow with the population, so only the pass is scaled.
    const projectedReport = Math.max(0, report.ms - pass.ms) + scale * pass.ms;
    return {
      name: 'Coverage: all indicators for all municipalities',
      backend: bench.backend,
      figures: {
        vaccinations,
        municipalities,
        cells: report.value.cells.length,
        'report from maintained table (s)': round(report.ms / 1000, 2),
        'report incl. incremental refresh, nothing changed (s)': round(again.ms / 1000, 2),
        'population pass alone, from coverage_cohort (s)': round(pass.ms / 1000, 2),
        'population pass grouped straight from person, as before migration 017 (s)': round(
          fromPersons.ms / 1000,
          2,
        ),
        ...(single ? { 'full recompute, one thread (s)': round(single.ms / 1000, 2) } : {}),
        [`${refreshLabel} (s)`]: round(full.ms / 1000, 2),
        [`${refreshLabel}, persons`]: full.value.persons,
        [`${refreshLabel}, peak RSS (MiB)`]: pooled.peakRssMiB,
        ...(vaccinations < 35_000_000
          ? {
              'projected report for 3.5 M persons (s, grouped pass scaled linearly)': round(
                projectedReport / 1000,
                1,
              ),
              'projected report for 3.5 M persons (s, all of it linear; an upper bound)': round(
                projectedUpperBound / 1000,
                1,
              ),
              ...(computed
                ? {}
                : {
                    'projected full recompute for 35 M vaccinations (s, linear)': round(projectedFull / 1000),
                  }),
            }
          : {}),
      },
      baseline: {
        label: 'one SQL pass over the vaccination table (persons per municipality, cohort, vaccine)',
        figures: { seconds: round(raw.ms / 1000, 2), groups: raw.value.rows.length },
      },
      ratio: `the raw SQL pass takes ${round(raw.ms / report.ms)}× the report; ${single ? `full recompute on the pool ${round(single.ms / full.ms, 2)}× faster than one thread` : 'one-thread recompute not run'}`,
      targets: [
        {
          label: 'all indicators for 342 municipalities on 35 M vaccinations in < 5 s (projected report)',
          pass: (vaccinations >= 35_000_000 ? report.ms : projectedReport) < 5000,
        },
      ],
      notes: [
        'the population pass reads coverage_cohort (persons counted per municipality, birth year, sex and indicators met; kept by triggers, migration 017) less the persons gone by the reference date: it grows with those, not with the population, so both projections are upper bounds',
      ],
    };
  } finally {
    await database.close();
  }
}
