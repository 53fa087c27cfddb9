import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/http/app.js';
import { createDossierApp } from '../../src/dossier/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { seedTwoOrganisations, USER_A, USER_B } from '../support/fixtures.js';
import { signIn as signInHeaders } from '../support/session.js';

const signIn = async (app: App, userId: string): Promise<string> => (await signInHeaders(app, userId)).cookie;

describe.each(BACKENDS)('dossier HTTP API on %s', (backend) => {
  let test: TestDatabase<'dossier'>;
  let app: App;
  let ids: { a: string[]; b: string[] };

  beforeAll(async () => {
    test = await createTestDatabase(backend, 'dossier');
    ids = await seedTwoOrganisations(test.database.db);
    app = await createDossierApp({ database: test.database, logLevel: 'silent' });
  });
  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });

  it('answers /health and publishes OpenAPI with the client routes', async () => {
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok', service: 'dossier' });
    const doc = (await app.inject('/openapi.json')).json() as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/clients', '/api/clients/{id}', '/health']),
    );
    const docs = await app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
  });

  it('refuses anonymous API access with problem+json', async () => {
    const response = await app.inject('/api/clients');
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 401, type: 'urn:open-rvp:problem:unauthenticated' });
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it("lists only the signed-in user's organisation's clients", async () => {
    const cookie = await signIn(app, USER_A);
    const session = (await app.inject({ url: '/api/session', headers: { cookie } })).json();
    expect(session.user).toMatchObject({ userId: USER_A, organisation: { ura: '10000001' } });
    const list = (await app.inject({ url: '/api/clients', headers: { cookie } })).json();
    expect(list.total).toBe(3);
    expect(list.items.map((c: { id: string }) => c.id).sort()).toEqual([...ids.a].sort());
    const other = (
      await app.inject({ url: '/api/clients', headers: { cookie: await signIn(app, USER_B) } })
    ).json();
    expect(other.items.map((c: { id: string }) => c.id)).toEqual(ids.b);
  });

  it('searches by name and by BSN prefix, and pages', async () => {
    const cookie = await signIn(app, USER_A);
    const byName = (await app.inject({ url: '/api/clients?search=jans', headers: { cookie } })).json();
    expect(byName.items.map((c: { familyName: string }) => c.familyName)).toEqual(['Jansen']);
    const byBsn = (await app.inject({ url: '/api/clients?search=1234', headers: { cookie } })).json();
    expect(byBsn.items.map((c: { givenName: string }) => c.givenName)).toEqual(['Emma']);
    const injection = (
      await app.inject({ url: '/api/clients?search=%27%20or%201%3D1--', headers: { cookie } })
    ).json();
    expect(injection.total).toBe(0);
    const page = (await app.inject({ url: '/api/clients?limit=2&offset=2', headers: { cookie } })).json();
    expect(page).toMatchObject({ total: 3 });
    expect(page.items).toHaveLength(1);
  });

  it("shows a client with custodians, and hides another organisation's client", async () => {
    const cookie = await signIn(app, USER_A);
    const client = (await app.inject({ url: `/api/clients/${ids.a[0]}`, headers: { cookie } })).json();
    expect(client).toMatchObject({ givenName: 'Daan', address: { municipalityCode: 'GM0344' } });
    expect(client.custodians).toEqual([expect.objectContaining({ givenName: 'Petra', hasCustody: true })]);
    const foreign = await app.inject({ url: `/api/clients/${ids.b[0]}`, headers: { cookie } });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().type).toBe('urn:open-rvp:problem:not-found');
  });

  it('answers a wrong request with problem+json naming the field and the rule', async () => {
    const cookie = await signIn(app, USER_A);
    const badLimit = await app.inject({ url: '/api/clients?limit=0', headers: { cookie } });
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json().errors).toEqual([
      expect.objectContaining({ field: 'querystring.limit', rule: 'too_small' }),
    ]);
    const badId = await app.inject({ url: '/api/clients/not-a-uuid', headers: { cookie } });
    expect(badId.json().errors).toEqual([
      expect.objectContaining({ field: 'params.id', rule: 'invalid_format' }),
    ]);
    const badJson = await app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'application/json' },
      payload: '{"userId":',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.headers['content-type']).toMatch(/problem\+json/);
    const unknownUser = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { userId: 'nobody', password: 'x' },
    });
    expect(unknownUser.statusCode).toBe(401);
    expect(unknownUser.json().errors[0]).toMatchObject({ field: 'body.password', rule: 'credentials' });
  });

  it('tells the privacy officer who looked at a child, and only the privacy officer', async () => {
    const nurse = await signIn(app, USER_A);
    await app.inject({ url: `/api/clients/${ids.a[1]}`, headers: { cookie: nurse } });
    const denied = await app.inject({ url: `/api/clients/${ids.a[1]}/audit`, headers: { cookie: nurse } });
    expect(denied.statusCode).toBe(403);
    const admin = await signIn(app, 'a-beheerder');
    const trail = (
      await app.inject({ url: `/api/clients/${ids.a[1]}/audit`, headers: { cookie: admin } })
    ).json();
    expect(trail.items).toContainEqual(
      expect.objectContaining({ actorId: USER_A, actorName: 'Anne (A)', action: 'client.read' }),
    );
    const foreign = await app.inject({ url: `/api/clients/${ids.b[0]}/audit`, headers: { cookie: admin } });
    expect(foreign.statusCode).toBe(404);
  });

  it('writes every read of client data to the audit trail', async () => {
    const cookie = await signIn(app, USER_B);
    await app.inject({
      url: `/api/clients/${ids.b[0]}`,
      headers: { cookie, 'x-request-id': 'audit-check-1' },
    });
    const events = await test.database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('request_id', '=', 'audit-check-1')
      .execute();
    expect(events).toEqual([
      expect.objectContaining({
        actor_id: USER_B,
        organisation_ura: '10000002',
        action: 'client.read',
        subject_id: ids.b[0],
      }),
    ]);
  });
});
