import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/http/app.js';
import { createRegistryApp } from '../../src/registry/app.js';
import { signIn as signInHeaders, testPasswordHash } from '../support/session.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

describe.each(BACKENDS)('registry HTTP API on %s', (backend) => {
  let test: TestDatabase<'registry'>;
  let app: App;

  beforeAll(async () => {
    test = await createTestDatabase(backend, 'registry');
    const { db } = test.database;
    await db
      .insertInto('municipality')
      .values([
        { code: 'GM0344', name: 'Utrecht', province: 'Utrecht' },
        { code: 'GM0363', name: 'Amsterdam', province: 'Noord-Holland' },
      ])
      .execute();
    await db
      .insertInto('staff_user')
      .values([
        {
          id: 'analist',
          name: 'Analist',
          role: 'registry-analyst',
          organisation_name: 'RIVM-DVP',
          password_hash: await testPasswordHash(),
          locked_until: null,
        },
        {
          id: 'gemeente',
          name: 'Gemeente',
          role: 'municipality-officer',
          organisation_name: 'Gemeente Utrecht',
          municipality_code: 'GM0344',
          password_hash: await testPasswordHash(),
          locked_until: null,
        },
      ])
      .execute();
    const person = (bsn: string, birthDate: string, municipality: string, extra = {}) => ({
      bsn,
      source: 'brp' as const,
      given_name: 'X',
      name_prefix: null,
      family_name: 'Y',
      gender: '0' as const,
      birth_date: birthDate,
      street: null,
      house_number: null,
      house_letter: null,
      house_number_addition: null,
      postcode: null,
      city: null,
      municipality_code: municipality,
      ...extra,
    });
    await db
      .insertInto('person')
      .values([
        person('100000001', '2020-01-01', 'GM0344'),
        person('100000002', '2008-11-24', 'GM0344'), // 17 on 2026-11-23: still youth
        person('100000003', '2008-11-23', 'GM0344'), // 18 that day: adult
        person('100000004', '2019-05-05', 'GM0344', { deceased_on: '2024-01-01' }),
        person('100000005', '2018-05-05', 'GM0363'),
      ])
      .execute();
    app = await createRegistryApp({ database: test.database, logLevel: 'silent', today: () => '2026-11-23' });
  });
  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });

  const signIn = async (userId: string) => (await signInHeaders(app, userId)).cookie;

  it('counts living residents and youth per municipality', async () => {
    const cookie = await signIn('analist');
    const body = (await app.inject({ url: '/api/population/municipalities', headers: { cookie } })).json();
    expect(body.items).toEqual([
      { code: 'GM0363', name: 'Amsterdam', persons: 1, youth: 1 },
      { code: 'GM0344', name: 'Utrecht', persons: 3, youth: 2 },
    ]);
    expect(body.totals).toEqual({ persons: 4, youth: 3, municipalities: 2 });
  });

  it('shows a municipality officer only their own municipality', async () => {
    const cookie = await signIn('gemeente');
    const body = (await app.inject({ url: '/api/population/municipalities', headers: { cookie } })).json();
    expect(body.items.map((m: { code: string }) => m.code)).toEqual(['GM0344']);
  });

  it('has no route into the dossier and refuses anonymous callers', async () => {
    expect((await app.inject('/api/clients')).statusCode).toBe(401);
    expect((await app.inject('/api/population/municipalities')).statusCode).toBe(401);
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok', service: 'registry' });
  });
});
