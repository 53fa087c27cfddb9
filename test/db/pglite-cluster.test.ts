import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import {
  buildPristineCluster,
  clusterFile,
  pgliteVersion,
  pristineCluster,
} from '../../src/db/pglite-cluster.js';

// What a database says about itself that initdb decides; loading the cluster must not change any of it.
async function identity(dataDir?: string, clusterDir?: string) {
  const database = await openDatabase<unknown>({
    kind: 'pglite',
    ...(dataDir ? { dataDir } : {}),
    ...(clusterDir ? { clusterDir } : {}),
  });
  try {
    const rows = await sql<Record<string, string>>`select datname, datcollate, datctype,
        pg_encoding_to_char(encoding) as encoding, current_setting('server_version') as version,
        current_setting('TimeZone') as zone, current_setting('lc_messages') as messages,
        (select string_agg(datname, ',' order by datname) from pg_database) as databases
      from pg_database where datname = current_database()`.execute(database.db);
    return rows.rows[0];
  } finally {
    await database.close();
  }
}

describe('the pristine PGlite cluster (issue 8, start-up)', () => {
  let dir: string;
  let clusters: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rvp-cluster-'));
    clusters = path.join(dir, 'clusters');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is built once per PGlite version, under a name that carries the version', async () => {
    const first = await buildPristineCluster(clusters);
    expect(first.made).toBe(true);
    expect(first.file).toBe(clusterFile(clusters));
    expect(path.basename(first.file)).toBe(`cluster-${pgliteVersion()}.tar.gz`);
    expect(pgliteVersion()).toMatch(/^\d+\.\d+\.\d+/);
    const again = await buildPristineCluster(clusters);
    expect(again).toEqual({ file: first.file, made: false });
    // Written under another name and renamed: nothing half-written is left beside it.
    expect(await readdir(clusters)).toEqual([path.basename(first.file)]);
  });

  it('gives a new data dir the same database as initdb does, which migrates and keeps its data', async () => {
    const fromCluster = path.join(dir, 'from-cluster');
    const fromInitdb = path.join(dir, 'from-initdb');
    await mkdir(fromCluster);
    await mkdir(fromInitdb);
    expect(await identity(fromCluster, clusters)).toEqual(
      await identity(fromInitdb, path.join(dir, 'no-clusters-here')),
    );
    const database = await openDatabase<unknown>({
      kind: 'pglite',
      dataDir: fromCluster,
      clusterDir: clusters,
    });
    try {
      expect((await migrate(database, 'registry')).applied).toContain('001_foundation.sql');
    } finally {
      await database.close();
    }
    const reopened = await openDatabase<unknown>({
      kind: 'pglite',
      dataDir: fromCluster,
      clusterDir: clusters,
    });
    try {
      expect((await migrate(reopened, 'registry')).applied).toEqual([]);
    } finally {
      await reopened.close();
    }
  });

  it('is what a new data dir starts from, and never replaces a data dir that holds a cluster', async () => {
    // A stand-in cluster with a marker table in it, under the installed version's name.
    const marked = path.join(dir, 'marked');
    const source = await openDatabase<unknown>({ kind: 'pglite' });
    await source.exec('create table from_the_cluster_file (x int)');
    await mkdir(marked);
    await writeFile(clusterFile(marked), Buffer.from(await (await source.dump!()).arrayBuffer()));
    await source.close();
    const hasMarker = async (dataDir: string | undefined, clusterDir: string) => {
      const database = await openDatabase<unknown>({
        kind: 'pglite',
        ...(dataDir ? { dataDir } : {}),
        clusterDir,
      });
      try {
        const found = await sql<{ n: number }>`select count(*)::int as n from pg_class
          where relname = 'from_the_cluster_file'`.execute(database.db);
        return found.rows[0]!.n === 1;
      } finally {
        await database.close();
      }
    };

    const fresh = path.join(dir, 'fresh');
    await mkdir(fresh);
    expect(await hasMarker(fresh, marked)).toBe(true); // a new data dir
    expect(await hasMarker(undefined, marked)).toBe(true); // in memory
    expect(existsSync(path.join(fresh, 'PG_VERSION'))).toBe(true);

    // A data dir with a cluster of its own keeps it.
    const own = path.join(dir, 'own');
    await mkdir(own);
    expect(await hasMarker(own, clusters)).toBe(false);
    expect(await hasMarker(own, marked)).toBe(false);

    // No file for this PGlite version: initdb, as before.
    const other = path.join(dir, 'other-version');
    await mkdir(other);
    await writeFile(path.join(other, 'cluster-0.0.1.tar.gz'), 'made by another PGlite');
    expect(await pristineCluster(other)).toBeUndefined();
    const initdb = path.join(dir, 'initdb');
    await mkdir(initdb);
    expect(await hasMarker(initdb, other)).toBe(false);
  });
});
