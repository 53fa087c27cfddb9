import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
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
import type { LoadPlan, LoadResult } from './load-client.js';
import {
  countDatabaseServerCpu,
  processCpuMicrosPer,
  processCpuTicks,
  round,
  type BenchResult,
} from './measure.js';

/** Runs the load client in a second Node process (plan on stdin) and reads its one-line answer. */
export function loadFromSecondProcess(plan: LoadPlan): Promise<LoadResult> {
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

/** The registry as `rvp serve registry` in its own process (as in production), on the bench database. */
async function startRegistryProcess(
  databaseUrl: string,
  jwksUrl: string,
  ratePerMinute: number,
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const self = import.meta.url;
  const entry = fileURLToPath(new URL(`../cli/main${self.endsWith('.ts') ? '.ts' : '.js'}`, self));
  const args = [...(self.endsWith('.ts') ? ['--import', 'tsx'] : []), entry, 'serve', 'registry'];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      REGISTRY_DATABASE_URL: databaseUrl,
      DOSSIER_JWKS_URL: jwksUrl,
      REGISTRY_PORT: '0',
      LOG_LEVEL: 'warn',
      RVP_RATE_LIMIT_PER_MINUTE: String(ratePerMinute),
    },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`registry did not start: ${out}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /registry: (http:\/\/[^/\s]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`registry exited with ${code}: ${out}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A no-op HTTP server under the same load: what the load generator itself adds on this machine. */
async function loadGeneratorFloor(plan: Omit<LoadPlan, 'url' | 'requests'>): Promise<LoadResult> {
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return await loadFromSecondProcess({
      ...plan,
      url,
      requests: [{ method: 'GET', path: '/' }],
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * The status query (R-V7) under load: signed queries for persons with a consent fact, from a second
 * process at a fixed rate. On PostgreSQL the registry runs as `rvp serve registry` in a process of its
 * own, as in production (in the bench process, the garbage of generating the data set the tail); on
 * PGlite, which lives in its process, the registry app runs in the bench process. Baselines under the
 * same load: /health (HTTP and one trivial query) and a no-op HTTP server (the load generator's floor).
 * Each load runs after a checkpoint and a discarded warm-up of the same load.
 */
export async function benchApi(
  bench: BenchDatabase,
  options: { seconds: number; rate: number },
  log: (line: string) => void,
): Promise<BenchResult> {
  const database = await bench.open<RegistrySchema>();
  const ratePerMinute = options.rate * 120; // one client address sends everything here
  const keys = new Map<string, SigningKey>();
  let trusted: KeyResolver | undefined;
  // The dossier's JWKS, as the registry fetches it (own process) or is given it (in process).
  const jwks = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [...keys.values()].map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  let registry: { url: string; pid: number | null; stop(): Promise<void> } | undefined;
  const previousLimit = process.env.RVP_RATE_LIMIT_PER_MINUTE;
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
    if (bench.url) registry = await startRegistryProcess(bench.url, jwksUrl, ratePerMinute);
    else {
      process.env.RVP_RATE_LIMIT_PER_MINUTE = String(ratePerMinute);
      const app = await createRegistryApp({
        database,
        logLevel: 'silent',
        // Made once, on the first request (the keys are all made before): as the services' remote set.
        trustedKeys: () => (trusted ??= localKeys([...keys.values()].map((k) => k.publicJwk))),
      });
      await app.listen({ host: '127.0.0.1', port: 0 });
      registry = {
        url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
        pid: null,
        stop: () => app.close(),
      };
    }
    const url = registry.url;
    const check = await fetch(`${url}/api/exchange/status-query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: requests[0]?.body ?? '{}',
    });
    if (!check.ok) throw new Error(`status query answered ${check.status}: ${await check.text()}`);
    const plan = {
      url,
      seconds: options.seconds,
      rate: options.rate,
      connections: 20,
      generator: 'paced' as const,
    };
    // Measured on a settled system: the bulk load's dirty pages flushed, and a few seconds of the same
    // load (discarded) so the service's code is compiled before its latency is recorded.
    await bench.exec('checkpoint').catch(() => undefined);
    const floor = await loadGeneratorFloor(plan);
    log(`  no-op HTTP server: p50 ${floor.p50} ms, p99 ${floor.p99} ms, ${round(floor.average)} req/s`);
    const healthRequests = [{ method: 'GET' as const, path: '/health' }];
    await loadFromSecondProcess({ ...plan, seconds: Math.min(5, options.seconds), requests: healthRequests });
    const health = await loadFromSecondProcess({ ...plan, requests: healthRequests });
    log(`  /health: p50 ${health.p50} ms, p99 ${health.p99} ms, ${round(health.average)} req/s`);
    // The status query's own warm-up right before it is measured, as under a steady load.
    await loadFromSecondProcess({ ...plan, seconds: Math.min(5, options.seconds), requests });
    // CPU per answered request besides latency: the figure other load on the machine does not inflate.
    const serverCpuCount = bench.backend === 'postgres' ? await countDatabaseServerCpu(database.db) : null;
    const registryPid = registry.pid;
    const cpuBefore = registryPid === null ? process.cpuUsage() : null;
    const ticksBefore = registryPid === null ? null : await processCpuTicks(registryPid);
    const load = await loadFromSecondProcess({ ...plan, requests });
    const processCpu =
      cpuBefore !== null
        ? processCpuMicrosPer(cpuBefore, load.total)
        : Math.round(
            (((await processCpuTicks(registryPid!)) - ticksBefore!) * 10_000) / Math.max(1, load.total),
          );
    const serverCpuSeconds = (await serverCpuCount?.stop()) ?? null;
    const serverCpu =
      serverCpuSeconds === null ? null : Math.round((serverCpuSeconds * 1e6) / Math.max(1, load.total));
    // The same load through autocannon (bursts per second, its own latency correction): a cross-check.
    const crossCheck = await loadFromSecondProcess({
      ...plan,
      generator: 'autocannon',
      seconds: Math.min(10, options.seconds),
      requests,
    });
    log(
      `  autocannon, same rate: p50 ${crossCheck.p50} ms, p99 ${crossCheck.p99} ms, ${round(crossCheck.average)} req/s`,
    );
    const failures = load.non2xx + load.errors + load.timeouts;
    return {
      name: `API: status query under load (paced open-model generator, second process; registry ${registry.pid === null ? 'in the bench process' : 'in its own process'})`,
      backend: bench.backend,
      figures: {
        'offered rate (req/s, evenly spaced)': options.rate,
        seconds: options.seconds,
        persons: requests.length,
        'p50 (ms, from when each request was due)': load.p50,
        'p99 (ms)': load.p99,
        'max (ms)': load.max,
        'throughput (req/s)': round(load.average),
        'requests answered': load.total,
        'non-2xx, errors, timeouts': failures,
        'CPU per request, registry process (µs)': processCpu,
        ...(serverCpu !== null ? { 'CPU per request, PostgreSQL server (µs)': serverCpu } : {}),
        'autocannon at the same rate (bursts; p50, p99 ms)': `${crossCheck.p50}, ${crossCheck.p99}`,
      },
      baseline: {
        label: "/health (HTTP + select 1) and a no-op HTTP server (the load generator's floor), same load",
        figures: {
          '/health p50 (ms)': health.p50,
          '/health p99 (ms)': health.p99,
          '/health throughput (req/s)': round(health.average),
          'no-op server p50 (ms)': floor.p50,
          'no-op server p99 (ms)': floor.p99,
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
    await registry?.stop();
    await new Promise((resolve) => jwks.close(resolve));
    await database.close();
    if (previousLimit === undefined) delete process.env.RVP_RATE_LIMIT_PER_MINUTE;
    else process.env.RVP_RATE_LIMIT_PER_MINUTE = previousLimit;
  }
}
