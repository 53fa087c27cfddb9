import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  BENCH_POSTGRES_URL,
  benchDatabaseExists,
  dropKeptBenchDatabase,
  type BenchBackend,
} from '../../src/bench/databases.js';
import { REPORTED_SERVER_SETTINGS, runBenchmarks, type BenchmarkName } from '../../src/bench/run.js';
import { buildProgram } from '../../src/cli/program.js';

// A smoke test of `rvp bench` at a tiny size: every benchmark that needs no build or long load runs
// end to end on PostgreSQL and reports figures, a baseline and its targets. Never timed: BENCHMARKS.md
// holds the figures.
describe('rvp bench (smoke, tiny size)', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('runs consent, intake, schedule and coverage with their baselines', async () => {
    const lines: string[] = [];
    const results = await runBenchmarks({
      size: 150,
      seed: 5,
      referenceDate: '2025-09-01',
      only: ['consent', 'intake', 'schedule', 'coverage'],
      backends: ['postgres'],
      messages: 60,
      apiSeconds: 1,
      apiRate: 10,
      threads: 1,
      log: (line) => lines.push(line),
    });
    // The intake runs last: it writes into the registry the others read.
    expect(results.map((r) => r.name)).toEqual([
      'Consent decisions in-process',
      'Consent re-evaluation of every dossier from the database',
      'National invitation run (select, evaluate, forecast, invite)',
      'Coverage: all indicators for all municipalities',
      'Registry intake: signed HTTP batches to committed rows',
    ]);
    for (const r of results) {
      expect(r.baseline, r.name).toBeDefined();
      expect(r.ratio, r.name).toMatch(/×/);
      expect(r.targets.length, r.name).toBeGreaterThan(0);
    }
    const named = (prefix: string) => results.find((r) => r.name.startsWith(prefix))!;
    const intake = named('Registry intake');
    expect(intake.figures.messages).toBe(60);
    expect(String(intake.figures.outcomes)).toMatch(/accepted \d+/);
    // Every accepted message is written to the WAL. Full-page images come only with a page's first
    // change after a checkpoint, which a tiny fresh registry may not have had.
    expect(intake.figures['WAL per message (bytes; server-wide)']).toBeGreaterThan(0);
    expect(intake.figures['full-page images per 1,000 messages']).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(intake.figures['checkpoints during the run'])).toBe(true);
    // Wall time above the CPU floor: the run's own seconds, projected to 200,000, less its floor.
    const projected = Number(intake.figures['projected for 200,000 (s, linear)']);
    const floor = Number(intake.figures['CPU floor for 200,000 on 2 cores (s; all CPU, perfectly parallel)']);
    expect(intake.figures['time above the CPU floor, for 200,000 (s; cores idle or waiting)']).toBeCloseTo(
      projected - floor,
      0,
    );
    // The main thread's share of the bench process's CPU.
    const loopBusy = intake.figures['event loop busy per message (µs; the bench process main thread)'];
    expect(loopBusy).toBeGreaterThan(0);
    // Busy time is part of the run's time (both rounded).
    expect(loopBusy).toBeLessThanOrEqual((Number(intake.figures.seconds) * 1e6) / 60 + 100);
    // The bench process's CPU split: its main thread and the rest (both whole µs, summing to it).
    const processCpu = Number(
      intake.figures['CPU per message, bench process (µs; registry, its threads and the sending client)'],
    );
    const mainThread = Number(intake.figures['of which the main thread (µs; CPU)']);
    const others = Number(
      intake.figures['of which the other threads (µs; signature checks, V8 helpers, libuv)'],
    );
    expect(mainThread).toBeGreaterThanOrEqual(0);
    expect(others).toBeGreaterThanOrEqual(0);
    expect(mainThread + others).toBe(processCpu);
    // Garbage collection in the timed run (60 messages may fill the young generation no time at all).
    expect(intake.figures['scavenges per 1,000 messages (bench process)']).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(intake.figures['full collections during the run'])).toBe(true);
    expect(
      intake.figures['GC pauses per message (µs; the bench process main thread)'],
    ).toBeGreaterThanOrEqual(0);
    expect(named('Consent re-evaluation').figures.clients).toBe(150);
    expect(named('National invitation run').figures.persons).toBe(150);
    expect(lines.join('\n')).toMatch(/cpu: \d+ ×/);
    // How fast the machine was, at the start and just before the intake's timed run.
    expect(lines.join('\n')).toMatch(/machine speed: [1-9]\d* ms for a fixed workload/);
    expect(
      intake.figures['machine speed just before the run (ms for the fixed workload; lower is faster)'],
    ).toBeGreaterThan(0);
    // The server settings that shape the figures, as the server reports them.
    const server = lines.find((line) => line.startsWith('PostgreSQL server: '));
    const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
    await client.connect();
    try {
      for (const name of REPORTED_SERVER_SETTINGS) {
        const value = (await client.query<{ v: string }>('select current_setting($1) as v', [name])).rows[0]!
          .v;
        expect(server, name).toContain(`${name} ${value}`);
      }
    } finally {
      await client.end();
    }
  }, 60_000);

  it('keeps a generated registry and measures against it again, as new work each time', async () => {
    const lines: string[] = [];
    const options = {
      size: 120,
      seed: 6,
      referenceDate: '2025-09-01',
      only: ['schedule', 'intake'] as BenchmarkName[],
      backends: ['postgres'] as BenchBackend[],
      messages: 40,
      apiSeconds: 1,
      apiRate: 10,
      threads: 1,
      log: (line: string) => lines.push(line),
    };
    const first = await runBenchmarks({ ...options, only: ['schedule'], keep: true });
    const name = /--registry (rvp_bench_registry_[0-9a-f]+)/.exec(lines.join('\n'))?.[1];
    expect(name).toBeDefined();
    try {
      const again = await runBenchmarks({ ...options, registry: name! });
      // The third intake signs each message on its own, as older senders do: the same outcomes and rows.
      const third = await runBenchmarks({
        ...options,
        only: ['intake'],
        registry: name!,
        intakeForm: 'messages',
      });
      expect(lines.join('\n')).toContain(`registry: ${name}, kept by an earlier run`);
      const figures = (results: typeof first, prefix: string) =>
        results.find((r) => r.name.startsWith(prefix))!.figures;
      expect(figures(again, 'Registry intake')['signed as']).toBe('one JWS per organisation’s batch');
      expect(figures(third, 'Registry intake')['signed as']).toBe('one JWS per message');
      // 40 messages: one request per phase as single messages, one per organisation and phase as batches.
      expect(figures(third, 'Registry intake')['HTTP requests']).toBe(2);
      expect(Number(figures(again, 'Registry intake')['HTTP requests'])).toBeGreaterThan(2);
      // The second invitation run redoes the first one's work (the bench's invitations were removed),
      // and the third run's intake messages are new activities, not duplicates of the second's.
      for (const key of ['persons', 'invitations', 'letters']) {
        const run = 'National invitation run';
        expect(figures(again, run)[key], key).toEqual(figures(first, run)[key]);
      }
      for (const key of ['outcomes', 'rows committed (vaccinations, worklist)']) {
        expect(figures(third, 'Registry intake')[key], key).toEqual(figures(again, 'Registry intake')[key]);
      }
      expect(String(figures(third, 'Registry intake').outcomes)).toMatch(/^accepted \d+/);
      // The two intakes' accepted messages stay in the registry: a later run names them, and says that
      // the figures which read the persons' histories measure that registry, not a generated nation.
      const accepted = (results: typeof first) =>
        Number(/accepted (\d+)/.exec(String(figures(results, 'Registry intake').outcomes))![1]);
      const stored = accepted(again) + accepted(third);
      const invitationNotes = (results: typeof first) =>
        results.find((r) => r.name.startsWith('National invitation run'))!.notes ?? [];
      expect(invitationNotes(again).join('\n')).not.toMatch(/earlier bench intakes/);
      const fourth = await runBenchmarks({ ...options, only: ['schedule'], registry: name! });
      expect(lines.join('\n')).toContain(`earlier bench intakes stored ${stored} messages in it`);
      expect(invitationNotes(fourth).join('\n')).toContain(
        `holds ${stored} messages from earlier bench intakes`,
      );
      // A run asking for another generation is refused, and nothing is dropped.
      await expect(runBenchmarks({ ...options, size: 121, registry: name! })).rejects.toThrow(
        /generated with .*"size":120.*same --size/,
      );
      await expect(runBenchmarks({ ...options, registry: 'postgres' })).rejects.toThrow(/not the name/);
      expect(await benchDatabaseExists(name!)).toBe(true);
    } finally {
      if (name) await dropKeptBenchDatabase(name);
    }
    expect(await benchDatabaseExists(name!)).toBe(false);
  }, 60_000);

  it('refuses an unknown benchmark or backend with exit code 2', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (message: string) => errors.push(message);
    try {
      await buildProgram().parseAsync(['node', 'rvp', 'bench', '--only', 'speed']);
      expect(process.exitCode).toBe(2);
      process.exitCode = undefined;
      await buildProgram().parseAsync(['node', 'rvp', 'bench', '--backend', 'oracle']);
      expect(process.exitCode).toBe(2);
      process.exitCode = undefined;
      await buildProgram().parseAsync(['node', 'rvp', 'bench', '--intake-form', 'pigeon']);
      expect(process.exitCode).toBe(2);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toMatch(/unknown benchmark speed/);
    expect(errors.join('\n')).toMatch(/unknown backend oracle/);
    expect(errors.join('\n')).toMatch(/--intake-form is batch or messages, not pigeon/);
  });
});
