import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDossierApp } from '../../src/dossier/app.js';
import type { App } from '../../src/http/app.js';
import { createRegistryApp } from '../../src/registry/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { seedTwoOrganisations, USER_A } from '../support/fixtures.js';
import { signIn } from '../support/session.js';

// Inputs that have broken systems like this one: injection, impossible dates, invalid BSNs, odd types.
const nasty = fc.oneof(
  fc.constantFrom(
    "' or 1=1 --",
    '"; drop table client; --',
    '<script>alert(1)</script>',
    '2021-02-30',
    '2021-13-01',
    '0000-00-00',
    '123456789',
    '000000000',
    '../../etc/passwd',
    '\u0000',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    'self',
    '01',
    '05',
    '9'.repeat(400),
    '00000000-0000-0000-0000-000000000000',
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const body = fc.oneof(
  fc.dictionary(
    fc.constantFrom(
      'agreed',
      'sourcePersonId',
      'source',
      'date',
      'method',
      'note',
      'userId',
      'password',
      'activityType',
      'activityDate',
      'vaccinations',
      'competent',
      'explanation',
      'messages',
      'request',
      '__proto__',
      'constructor',
    ),
    fc.oneof(nasty, fc.array(nasty, { maxLength: 3 }), fc.dictionary(fc.string(), nasty, { maxKeys: 3 })),
  ),
  fc.anything(),
);
const pathParam = fc.oneof(fc.uuid(), nasty.map(String)).map((p) => encodeURIComponent(p));

async function tableCounts(
  db: TestDatabase<'dossier'>['database']['db'] | TestDatabase<'registry'>['database']['db'],
) {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables
    where table_schema = 'public' and table_name not in ('audit_event', 'schema_migration', 'staff_user', 'intake_refusal')`.execute(
    db,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const row = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table_name)}`.execute(db);
    counts[table_name] = Number(row.rows[0]!.n);
  }
  return counts;
}

function expectProblem(response: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  expect(response.statusCode, response.body).toBeLessThan(500);
  if (response.statusCode >= 400) {
    expect(String(response.headers['content-type'])).toMatch(/application\/problem\+json/);
    const problem = JSON.parse(response.body) as { status: number; title: string };
    expect(problem.status).toBe(response.statusCode);
    expect(problem.title).toBeTruthy();
  }
}

describe.each(BACKENDS)('bad input never crashes or half-writes (%s)', (backend) => {
  let dossierDb: TestDatabase<'dossier'>;
  let registryDb: TestDatabase<'registry'>;
  let dossier: App;
  let registry: App;
  let headers: Record<string, string>;
  let clientId: string;

  beforeAll(async () => {
    dossierDb = await createTestDatabase(backend, 'dossier');
    registryDb = await createTestDatabase(backend, 'registry');
    clientId = (await seedTwoOrganisations(dossierDb.database.db)).a[0]!;
    process.env.RVP_RATE_LIMIT_PER_MINUTE = '100000';
    dossier = await createDossierApp({ database: dossierDb.database, logLevel: 'silent' });
    registry = await createRegistryApp({ database: registryDb.database, logLevel: 'silent' });
    headers = await signIn(dossier, USER_A);
  });
  afterAll(async () => {
    delete process.env.RVP_RATE_LIMIT_PER_MINUTE;
    await dossier?.close();
    await registry?.close();
    await dossierDb?.drop();
    await registryDb?.drop();
  });

  const routes: Array<[string, string]> = [
    ['POST', '/api/clients/{id}/consent-records'],
    ['POST', '/api/clients/{id}/competence-judgements'],
    ['POST', '/api/clients/{id}/activities'],
    ['PATCH', '/api/vaccinations/{id}'],
    ['DELETE', '/api/vaccinations/{id}'],
    ['GET', '/api/clients/{id}/consent'],
    ['GET', '/api/clients/{id}'],
    ['POST', '/api/session'],
  ];

  it.each(routes)(
    'dossier %s %s: any body, any id → problem+json, nothing written',
    async (method, template) => {
      const before = await tableCounts(dossierDb.database.db);
      await fc.assert(
        fc.asyncProperty(body, fc.oneof(fc.constant(clientId), pathParam), async (payload, id) => {
          const response = await dossier.inject({
            method: method as 'POST',
            url: template.replace('{id}', id),
            headers: { ...headers, 'content-type': 'application/json' },
            payload: JSON.stringify(payload) ?? 'null',
          });
          expectProblem(response);
          if (response.statusCode >= 400) expect(await tableCounts(dossierDb.database.db)).toEqual(before);
        }),
        { numRuns: 40 },
      );
    },
  );

  it('dossier query strings: anything → a page or problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('search', 'limit', 'offset', 'on'), nasty.map(String)),
        async (query) => {
          const response = await dossier.inject({ url: '/api/clients', query, headers });
          expectProblem(response);
          const consent = await dossier.inject({ url: `/api/clients/${clientId}/consent`, query, headers });
          expectProblem(consent);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a NUL character anywhere in the input is refused up front, naming the field (PostgreSQL text cannot hold it)', async () => {
    const search = await dossier.inject({ url: '/api/clients', query: { search: 'a\u0000b' }, headers });
    expect(search.statusCode).toBe(400);
    expect(search.json()).toMatchObject({
      errors: [{ field: 'query.search', rule: 'no-nul-character' }],
    });
    const before = await tableCounts(dossierDb.database.db);
    const posted = await dossier.inject({
      method: 'POST',
      url: `/api/clients/${clientId}/consent-records`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ agreed: true, notes: ['ok', 'x\u0000'] }),
    });
    expect(posted.statusCode).toBe(400);
    expect(posted.json()).toMatchObject({ errors: [{ field: 'body.notes[1]', rule: 'no-nul-character' }] });
    expect(await tableCounts(dossierDb.database.db)).toEqual(before);
  });

  it('malformed JSON, wrong media types and huge bodies get problem+json', async () => {
    const url = `/api/clients/${clientId}/consent-records`;
    for (const raw of ['{', '{"agreed":', '[1,2', 'null', '"x"', '{"agreed": true, "agreed": false}']) {
      expectProblem(
        await dossier.inject({
          method: 'POST',
          url,
          headers: { ...headers, 'content-type': 'application/json' },
          payload: raw,
        }),
      );
    }
    expectProblem(
      await dossier.inject({
        method: 'POST',
        url,
        headers: { ...headers, 'content-type': 'text/plain' },
        payload: 'hallo',
      }),
    );
    const huge = await dossier.inject({
      method: 'POST',
      url,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ note: 'x'.repeat(2_000_000) }),
    });
    expect(huge.statusCode).toBe(413);
    expectProblem(huge);
    // Fastify rejects these before routing; they must still be problem+json.
    for (const bad of [
      '/api/clients/%/consent',
      `/api/clients/${'9'.repeat(400)}/consent`,
      '/api/clients/%E0%A4%A',
    ]) {
      const response = await dossier.inject({ url: bad, headers });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expectProblem(response);
    }
  });

  it('registry intake: any batch → per-message answers or problem+json, never a stored row', async () => {
    const jwsLike = fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join('.'));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(body, fc.record({ messages: fc.array(fc.oneof(jwsLike, nasty), { maxLength: 5 }) })),
        async (payload) => {
          const response = await registry.inject({
            method: 'POST',
            url: '/api/exchange/messages',
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify(payload) ?? 'null',
          });
          expectProblem(response);
          if (response.statusCode === 200) {
            for (const result of response.json().results) expect(result.outcome).toBe('refused');
          }
        },
      ),
      { numRuns: 60 },
    );
    const stored = await tableCounts(registryDb.database.db);
    expect([stored.vaccination_event, stored.anonymous_vaccination, stored.received_activity]).toEqual([
      0, 0, 0,
    ]);
  });

  it('registry signed-batch intake: any body, any media type → problem+json, never a stored row', async () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url');
    // A header as our senders make it, so the fuzz reaches the key lookup and payload checks.
    const batchHeader = b64({ alg: 'ES256', kid: 'ura-10000001-1', typ: 'open-rvp-batch+jws' });
    const payload = fc.oneof(
      fc.anything().map(b64),
      fc.array(nasty, { maxLength: 3 }).map((messages) => b64({ messages })),
      fc.base64String(),
    );
    const jose = fc.oneof(
      fc.string(),
      nasty.map(String),
      fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join('.')),
      fc.tuple(payload, fc.base64String()).map(([body, signature]) => `${batchHeader}.${body}.${signature}`),
    );
    await fc.assert(
      fc.asyncProperty(
        jose,
        fc.constantFrom('application/jose', 'application/json', 'text/plain', 'application/octet-stream'),
        async (jws, contentType) => {
          const response = await registry.inject({
            method: 'POST',
            url: '/api/exchange/batches',
            headers: { 'content-type': contentType },
            payload: jws,
          });
          expectProblem(response);
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: 60 },
    );
    const stored = await tableCounts(registryDb.database.db);
    expect([stored.vaccination_event, stored.anonymous_vaccination, stored.received_activity]).toEqual([
      0, 0, 0,
    ]);
  });
});
