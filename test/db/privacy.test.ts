import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/load.js';
import { generatePopulation } from '../../src/demo/generator.js';
import { BACKENDS, createTestDatabase } from '../support/databases.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SIZE = 60;

/** A browser-like client: keeps the session cookie and sends the CSRF token on writes. */
function client(base: string) {
  let cookie = '';
  let csrf = '';
  return async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(csrf && init.method && init.method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const set = response.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
    const text = await response.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (typeof json.csrfToken === 'string') csrf = json.csrfToken;
    return { status: response.status, json };
  };
}

describe('privacy: a full run of the chain', () => {
  let dir: string;
  let logs = '';
  const people: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rvp-privacy-'));
    for (const p of generatePopulation({
      seed: 2025,
      size: SIZE,
      referenceDate: new Date().toISOString().slice(0, 10),
    })) {
      people.push(p.bsn, `${p.givenName} ${p.familyName}`);
      for (const c of p.custodians) people.push(c.bsn, `${c.givenName} ${c.familyName}`);
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('logs no BSN or name of anyone in the demo population, at debug level, through every flow', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'src/cli/main.ts'),
        'start',
        '--data-dir',
        dir,
        '--dossier-port',
        '0',
        '--registry-port',
        '0',
        '--size',
        String(SIZE),
      ],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'debug', RVP_DEMO_SEED: '2025' } },
    );
    child.stdout.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 90_000;
    while (!/Register \(RVP\):\s+(\S+)\//.test(logs) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const dossierUrl = /Dossier \(JGZ\):\s+(\S+)\//.exec(logs)![1]!;
    const registryUrl = /Register \(RVP\):\s+(\S+)\//.exec(logs)![1]!;

    const users = (await client(dossierUrl)('/api/demo-users')).json.items as Array<{
      userId: string;
      role: string;
      organisation: { ura: string };
    }>;
    const nurse = users.find((u) => u.role === 'jgz-professional')!;
    const planner = users.find(
      (u) => u.role === 'jgz-planner' && u.organisation.ura === nurse.organisation.ura,
    )!;
    const asNurse = client(dossierUrl);
    expect(
      (
        await asNurse('/api/session', {
          method: 'POST',
          body: { userId: nurse.userId, password: DEMO_PASSWORD },
        })
      ).status,
    ).toBe(200);
    await asNurse('/api/session', {
      method: 'POST',
      body: { userId: nurse.userId, password: 'verkeerd wachtwoord' },
    });
    await asNurse('/api/session', {
      method: 'POST',
      body: { userId: nurse.userId, password: DEMO_PASSWORD },
    });
    const list = (await asNurse('/api/clients?limit=5')).json.items as Array<{
      id: string;
      bsn: string;
      familyName: string;
    }>;
    expect(list.length).toBeGreaterThan(0);
    for (const c of list) {
      await asNurse(`/api/clients?search=${c.bsn}`);
      await asNurse(`/api/clients?search=${encodeURIComponent(c.familyName)}`);
      await asNurse(`/api/clients/${c.id}`);
      await asNurse(`/api/clients/${c.id}/consent`);
      await asNurse(`/api/clients/${c.id}/consent-records`, {
        method: 'POST',
        body: {
          agreed: true,
          sourcePersonId: 'self',
          source: '01',
          date: '2021-02-30',
          note: `${c.familyName} ${c.bsn}`,
        },
      });
      await asNurse(`/api/clients/${c.id}/activities`, {
        method: 'POST',
        body: {
          activityType: '01',
          activityDate: new Date().toISOString().slice(0, 10),
          vaccinations: [
            {
              vaccineType: '08',
              date: new Date().toISOString().slice(0, 10),
              batchNumber: 'P1',
              performer: 'GGD',
              location: c.familyName,
            },
          ],
        },
      });
      await asNurse(`/api/clients/${c.id}/vaccination-status`);
    }
    const asPlanner = client(dossierUrl);
    await asPlanner('/api/session', {
      method: 'POST',
      body: { userId: planner.userId, password: DEMO_PASSWORD },
    });
    const run = await asPlanner('/api/exchange/run', { method: 'POST', body: {} });
    expect(run.json.sent).toBeGreaterThan(0);
    const asAnalyst = client(registryUrl);
    await asAnalyst('/api/session', {
      method: 'POST',
      body: { userId: 'rivm-analist', password: DEMO_PASSWORD },
    });
    await asAnalyst('/api/population/municipalities');
    await asAnalyst('/api/intake/worklist');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logs.length).toBeGreaterThan(1000); // the run did log, at debug level
    const leaked = people.filter((personal) => logs.includes(personal));
    expect(leaked).toEqual([]);
  });
});

describe.each(BACKENDS)('privacy: the registry schema on %s', (backend) => {
  it('gives anonymous vaccinations no column that could link them to a person', async () => {
    const test = await createTestDatabase(backend, 'registry');
    try {
      const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns
        where table_schema = 'public' and table_name = 'anonymous_vaccination'`.execute(test.database.db);
      const names = columns.rows.map((c) => c.column_name);
      expect(names.length).toBeGreaterThan(5);
      for (const linking of [
        'person_id',
        'bsn',
        'given_name',
        'family_name',
        'birth_date',
        'postcode',
        'house_number',
        'dossier_number',
        'gender',
      ]) {
        expect(names).not.toContain(linking);
      }
      const foreignKeys = await sql<{
        n: number;
      }>`select count(*)::int as n from information_schema.table_constraints
        where table_name = 'anonymous_vaccination' and constraint_type = 'FOREIGN KEY'`.execute(
        test.database.db,
      );
      expect(foreignKeys.rows[0]!.n).toBe(0);
    } finally {
      await test.drop();
    }
  });
});
