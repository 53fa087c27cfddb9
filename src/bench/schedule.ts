import { sql } from 'kysely';
import { addMonths } from '../domain/dates/index.js';
import { generatePopulation } from '../demo/generator.js';
import { createInvitationPool } from '../registry/invitation-worker.js';
import { runInvitations } from '../registry/invitations.js';
import { assessSchedule, forecastSchedule, type RegistryDose } from '../registry/schedule-service.js';
import type { RegistrySchema } from '../registry/schema.js';
import type { BenchDatabase } from './databases.js';
import { historyOf, refDaysOf, type NationOptions } from './generate.js';
import {
  countDatabaseServerCpu,
  perSecond,
  processCpuMicrosPer,
  round,
  timed,
  withPeakRss,
  type BenchResult,
} from './measure.js';

/**
 * The schedule engine alone, one core, no database: µs per person (the floor a run cannot beat per
 * core). `forecast` is the path invitation runs take (`forecastSchedule`); `assess` the full
 * assessment with every dose's judgement (`assessSchedule`: feedback, coverage, the status query).
 * Measured warm (after a first pass over part of the sample), as a long run's workers are.
 */
export function engineMicrosPerPerson(
  options: NationOptions,
  sample = 20_000,
  path: 'forecast' | 'assess' = 'forecast',
): number {
  const refDays = refDaysOf(options.referenceDate);
  const people: Array<{ birthDate: string; gender: string; doses: RegistryDose[] }> = [];
  for (const p of generatePopulation({ ...options, size: Math.min(options.size, sample) })) {
    const doses: RegistryDose[] = [];
    for (const visit of historyOf(p, options.seed, refDays)) {
      for (const vaccineType of visit.vaccines) {
        doses.push({
          id: `${visit.activityId}${vaccineType}`,
          organisationUra: p.organisationUra,
          activityId: visit.activityId,
          activityDate: visit.date,
          vaccineType,
          date: visit.date,
        });
      }
    }
    people.push({ birthDate: p.birthDate, gender: p.gender, doses });
  }
  const engine = path === 'forecast' ? forecastSchedule : assessSchedule;
  const pass = (persons: typeof people) => {
    for (const p of persons)
      engine({ birthDate: p.birthDate, gender: p.gender }, p.doses, options.referenceDate);
  };
  pass(people.slice(0, Math.ceil(people.length / 4))); // warm-up
  const start = performance.now();
  pass(people);
  return ((performance.now() - start) * 1000) / people.length;
}

/**
 * A national invitation run: every living person selected by keyset, evaluated and forecast, and
 * invited when a dose's recommended date falls in the coming month; batches evaluated on worker threads.
 */
export async function benchSchedule(
  bench: BenchDatabase,
  options: NationOptions & { threads: number },
  log: (line: string) => void,
): Promise<BenchResult> {
  const database = await bench.open<RegistrySchema>();
  const from = options.referenceDate;
  const to = addMonths(from, 1);
  try {
    // A kept registry (`--registry`) holds an earlier run's invitations: without them this run does
    // the whole work again instead of finding everyone invited. A generated registry has no other
    // runs. Truncated, not deleted: a delete checks `follows_invitation_id` (not indexed) per row, and
    // the tables are left as a new registry has them (no statistics), as the first run found them.
    await sql`truncate invitation, invitation_letter, invitation_run`.execute(database.db);
    const persons = Number(
      (
        await database.db
          .selectFrom('person')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const pool = createInvitationPool(options.threads);
    // CPU besides wall time: where the run's time goes (this process with its workers, and PostgreSQL).
    const serverCpu = bench.backend === 'postgres' ? await countDatabaseServerCpu(database.db) : null;
    const cpuBefore = process.cpuUsage();
    let result;
    try {
      result = await withPeakRss(() =>
        timed(() =>
          runInvitations(database.db, {
            kind: 'invitation',
            from,
            to,
            startedBy: 'bench',
            today: from,
            evaluator: pool,
          }),
        ),
      );
    } finally {
      await pool.close();
    }
    const processCpuSeconds = processCpuMicrosPer(cpuBefore, 1) / 1e6;
    const serverCpuSeconds = (await serverCpu?.stop()) ?? null;
    const run = result.value.value;
    const seconds = result.value.ms / 1000;
    log(`  run: ${run.personsSeen} persons, ${run.invitations} invitations in ${round(seconds, 2)} s`);
    const micros = engineMicrosPerPerson(options, 20_000, 'forecast');
    const assessMicros = engineMicrosPerPerson(options, 5_000, 'assess');
    const floorSeconds = (persons * micros) / 1e6 / options.threads;
    const projected = (3_500_000 / persons) * seconds;
    return {
      name: 'National invitation run (select, evaluate, forecast, invite)',
      backend: bench.backend,
      figures: {
        persons: run.personsSeen,
        invitations: run.invitations,
        letters: run.letters,
        threads: options.threads,
        seconds: round(seconds, 2),
        'persons/s': perSecond(run.personsSeen, result.value.ms),
        'peak RSS (MiB, bench process incl. workers)': result.peakRssMiB,
        'RSS when it started (MiB; earlier benchmarks of this process included)': result.startRssMiB,
        'CPU, bench process with its workers (s)': round(processCpuSeconds),
        ...(serverCpuSeconds !== null ? { 'CPU, PostgreSQL server (s)': round(serverCpuSeconds) } : {}),
        ...(persons < 3_500_000 ? { 'projected for 3.5 M (s, linear)': round(projected) } : {}),
      },
      baseline: {
        label: `the engine alone on the runs' path (forecastSchedule, warm) for every person, no database (µs/person on one core; ÷ ${options.threads} threads; the run's pre-filter spares most persons the engine)`,
        figures: {
          'µs/person': round(micros),
          'seconds for these persons': round(floorSeconds, 2),
          "full assessment (assessSchedule, warm; not the runs' path), µs/person": round(assessMicros),
        },
      },
      ratio: `${round(seconds / floorSeconds)}× the engine-only floor`,
      targets: [
        { label: '3.5 M in < 120 s', pass: projected < 120 },
        { label: 'peak RSS < 1 GiB', pass: result.peakRssMiB < 1024 },
      ],
    };
  } finally {
    await database.close();
  }
}
