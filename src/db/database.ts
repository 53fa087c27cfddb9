import { PGlite } from '@electric-sql/pglite';
import {
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { pristineCluster } from './pglite-cluster.js';

/**
 * One small interface over two PostgreSQL backends: PGlite (embedded, the default; real Postgres
 * compiled to WASM, data on disk) and a PostgreSQL server reached through a connection URL.
 * Both give the same Kysely instance, so every query and migration runs unchanged on either.
 */
export type DatabaseBackend =
  | {
      kind: 'pglite';
      /** Directory for the data files; omitted means in memory (tests). */
      dataDir?: string;
      /**
       * Start from a dumped data dir instead of running initdb (tests use a migrated template).
       * Without it, a new database starts from the build's pristine cluster when there is one.
       */
      loadDataDir?: Blob;
      /** Where the build's pristine cluster is looked for (tests); default `dist/pglite/`. */
      clusterDir?: string;
    }
  | { kind: 'postgres'; url: string };

export interface Database<Schema> {
  readonly backend: DatabaseBackend['kind'];
  readonly db: Kysely<Schema>;
  /** Runs a script of several statements (migrations); no parameters. */
  exec(script: string): Promise<void>;
  /** PGlite only: the whole data dir as a tarball (a template for tests). */
  dump?(): Promise<Blob>;
  close(): Promise<void>;
}

// Dates stay 'YYYY-MM-DD' strings (a birth date has no time zone); int8 counts become numbers.
const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const parseDate = (value: string): string => value;
const parseInt8 = (value: string): number => Number(value);

export async function openDatabase<Schema>(backend: DatabaseBackend): Promise<Database<Schema>> {
  return backend.kind === 'pglite' ? openPglite<Schema>(backend) : openPostgres<Schema>(backend.url);
}

async function openPglite<Schema>(backend: {
  dataDir?: string;
  loadDataDir?: Blob;
  clusterDir?: string;
}): Promise<Database<Schema>> {
  // A data dir without PG_VERSION holds no cluster yet: PGlite would run initdb (issue 8, start-up).
  const isNew = !backend.dataDir || !existsSync(path.join(backend.dataDir, 'PG_VERSION'));
  const loadDataDir = backend.loadDataDir ?? (isNew ? await pristineCluster(backend.clusterDir) : undefined);
  const lite = await PGlite.create({
    ...(backend.dataDir ? { dataDir: backend.dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    parsers: { [DATE_OID]: parseDate, [INT8_OID]: parseInt8, [NUMERIC_OID]: (v: string) => Number(v) },
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: new PglitePool(lite) }) });
  return {
    backend: 'pglite',
    db,
    exec: async (script) => {
      await lite.exec(script);
    },
    dump: async () => (await lite.dumpDataDir('none')) as Blob,
    close: async () => {
      await db.destroy();
      await lite.close();
    },
  };
}

async function openPostgres<Schema>(url: string): Promise<Database<Schema>> {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') => {
      if (oid === DATE_OID) return parseDate;
      if (oid === INT8_OID) return parseInt8;
      if (oid === NUMERIC_OID) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  };
  // Idle connections are kept a minute (pg's default is 10 s): a fresh PostgreSQL backend is slow for
  // its first seconds (it faults in shared buffers and fills its caches), which showed as 140–180 ms
  // status-query tails for 1.5 s whenever load resumed after a short lull (issue 8).
  const pool = new pg.Pool({
    connectionString: url,
    // No JIT compilation: the services run short statements whose estimated cost can still pass
    // jit_above_cost on national tables (intake's by-person read: 145,000 for 175 persons), and
    // compiling them took 38 % of PostgreSQL's CPU at intake (issue 8). An `options` in the URL wins.
    options: '-c jit=off',
    max: 10,
    idleTimeoutMillis: 60_000,
    types: types as pg.CustomTypesConfig,
  });
  // A connection the server drops while idle (restart, failover) is discarded by the pool; without
  // this listener the 'error' event would crash the process.
  pool.on('error', () => undefined);
  // The same for a connection checked out by a transaction: its next query fails (and the
  // transaction with it) instead of the process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    backend: 'postgres',
    db,
    exec: async (script) => {
      await pool.query(script);
    },
    close: async () => {
      await db.destroy();
    },
  };
}

/**
 * PGlite is a single connection. Kysely's Postgres driver asks a pool for a connection per query or
 * transaction, so this pool hands out that one connection to one borrower at a time; concurrent
 * transactions therefore queue instead of interleaving.
 */
class PglitePool implements PostgresPool {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly lite: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => turn);
    await previous;
    const lite = this.lite;
    return {
      async query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
        // Like node-postgres: without parameters use the simple protocol, which allows a script of
        // several statements (migrations); the last statement's result is returned.
        const result =
          parameters.length === 0
            ? ((await lite.exec(sql)).at(-1) ?? { rows: [], affectedRows: 0 })
            : await lite.query<R>(sql, parameters as unknown[]);
        return {
          command: commandOf(sql),
          rowCount: result.affectedRows ?? result.rows.length,
          rows: result.rows as R[],
        };
      },
      release: () => release(),
    } as PostgresPoolClient;
  }

  async end(): Promise<void> {
    await this.tail;
  }
}

function commandOf(sql: string): PostgresQueryResult<unknown>['command'] {
  const word = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(sql)?.[1]?.toUpperCase();
  switch (word) {
    case 'INSERT':
    case 'UPDATE':
    case 'DELETE':
    case 'MERGE':
      return word;
    default:
      return 'SELECT';
  }
}
