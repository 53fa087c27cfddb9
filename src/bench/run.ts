import { randomBytes, randomInt } from 'node:crypto';
import { cpus, freemem, totalmem } from 'node:os';
import type { Command } from 'commander';
import pg from 'pg';
import { benchConsentInProcess, benchConsentReevaluation } from './consent.js';
import {
  BENCH_POSTGRES_URL,
  createBenchDatabase,
  keepBenchDatabase,
  openKeptBenchDatabase,
  type BenchBackend,
  type BenchDatabase,
} from './databases.js';
import { loadRegistryNation, REGISTRY_GENERATOR } from './generate.js';
import { benchSchedule } from './schedule.js';
import { benchIntake, earlierIntakeMessages, type IntakeForm } from './intake.js';
import { benchApi } from './api.js';
import { benchCoverage } from './coverage.js';
import { benchStartup } from './startup.js';
import { formatResult, machineSpeedMs, round, timed, type BenchResult } from './measure.js';

export const BENCHMARKS = ['intake', 'consent', 'schedule', 'coverage', 'api', 'startup'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];
/**
 * The order they run in: the intake writes 200,000 messages into the shared generated registry, and
 * its signed messages fill the heap, so it runs last; before, the later benchmarks measured a registry
 * (and a process) the intake had changed.
 */
const RUN_ORDER: readonly BenchmarkName[] = ['consent', 'schedule', 'coverage', 'api', 'startup', 'intake'];

export interface BenchOptions {
  size: number;
  seed: number;
  referenceDate: string;
  only: BenchmarkName[];
  backends: BenchBackend[];
  /** Intake: messages to deliver (default min(size, 200,000)). */
  messages: number;
  /** Intake: one signature per organisation's batch (default, as the sender) or per message. */
  intakeForm?: IntakeForm;
  /** API: seconds of load and requests per second. */
  apiSeconds: number;
  apiRate: number;
  /** Worker threads for schedule runs (default: the machine's cores). */
  threads: number;
  /** PostgreSQL: leave the generated registry in place for later runs (its name is printed). */
  keep?: boolean;
  /** PostgreSQL: a registry kept by an earlier run, used instead of generating one. */
  registry?: string;
  log: (line: string) => void;
}

/**
 * The server settings that shape the PostgreSQL figures most: the intake's cost per message depends
 * on how much of the registry stays in shared buffers and how often checkpoints force full-page
 * images (BENCHMARKS.md, seventh round). Printed with every run so figures can be compared.
 */
export const REPORTED_SERVER_SETTINGS = [
  'shared_buffers',
  'max_wal_size',
  'checkpoint_timeout',
  'wal_compression',
  'synchronous_commit',
  'autovacuum',
] as const;

export async function machineDescription(): Promise<string[]> {
  let pgVersion = 'unavailable';
  let settings: string | null = null;
  try {
    const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
    await client.connect();
    pgVersion = ((await client.query('show server_version')).rows[0] as { server_version: string })
      .server_version;
    const rows = (
      await client.query<{ name: string; value: string }>(
        'select name, current_setting(name) as value from unnest($1::text[]) as name',
        [REPORTED_SERVER_SETTINGS],
      )
    ).rows;
    settings = rows.map((r) => `${r.name} ${r.value}`).join(', ');
    await client.end();
  } catch {
    // The PostgreSQL benchmarks will say why.
  }
  const cpu = cpus();
  return [
    `date: ${new Date().toISOString()}`,
    `cpu: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
    `memory: ${Math.round(totalmem() / 2 ** 30)} GiB (${Math.round(freemem() / 2 ** 30)} GiB free)`,
    `node: ${process.version}, PostgreSQL ${pgVersion}, PGlite (WASM)`,
    ...(settings ? [`PostgreSQL server: ${settings}`] : []),
    `machine speed: ${machineSpeedMs()} ms for a fixed workload (lower is faster; it drifts, see docs/performance.md)`,
  ];
}

/** Runs the chosen benchmarks on the chosen backends; each reports its own baseline. */
export async function runBenchmarks(options: BenchOptions): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const report = (r: BenchResult) => {
    results.push(r);
    options.log(formatResult(r));
  };
  const nation = { size: options.size, seed: options.seed, referenceDate: options.referenceDate };
  for (const line of await machineDescription()) options.log(line);
  options.log(`size: ${options.size} people, seed ${options.seed}, reference date ${options.referenceDate}`);
  // One generated registry per backend, shared by the benchmarks that read it (schedule, coverage, API,
  // intake last, as it writes); made on first use, dropped at the end.
  const registries = new Map<BenchBackend, BenchDatabase>();
  let keptIntakeMessages = 0;
  // The invitation run, the status query and coverage read the persons' histories: on a kept registry
  // that earlier intakes added to, they measure that registry rather than a generated nation.
  const readsHistories = (r: BenchResult, backend: BenchBackend): BenchResult =>
    backend === 'postgres' && keptIntakeMessages > 0
      ? {
          ...r,
          notes: [
            ...(r.notes ?? []),
            `this kept registry holds ${keptIntakeMessages} messages from earlier bench intakes ` +
              `(${round(keptIntakeMessages / options.size, 2)} per person), dated near the reference date: ` +
              'these figures measure that registry, not a freshly generated nation (BENCHMARKS.md, tenth round)',
          ],
        }
      : r;
  const registry = async (backend: BenchBackend): Promise<BenchDatabase> => {
    const existing = registries.get(backend);
    if (existing) return existing;
    if (options.registry && backend === 'postgres') {
      const kept = await openKeptBenchDatabase(options.registry, 'registry', {
        ...nation,
        generator: REGISTRY_GENERATOR,
      });
      registries.set(backend, kept);
      keptIntakeMessages = await earlierIntakeMessages(kept);
      options.log(
        `  registry: ${options.registry}, kept by an earlier run (migrated to this schema)` +
          (keptIntakeMessages > 0
            ? `; earlier bench intakes stored ${keptIntakeMessages} messages in it`
            : ''),
      );
      return kept;
    }
    const bench = await createBenchDatabase(backend, 'registry');
    registries.set(backend, bench);
    const load = await timed(() => loadRegistryNation(bench, nation));
    options.log(
      `  registry generated (${backend}, COPY): ${load.value.persons} persons, ${load.value.vaccinations} vaccinations in ${round(load.ms / 1000)} s`,
    );
    if (options.keep && backend === 'postgres') {
      const name = await keepBenchDatabase(bench, { ...nation, generator: REGISTRY_GENERATOR });
      registries.set(backend, { ...bench, drop: async () => undefined });
      options.log(`  registry kept after this run: --registry ${name} (drop it with: dropdb ${name})`);
    }
    return bench;
  };
  try {
    for (const name of RUN_ORDER) {
      if (!options.only.includes(name)) continue;
      options.log(`\n# ${name}`);
      if (name === 'consent') report(benchConsentInProcess(nation, options.size < 10_000 ? 100 : 1500));
      for (const backend of options.backends) {
        if (name === 'consent') report(await benchConsentReevaluation(backend, nation, options.log));
        if (name === 'intake') {
          report(
            await benchIntake(
              await registry(backend),
              {
                ...nation,
                messages: options.messages,
                ...(options.intakeForm ? { form: options.intakeForm } : {}),
                // A kept registry has seen earlier runs' activities and persons: this run's activities
                // are new ones, and its persons another slice of the population, so repeated runs do
                // not pile doses onto the same persons (each intake judges a person's whole history).
                ...(options.keep || (options.registry && backend === 'postgres')
                  ? {
                      activityTag: `X${randomBytes(2).toString('hex')}`,
                      personOffset: randomInt(options.size),
                    }
                  : {}),
              },
              options.log,
            ),
          );
        }
        if (name === 'api') {
          report(
            readsHistories(
              await benchApi(
                await registry(backend),
                { seconds: options.apiSeconds, rate: options.apiRate },
                options.log,
              ),
              backend,
            ),
          );
        }
        if (name === 'coverage') {
          report(
            readsHistories(
              await benchCoverage(
                await registry(backend),
                {
                  referenceDate: options.referenceDate,
                  reused: options.registry !== undefined && backend === 'postgres',
                },
                options.log,
              ),
              backend,
            ),
          );
        }
        if (name === 'startup') report(await benchStartup(backend, nation, options.log));
        if (name === 'schedule') {
          report(
            readsHistories(
              await benchSchedule(
                await registry(backend),
                { ...nation, threads: options.threads },
                options.log,
              ),
              backend,
            ),
          );
        }
      }
    }
  } finally {
    for (const bench of registries.values()) await bench.drop();
  }
  return results;
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('national-scale benchmarks on generated data, each with its baseline (BENCHMARKS.md)')
    .option('--size <n>', 'people in the generated population', '50000')
    .option('--seed <n>', 'random seed', '2025')
    .option('--reference-date <date>', 'date ages and runs are computed against', '2025-09-01')
    .option('--only <list>', `comma-separated: ${BENCHMARKS.join(',')}`, BENCHMARKS.join(','))
    .option('--backend <kind>', 'postgres, pglite or both', 'both')
    .option('--messages <n>', 'intake: messages to deliver (default min(size, 200000))')
    .option(
      '--intake-form <form>',
      'intake: batch (one signature per organisation’s batch, as the sender) or messages (one per message)',
      'batch',
    )
    .option('--api-seconds <n>', 'API: seconds of load', '20')
    .option('--api-rate <n>', 'API: requests per second', '500')
    .option('--threads <n>', 'worker threads for schedule runs (default: cores)')
    .option('--keep', 'PostgreSQL: keep the generated registry for later runs and print its name')
    .option(
      '--registry <name>',
      'PostgreSQL: use a registry kept by --keep (same --size, --seed, --reference-date)',
    )
    .action(
      async (opts: {
        size: string;
        seed: string;
        referenceDate: string;
        only: string;
        backend: string;
        messages?: string;
        intakeForm: string;
        apiSeconds: string;
        apiRate: string;
        threads?: string;
        keep?: boolean;
        registry?: string;
      }) => {
        const int = (value: string, name: string): number => {
          const n = Number(value);
          if (!Number.isSafeInteger(n) || n < 0) throw new Error(`bench: ${name} must be a whole number`);
          return n;
        };
        const only = opts.only.split(',').map((s) => s.trim()) as BenchmarkName[];
        const unknown = only.filter((o) => !(BENCHMARKS as readonly string[]).includes(o));
        const backends: BenchBackend[] =
          opts.backend === 'both' ? ['postgres', 'pglite'] : [opts.backend as BenchBackend];
        if (unknown.length > 0 || !backends.every((b) => b === 'postgres' || b === 'pglite')) {
          console.error(
            `bench: unknown ${unknown.length > 0 ? `benchmark ${unknown.join(', ')}` : `backend ${opts.backend}`}`,
          );
          process.exitCode = 2;
          return;
        }
        if (opts.intakeForm !== 'batch' && opts.intakeForm !== 'messages') {
          console.error(`bench: --intake-form is batch or messages, not ${opts.intakeForm}`);
          process.exitCode = 2;
          return;
        }
        const size = int(opts.size, '--size');
        await runBenchmarks({
          size,
          seed: int(opts.seed, '--seed'),
          referenceDate: opts.referenceDate,
          only,
          backends,
          messages: opts.messages ? int(opts.messages, '--messages') : Math.min(size, 200_000),
          intakeForm: opts.intakeForm,
          apiSeconds: int(opts.apiSeconds, '--api-seconds'),
          apiRate: int(opts.apiRate, '--api-rate'),
          threads: opts.threads ? int(opts.threads, '--threads') : cpus().length,
          ...(opts.keep ? { keep: true } : {}),
          ...(opts.registry ? { registry: opts.registry } : {}),
          log: (line) => process.stdout.write(`${line}\n`),
        });
      },
    );
}
