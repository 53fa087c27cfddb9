import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { organisationForMunicipality } from '../demo/organisations.js';
import {
  localKeys,
  newSigningKey,
  signPayload,
  type KeyResolver,
  type SigningKey,
} from '../exchange/signing.js';
import { createRegistryApp } from '../registry/app.js';
import type { RegistrySchema } from '../registry/schema.js';
import { STATUS_QUERY_SCHEMA } from '../registry/status-query.js';
import type { BenchDatabase } from './databases.js';
import { countDatabaseServerCpu, processCpuMicrosPer, round, type BenchResult } from './measure.js';

interface LoadResult {
  p50: number;
  p99: number;
  max: number;
  average: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** Runs the load client (autocannon) in a second Node process (plan on stdin) and reads its one-line answer. */
function loadFromSecondProcess(plan: object): Promise<LoadResult> {
  const self = import.meta.url;
  const entry = fileURLToPath(new URL(`./load-client${self.endsWith('.ts') ? '.ts' : '.js'}`, self));
  const args = [...(self.endsWith('.ts') ? ['--import', 'tsx'] : []), entry];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end(JSON.stringify(plan));
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load client exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as LoadResult);
    });
  });
}

/**
 * The status query (R-V7) under load: signed queries for persons with a consent fact, from a second
 * process at a fixed rate, to the real registry app on loopback. Baseline: /health (HTTP and one
 * trivial query) under the same load.
 */
export async function benchApi(
  bench: BenchDatabase,
  options: { seconds: number; rate: number },
  log: (line: string) => void,
): Promise<BenchResult> {
  const database = await bench.open<RegistrySchema>();
  const previousLimit = process.env.RVP_RATE_LIMIT_PER_MINUTE;
  // One client address sends everything here; the per-address limit would measure itself.
  process.env.RVP_RATE_LIMIT_PER_MINUTE = String(options.rate * 120);
  const keys = new Map<string, SigningKey>();
  let trusted: KeyResolver | undefined;
  const app = await createRegistryApp({
    database,
    logLevel: 'silent',
    // Made once, on the first request (the keys are all made before): as the services' remote set.
    trustedKeys: () => (trusted ??= localKeys([...keys.values()].map((k) => k.publicJwk))),
  });
  try {
    // 500 persons with vaccinations get a consent fact of their organisation.
    const persons = await sql<{ id: string; bsn: string; municipality_code: string }>`
      select p.id, p.bsn, p.municipality_code from person p
      where exists (select 1 from vaccination_event v where v.person_id = p.id)
      order by p.id limit 500`.execute(database.db);
    const requests: Array<{ method: 'POST'; path: string; body: string }> = [];
    for (const p of persons.rows) {
      const ura = organisationForMunicipality(p.municipality_code)?.ura;
      if (!ura) continue;
      if (!keys.has(ura)) keys.set(ura, await newSigningKey(ura));
      await sql`insert into consent_fact (person_id, organisation_ura, consent_date)
        values (${p.id}, ${ura}, '2020-01-01') on conflict do nothing`.execute(database.db);
      const jws = await signPayload(
        {
          schema: STATUS_QUERY_SCHEMA,
          organisationUra: ura,
          bsn: p.bsn,
          requestedAt: new Date().toISOString(),
        },
        keys.get(ura)!,
      );
      requests.push({
        method: 'POST',
        path: '/api/exchange/status-query',
        body: JSON.stringify({ request: jws }),
      });
    }
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const check = await fetch(`${url}/api/exchange/status-query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: requests[0]?.body ?? '{}',
    });
    if (!check.ok) throw new Error(`status query answered ${check.status}: ${await check.text()}`);
    const plan = { url, seconds: options.seconds, rate: options.rate, connections: 20 };
    const health = await loadFromSecondProcess({ ...plan, requests: [{ method: 'GET', path: '/health' }] });
    log(`  /health: p50 ${health.p50} ms, p99 ${health.p99} ms, ${round(health.average)} req/s`);
    // CPU per answered request besides latency: the figure other load on the machine does not inflate.
    const serverCpuCount = bench.backend === 'postgres' ? await countDatabaseServerCpu(database.db) : null;
    const cpuBefore = process.cpuUsage();
    const load = await loadFromSecondProcess({ ...plan, requests });
    const processCpu = processCpuMicrosPer(cpuBefore, load.total);
    const serverCpuSeconds = (await serverCpuCount?.stop()) ?? null;
    const serverCpu =
      serverCpuSeconds === null ? null : Math.round((serverCpuSeconds * 1e6) / Math.max(1, load.total));
    const failures = load.non2xx + load.errors + load.timeouts;
    return {
      name: 'API: status query under load (autocannon, second process)',
      backend: bench.backend,
      figures: {
        'offered rate (req/s)': options.rate,
        seconds: options.seconds,
        persons: requests.length,
        'p50 (ms)': load.p50,
        'p99 (ms)': load.p99,
        'max (ms)': load.max,
        'throughput (req/s)': round(load.average),
        'requests answered': load.total,
        'non-2xx, errors, timeouts': failures,
        'CPU per request, registry process (µs)': processCpu,
        ...(serverCpu !== null ? { 'CPU per request, PostgreSQL server (µs)': serverCpu } : {}),
      },
      baseline: {
        label: '/health (HTTP + select 1) under the same load',
        figures: {
          'p50 (ms)': health.p50,
          'p99 (ms)': health.p99,
          'throughput (req/s)': round(health.average),
        },
      },
      ratio: `p99 ${round(load.p99 / Math.max(1, health.p99))}× /health`,
      targets: [
        {
          label: 'p99 < 50 ms at 500 req/s',
          pass: load.p99 < 50 && load.average >= options.rate * 0.95 && options.rate >= 500,
        },
        { label: 'no failed requests', pass: failures === 0 },
      ],
    };
  } finally {
    await app.close();
    await database.close();
    if (previousLimit === undefined) delete process.env.RVP_RATE_LIMIT_PER_MINUTE;
    else process.env.RVP_RATE_LIMIT_PER_MINUTE = previousLimit;
  }
}
