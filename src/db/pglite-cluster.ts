/**
 * A pristine PGlite cluster, made once when the package is built (`npm run build`, run by `npm ci`):
 * a new embedded database starts from it instead of running initdb. PGlite runs initdb in WASM on the
 * service's thread, ≈ 4.5–6 s per database; loading the cluster takes ≈ 1.4 s. `npm start` on an
 * empty data dir makes two (dossier and registry), so that is most of its first start (issue 8,
 * start-up; BENCHMARKS.md).
 *
 * The file carries the PGlite version in its name: data files made by another PGlite build are not
 * trusted to start, so a version without its file falls back to initdb.
 */
import { PGlite } from '@electric-sql/pglite';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the build puts the cluster: `dist/pglite/`, from `src/db/` and `dist/db/` alike. */
export const CLUSTER_DIR = fileURLToPath(new URL('../../dist/pglite/', import.meta.url));

/** The installed PGlite's version (its package.json is not exported, so found above its entry). */
export function pgliteVersion(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === '@electric-sql/pglite' && manifest.version) return manifest.version;
    }
    if (path.dirname(dir) === dir) throw new Error('PGlite: no package.json above its entry');
    dir = path.dirname(dir);
  }
}

export const clusterFile = (dir = CLUSTER_DIR, version = pgliteVersion()): string =>
  path.join(dir, `cluster-${version}.tar.gz`);

// One read per process: both services' databases start from the same bytes.
const loaded = new Map<string, Promise<Blob | undefined>>();

/** The pristine cluster for the installed PGlite, or undefined when none was built for it. */
export function pristineCluster(dir = CLUSTER_DIR): Promise<Blob | undefined> {
  const file = clusterFile(dir);
  let blob = loaded.get(file);
  if (!blob) {
    blob = existsSync(file) ? readFile(file).then((bytes) => new Blob([bytes])) : Promise.resolve(undefined);
    loaded.set(file, blob);
  }
  return blob;
}

/**
 * Makes the cluster file for the installed PGlite unless it is there: initdb in memory, dumped before
 * anything else touches it. Written under a temporary name and renamed, so a reader never sees half.
 */
export async function buildPristineCluster(dir = CLUSTER_DIR): Promise<{ file: string; made: boolean }> {
  const file = clusterFile(dir);
  if (existsSync(file)) return { file, made: false };
  const lite = await PGlite.create();
  try {
    const dump = await lite.dumpDataDir('gzip');
    await mkdir(dir, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  } finally {
    await lite.close();
  }
  return { file, made: true };
}

// `node dist/db/pglite-cluster.js` (the build's last step).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const { file, made } = await buildPristineCluster();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    made ? `pglite: pristine cluster ${file} (${seconds} s)\n` : `pglite: ${file} is up to date\n`,
  );
}
