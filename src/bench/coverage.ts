import { sql } from 'kysely';
import { availableParallelism } from 'node:os';
import { computeCoverage, coverageAggregates, refreshCoverage } from '../registry/coverage.js';
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
  options: { referenceDate: string },
  log: (line: string) => void,
): Promise<BenchResult> {
  const database = await bench.open<RegistrySchema>();
  try {
    const db = database.db;
    const persons = Number(
      (await sql<{ n: number }>`select count(*)::bigint as n from person`.execute(db)).rows[0]?.n ?? 0,
    );
    // One thread is the pool's baseline; at national size it would add half an hour to the run.
    const single =
      persons <= ONE_THREAD_UP_TO
        ? await timed(() =>
            refreshCoverage(db, { full: true, assessmentDate: options.referenceDate, threads: 0 }),
          )
        : null;
    log(
      single
        ? `  full recompute, one thread: ${single.value.persons} persons in ${round(single.ms / 1000, 2)} s`
        : `  full recompute, one thread: skipped above ${ONE_THREAD_UP_TO} persons`,
    );
    const threads = availableParallelism();
    const pool = createCoveragePool(threads);
    let pooled;
    try {
      pooled = await withPeakRss(() =>
        timed(() =>
          refreshCoverage(db, { full: true, assessmentDate: options.referenceDate, evaluator: pool }),
        ),
      );
    } finally {
      await pool.close();
    }
    const full = pooled.value;
    log(
      `  full recompute, ${threads} threads: ${full.value.persons} persons in ${round(full.ms / 1000, 2)} s`,
    );
    const report = await timed(() =>
      computeCoverage(db, { referenceDate: options.referenceDate, refresh: false }),
    );
    // The population-dependent part of the report, timed alone: the grouped pass over the cohorts.
    const years = report.value.indicators.flatMap((i) => i.cohorts);
    const pass = await timed(() => coverageAggregates(db, years, options.referenceDate));
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
        'grouped pass alone (s)': round(pass.ms / 1000, 2),
        ...(single ? { 'full recompute, one thread (s)': round(single.ms / 1000, 2) } : {}),
        [`full recompute, ${threads} worker threads (s)`]: round(full.ms / 1000, 2),
        'full recompute, persons': full.value.persons,
        'full recompute on the pool, peak RSS (MiB)': pooled.peakRssMiB,
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
              'projected full recompute for 35 M vaccinations (s, linear)': round(projectedFull / 1000),
            }
          : {}),
      },
      baseline: {
        label: 'one SQL pass over the vaccination table (persons per municipality, cohort, vaccine)',
        figures: { seconds: round(raw.ms / 1000, 2), groups: raw.value.rows.length },
      },
      ratio: `report ${round(report.ms / raw.ms, 2)}× the raw SQL pass; ${single ? `full recompute on the pool ${round(single.ms / full.ms, 2)}× faster than one thread` : 'one-thread recompute not run at this size'}`,
      targets: [
        {
          label: 'all indicators for 342 municipalities on 35 M vaccinations in < 5 s (projected report)',
          pass: (vaccinations >= 35_000_000 ? report.ms : projectedReport) < 5000,
        },
      ],
      notes: [
        'the report reads coverage_person (one row per person) joined to person: its grouped pass grows with the population (not with the vaccinations); the rest of the report does not, so the first projection scales only the pass',
      ],
    };
  } finally {
    await database.close();
  }
}
