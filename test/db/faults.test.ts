import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { createDossierApp } from '../../src/dossier/app.js';
import type { DossierSchema } from '../../src/dossier/schema.js';
import { makeBsn } from '../../src/domain/identifiers/index.js';
import { newActivityId } from '../../src/domain/messages/index.js';
import { enqueueActivity } from '../../src/exchange/outbox.js';
import { ExchangeSender } from '../../src/exchange/sender.js';
import type { App } from '../../src/http/app.js';
import type { RegistrySchema } from '../../src/registry/schema.js';
import { BACKENDS, createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from '../support/databases.js';
import { clientRow, ORG_A, seedTwoOrganisations } from '../support/fixtures.js';

/** Resolves when the process has ended (by exit or by signal), also when it already has. */
const exitOf = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const N = 240;

/** Vaccinations of N youth without consent, queued and released: one batch of anonymous messages. */
async function queueActivities(db: Kysely<DossierSchema>): Promise<void> {
  const clients = await db
    .insertInto('client')
    .values(
      Array.from({ length: N }, (_, i) => clientRow(ORG_A.ura, 1000 + i, { bsn: makeBsn(5_000_000 + i) })),
    )
    .returning('id')
    .execute();
  for (const client of clients) {
    const activity = await db
      .insertInto('activity')
      .values({
        organisation_ura: ORG_A.ura,
        client_id: client.id,
        activity_id: newActivityId(),
        activity_type: '02',
        activity_date: '2026-11-20',
        origin_ura: ORG_A.ura,
        created_by: 'test',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('vaccination')
      .values({
        activity_pk: activity.id,
        vaccine_type: '09',
        vaccination_date: '2026-11-20',
        batch_number: 'HPV-1',
        performer: 'GGD',
        location: 'School',
        objection: null,
        recorded_by: 'test',
        changed_by: null,
        changed_at: null,
      })
      .execute();
    await enqueueActivity(db, {
      activityPk: activity.id,
      organisationUra: ORG_A.ura,
      version: 1,
      reason: 'new',
      immediate: true,
    });
  }
}

describe.each(BACKENDS)('faults on %s: the registry dies mid-batch', (backend) => {
  let dossierDb: TestDatabase<'dossier'>;
  let registryDb: TestDatabase<'registry'> | undefined;
  let dataDir = '';
  let dossier: App;
  let jwksUrl = '';
  let registry: ChildProcess | undefined;
  let registryPort = 0;
  /** Resolves when the running registry has committed its first group of a delivery. */
  let groupStored: Promise<void> = Promise.resolve();

  /** `rvp serve registry` in its own process, as in production. */
  const startRegistry = async (): Promise<void> => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: 'debug', // the kill below waits for the log line of the first stored group
      DOSSIER_JWKS_URL: jwksUrl,
      RVP_DATA_DIR: dataDir,
      REGISTRY_PORT: String(registryPort),
    };
    if (registryDb?.url) env.REGISTRY_DATABASE_URL = registryDb.url;
    registry = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', 'registry'],
      { cwd: ROOT, env },
    );
    let out = '';
    groupStored = new Promise((resolve) => {
      registry!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"msg":"intake group stored"')) resolve();
      });
    });
    const deadline = Date.now() + 60_000;
    while (!/registry: http:\/\/[^:]+:(\d+)/.test(out)) {
      if (Date.now() > deadline) throw new Error(`registry did not start: ${out}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    registryPort = Number(/registry: http:\/\/[^:]+:(\d+)/.exec(out)![1]);
  };
  const killRegistry = async (signal: NodeJS.Signals) => {
    const child = registry!;
    const exited = exitOf(child);
    child.kill(signal);
    await exited;
  };

  beforeAll(async () => {
    dossierDb = await createTestDatabase(backend, 'dossier');
    await seedTwoOrganisations(dossierDb.database.db);
    await queueActivities(dossierDb.database.db);
    if (backend === 'postgres') registryDb = await createTestDatabase('postgres', 'registry');
    dataDir = await mkdtemp(join(tmpdir(), 'rvp-faults-'));
    dossier = await createDossierApp({ database: dossierDb.database, logLevel: 'silent' });
    await dossier.listen({ host: '127.0.0.1', port: 0 });
    jwksUrl = `http://127.0.0.1:${(dossier.server.address() as AddressInfo).port}/.well-known/jwks.json`;
    await startRegistry();
  });
  afterAll(async () => {
    if (registry && registry.exitCode === null && registry.signalCode === null) await killRegistry('SIGTERM');
    await dossier?.close();
    await dossierDb?.drop();
    await registryDb?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loses nothing and doubles nothing: the retried batch completes exactly once', async () => {
    const { db } = dossierDb.database;
    let killed = false;
    const sender = new ExchangeSender({
      db,
      registryUrl: () => `http://127.0.0.1:${registryPort}`,
      today: () => '2026-11-23',
      backoffMs: () => 0,
      batchSize: N,
      // The first delivery: the registry process is killed (SIGKILL) as soon as it has committed the
      // first group of the batch, before it could answer.
      fetch: async (input, init) => {
        const pending = fetch(input, init);
        if (!killed) {
          killed = true;
          void groupStored.then(() => registry!.kill('SIGKILL'));
        }
        return pending;
      },
    });
    const first = await sender.deliverDue();
    expect(first.failed).toBe(N);
    await exitOf(registry!);
    expect(
      await db.selectFrom('outbox_message').select('id').where('state', '=', 'queued').execute(),
    ).toHaveLength(N);

    await startRegistry();
    const second = await sender.deliverDue();
    expect(second).toMatchObject({ attempted: N, sent: N, failed: 0 });
    const outcomes = await db
      .selectFrom('outbox_message')
      .select(['registry_outcome', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('registry_outcome')
      .execute();
    const byOutcome = Object.fromEntries(outcomes.map((o) => [o.registry_outcome, Number(o.n)]));
    // Some messages were committed before the kill: the retry found them as duplicates.
    expect((byOutcome.duplicate ?? 0) + (byOutcome.accepted ?? 0)).toBe(N);
    expect(byOutcome.duplicate ?? 0).toBeGreaterThan(0);

    await killRegistry('SIGTERM'); // graceful: exits 0 after draining
    expect(registry!.exitCode).toBe(0);
    const stored = await registryCounts();
    expect(stored).toEqual({ received: N, anonymous: N, personalised: 0 });
  });

  async function registryCounts() {
    const database =
      backend === 'postgres'
        ? await openDatabase<RegistrySchema>({ kind: 'postgres', url: registryDb!.url! })
        : await openDatabase<RegistrySchema>({ kind: 'pglite', dataDir: join(dataDir, 'registry') });
    try {
      const count = async (table: 'received_activity' | 'anonymous_vaccination' | 'vaccination_event') =>
        Number(
          (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(database.db))
            .rows[0]!.n,
        );
      return {
        received: await count('received_activity'),
        anonymous: await count('anonymous_vaccination'),
        personalised: await count('vaccination_event'),
      };
    } finally {
      await database.close();
    }
  }
});

describe('faults on postgres: the registry database drops its connections mid-batch', () => {
  it('fails the batch as a whole for the sender, keeps every committed message once, and completes on retry', async () => {
    const dossierDb = await createTestDatabase('postgres', 'dossier');
    const registryDb = await createTestDatabase('postgres', 'registry');
    const { createRegistryApp } = await import('../../src/registry/app.js');
    const { remoteKeys } = await import('../../src/exchange/signing.js');
    try {
      await seedTwoOrganisations(dossierDb.database.db);
      await queueActivities(dossierDb.database.db);
      const dossier = await createDossierApp({ database: dossierDb.database, logLevel: 'silent' });
      await dossier.listen({ host: '127.0.0.1', port: 0 });
      const keys = remoteKeys(
        `http://127.0.0.1:${(dossier.server.address() as AddressInfo).port}/.well-known/jwks.json`,
      );
      const database = new URL(registryDb.url!).pathname.slice(1);
      // The registry's log says when a group of the batch is committed: that is when the cut comes,
      // made by another process while the registry waits in that log call, so the batch's later
      // groups cannot commit before it (with the cut left to race them, a fast intake sometimes
      // committed the whole batch first).
      let cut = false;
      const cutConnections = () => {
        execFileSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `import pg from 'pg';
            const admin = new pg.Client({ connectionString: process.env.ADMIN_URL });
            await admin.connect();
            await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [process.env.DATABASE]);
            await admin.end();`,
          ],
          { cwd: ROOT, env: { ...process.env, ADMIN_URL: TEST_POSTGRES_URL, DATABASE: database } },
        );
      };
      const registry = await createRegistryApp({
        database: registryDb.database,
        logLevel: 'debug',
        logStream: {
          write: (line: string) => {
            if (!cut && line.includes('"msg":"intake group stored"')) {
              cut = true;
              cutConnections();
            }
          },
        },
        trustedKeys: () => keys,
      });
      await registry.listen({ host: '127.0.0.1', port: 0 });
      const registryUrl = `http://127.0.0.1:${(registry.server.address() as AddressInfo).port}`;
      const countReceived = async () => {
        // Counted on a connection of its own: a pooled one may be one the cut has just dropped, and
        // a query sent before the pool hears of it fails (seen once in CI as ECONNRESET).
        const counter = new pg.Client({ connectionString: registryDb.url! });
        await counter.connect();
        try {
          const seen = await counter.query<{ n: number }>('select count(*)::int as n from received_activity');
          return Number(seen.rows[0]!.n);
        } finally {
          await counter.end();
        }
      };
      const sender = new ExchangeSender({
        db: dossierDb.database.db,
        registryUrl: () => registryUrl,
        today: () => '2026-11-23',
        backoffMs: () => 0,
        batchSize: N,
      });
      const first = await sender.deliverDue();
      expect(cut).toBe(true);
      const cutAt = await countReceived();
      expect(cutAt).toBeGreaterThan(0);
      expect(cutAt).toBeLessThan(N);
      expect(first.failed).toBe(N);
      const second = await sender.deliverDue();
      expect(second.sent).toBe(N);
      const received = await registryDb.database.db
        .selectFrom('received_activity')
        .select('activity_id')
        .execute();
      const rows = await registryDb.database.db
        .selectFrom('anonymous_vaccination')
        .select('activity_id')
        .execute();
      expect(received).toHaveLength(N);
      expect(rows).toHaveLength(N);
      await registry.close();
      await dossier.close();
    } finally {
      await dossierDb.drop();
      await registryDb.drop();
    }
  });
});
