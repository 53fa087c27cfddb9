import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDemoData } from '../demo/load.js';
import type { DossierSchema } from '../dossier/schema.js';
import type { RegistrySchema } from '../registry/schema.js';
import { createBenchDatabase, type BenchBackend } from './databases.js';
import { loadDossierNation, loadRegistryNation, type NationOptions } from './generate.js';
import { perSecond, round, timed, type BenchResult } from './measure.js';

const BIN = fileURLToPath(new URL('../../bin/rvp.js', import.meta.url));

/** Spawns `node bin/rvp.js start` (what `npm start` runs) and times it to the first page served. */
async function timeToFirstPage(env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: { ...process.env, DOSSIER_PORT: '0', REGISTRY_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Dossier \(JGZ\):\s+(http\S+?)\/\s/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.on('exit', (code) => reject(new Error(`rvp start exited with ${code}: ${stderr.slice(-500)}`)));
    });
    for (;;) {
      const response = await fetch(`${url}/`).catch(() => null);
      if (response?.ok) {
        await response.text();
        return performance.now() - started;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * Start-up: `npm start` to the first page served, on an empty data dir (migrations and the default
 * demo population of 2,000) and again on the filled one; demo data: the demo loader against the
 * big-data COPY generator for the same people.
 */
export async function benchStartup(
  backend: BenchBackend,
  options: NationOptions,
  log: (line: string) => void,
): Promise<BenchResult> {
  if (!existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)))) {
    throw new Error('startup benchmark: run `npm run build` first (npm start runs dist/)');
  }
  const dossier = await createBenchDatabase(backend, 'dossier');
  const registry = await createBenchDatabase(backend, 'registry');
  try {
    const env: NodeJS.ProcessEnv =
      backend === 'postgres'
        ? { DOSSIER_DATABASE_URL: dossier.url!, REGISTRY_DATABASE_URL: registry.url! }
        : { RVP_DATA_DIR: `${dossier.dataDir!}-chain` };
    const first = await timeToFirstPage(env);
    log(`  first start (migrations, demo data 2,000): ${round(first / 1000, 2)} s`);
    const again = await timeToFirstPage(env);
    const demoSize = Math.min(options.size, 10_000);
    const demo = await createBenchDatabase(backend, 'dossier');
    const demoRegistry = await createBenchDatabase(backend, 'registry');
    const copyDossier = await createBenchDatabase(backend, 'dossier');
    const copyRegistry = await createBenchDatabase(backend, 'registry');
    try {
      const d = await demo.open<DossierSchema>();
      const r = await demoRegistry.open<RegistrySchema>();
      const loader = await timed(() =>
        loadDemoData(d, r, { size: demoSize, seed: options.seed, referenceDate: options.referenceDate }),
      ).finally(async () => {
        await d.close();
        await r.close();
      });
      const nation = { ...options, size: demoSize };
      const copy = await timed(async () => {
        await loadDossierNation(copyDossier, nation);
        await loadRegistryNation(copyRegistry, nation);
      });
      return {
        name: 'Start-up and demo data',
        backend,
        figures: {
          'npm start to first page, empty data (s)': round(first / 1000, 2),
          'npm start to first page, existing data (s)': round(again / 1000, 2),
          [`demo-data ${demoSize} people (s)`]: round(loader.ms / 1000, 2),
          'demo-data people/s': perSecond(demoSize, loader.ms),
        },
        baseline: {
          label: `big-data generator (COPY) for the same ${demoSize} people, both databases, with vaccinations`,
          figures: { seconds: round(copy.ms / 1000, 2), 'people/s': perSecond(demoSize, copy.ms) },
        },
        ratio: `demo loader ${round(loader.ms / copy.ms)}× the COPY generator`,
        targets: [],
        notes: ['no target set by the issue; figures recorded for regressions'],
      };
    } finally {
      for (const b of [demo, demoRegistry, copyDossier, copyRegistry]) await b.drop();
    }
  } finally {
    await dossier.drop();
    await registry.drop();
    if (backend === 'pglite') {
      const { rm } = await import('node:fs/promises');
      await rm(`${dossier.dataDir!}-chain`, { recursive: true, force: true });
    }
  }
}
