import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { openDatabase, type Database } from '../db/database.js';
import { migrate, type ServiceName } from '../db/migrate.js';

export type BenchBackend = 'postgres' | 'pglite';

/** The local server benchmarks create their throwaway databases on (`rvp_bench_*`, dropped afterwards). */
export const BENCH_POSTGRES_URL =
  process.env.RVP_BENCH_POSTGRES_URL ??
  process.env.RVP_TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A throwaway database for one benchmark: a fresh PostgreSQL database on the local server, or a PGlite
 * data dir under the system's temp dir. Bulk loading (COPY) and the application's own access take turns
 * on PGlite (one process may hold its data dir at a time), so `copy` must run while it is not open.
 */
export interface BenchDatabase {
  readonly backend: BenchBackend;
  readonly service: ServiceName | 'bare';
  /** PostgreSQL only: where a second process finds it. */
  readonly url?: string;
  /** PGlite only. */
  readonly dataDir?: string;
  /** Opens the database through the application's own interface (Kysely); migrated at creation. */
  open<S>(): Promise<Database<S>>;
  /** Streams rows (COPY text format lines, each ending in \n) into a table with COPY FROM. */
  copy(
    table: string,
    columns: readonly string[],
    lines: Iterable<string> | AsyncIterable<string>,
  ): Promise<number>;
  /** Streams a query's result out with COPY TO and discards it (a read floor); returns the bytes read. */
  copyOut(query: string): Promise<number>;
  /** Runs plain SQL outside the application (indexes, ANALYZE, a bare table). */
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

export async function createBenchDatabase(
  backend: BenchBackend,
  service: ServiceName | 'bare',
): Promise<BenchDatabase> {
  if (backend === 'postgres') return createPostgres(service);
  return createPglite(service);
}

async function createPostgres(service: ServiceName | 'bare'): Promise<BenchDatabase> {
  const name = `rvp_bench_${service}_${randomBytes(5).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  return postgresBench(name, service);
}

/** What a kept database was generated from; a later run must ask for the same to reuse it. */
export interface KeptGeneration {
  size: number;
  seed: number;
  referenceDate: string;
  /** What the generator writes (REGISTRY_GENERATOR in generate.ts): a change makes older ones unusable. */
  generator: number;
}

const KEPT_NAME = /^rvp_bench_(registry|dossier)_[0-9a-f]{10}$/;

/**
 * Marks a generated PostgreSQL database as kept (`rvp bench --keep`): it records what it was generated
 * from, as the database's comment, so that a later run (`--registry NAME`) can refuse a mismatch.
 * Generating the national registry takes half an hour; measuring a change to the intake should not.
 */
export async function keepBenchDatabase(bench: BenchDatabase, generation: KeptGeneration): Promise<string> {
  const name = bench.url ? new URL(bench.url).pathname.slice(1) : '';
  if (bench.backend !== 'postgres' || !KEPT_NAME.test(name)) {
    throw new Error('bench: only a generated PostgreSQL database can be kept');
  }
  await adminQuery(`comment on database ${name} is '${JSON.stringify(generation)}'`);
  return name;
}

/** A database kept by an earlier run, migrated to the current schema; `drop` leaves it in place. */
export async function openKeptBenchDatabase(
  name: string,
  service: ServiceName,
  generation: KeptGeneration,
): Promise<BenchDatabase> {
  if (!KEPT_NAME.test(name) || !name.startsWith(`rvp_bench_${service}_`)) {
    throw new Error(`bench: ${name} is not the name of a kept ${service} database (rvp_bench_${service}_…)`);
  }
  const found = await adminQuery<{ comment: string | null }>(
    'select shobj_description(oid, $1) as comment from pg_database where datname = $2',
    ['pg_database', name],
  );
  if (found.length === 0) throw new Error(`bench: there is no database ${name}`);
  const comment = found[0]!.comment;
  const kept = comment ? (JSON.parse(comment) as KeptGeneration) : null;
  if (
    !kept ||
    kept.size !== generation.size ||
    kept.seed !== generation.seed ||
    kept.referenceDate !== generation.referenceDate
  ) {
    throw new Error(
      `bench: ${name} was generated with ${comment ?? 'unknown options'}; run with the same --size, --seed and --reference-date`,
    );
  }
  if (kept.generator !== generation.generator) {
    throw new Error(
      `bench: ${name} was written by another version of the generator (${kept.generator ?? 1}, this is ${generation.generator}); generate a new one with --keep`,
    );
  }
  const bench = await postgresBench(name, service);
  return { ...bench, drop: async () => undefined };
}

/** Drops a database kept by `--keep` (by name, as printed); the name must be one a run made. */
export async function dropKeptBenchDatabase(name: string): Promise<void> {
  if (!KEPT_NAME.test(name)) throw new Error(`bench: ${name} is not the name of a kept database`);
  await adminQuery(`drop database if exists ${name} with (force)`);
}

/** Whether a database of this name exists on the bench server. */
export async function benchDatabaseExists(name: string): Promise<boolean> {
  return (await adminQuery('select 1 from pg_database where datname = $1', [name])).length > 0;
}

async function postgresBench(name: string, service: ServiceName | 'bare'): Promise<BenchDatabase> {
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${name}`;
  // Migrated once, when opened for a run: a run is not disturbed by migrations edited while it runs.
  const open = <S>() => openDatabase<S>({ kind: 'postgres', url: url.toString() });
  if (service !== 'bare') {
    const database = await open();
    await migrate(database, service);
    await database.close();
  }
  return {
    backend: 'postgres',
    service,
    url: url.toString(),
    open,
    copy: async (table, columns, lines) => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      let count = 0;
      try {
        const target = client.query(copyStreams.from(`copy ${table} (${columns.join(', ')}) from stdin`));
        await pipeline(Readable.from(batched(lines, () => count++)), target);
      } finally {
        await client.end();
      }
      return count;
    },
    copyOut: async (query) => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      let bytes = 0;
      try {
        const source = client.query(copyStreams.to(`copy (${query}) to stdout`));
        for await (const chunk of source) bytes += (chunk as Buffer).length;
      } finally {
        await client.end();
      }
      return bytes;
    },
    exec: async (sql) => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
    drop: async () => {
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

async function createPglite(service: ServiceName | 'bare'): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), `rvp-bench-${service}-`));
  const open = <S>() => openDatabase<S>({ kind: 'pglite', dataDir });
  {
    const database = await open();
    if (service !== 'bare') await migrate(database, service);
    await database.close();
  }
  const raw = async <T>(work: (lite: PGlite) => Promise<T>): Promise<T> => {
    const lite = await PGlite.create({ dataDir });
    try {
      return await work(lite);
    } finally {
      await lite.close();
    }
  };
  return {
    backend: 'pglite',
    service,
    dataDir,
    open,
    copy: (table, columns, lines) =>
      raw(async (lite) => {
        // PGlite reads COPY input from a blob ('/dev/blob'); send it in chunks so memory stays flat.
        let count = 0;
        for await (const chunk of batched(lines, () => count++)) {
          await lite.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, [], {
            blob: new Blob([chunk]),
          });
        }
        return count;
      }),
    copyOut: (query) =>
      raw(async (lite) => {
        const result = await lite.query(`copy (${query}) to '/dev/blob'`);
        return result.blob?.size ?? 0;
      }),
    exec: (sql) =>
      raw(async (lite) => {
        await lite.exec(sql);
      }),
    drop: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/** Joins COPY lines into chunks of ~4 MB (fewer, larger writes). */
async function* batched(
  lines: Iterable<string> | AsyncIterable<string>,
  counted: () => void,
): AsyncGenerator<string> {
  let chunk: string[] = [];
  let size = 0;
  for await (const line of lines) {
    chunk.push(line);
    counted();
    size += line.length;
    if (size >= 4_000_000) {
      yield chunk.join('');
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}

async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const admin = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
  await admin.connect();
  try {
    return (await admin.query<R>(sql, params)).rows;
  } finally {
    await admin.end();
  }
}

/** One value in COPY's text format: \N for null; backslash, tab and line ends escaped. */
export function copyValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

export function copyLine(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return `${values.map(copyValue).join('\t')}\n`;
}
