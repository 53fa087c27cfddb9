import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDossierApp } from '../../src/dossier/app.js';
import type { App } from '../../src/http/app.js';
import { MAX_FAILED_SIGN_INS } from '../../src/http/passwords.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { seedTwoOrganisations, USER_A, USER_B } from '../support/fixtures.js';
import { signIn, TEST_PASSWORD } from '../support/session.js';

describe.each(BACKENDS)('staff authentication on %s', (backend) => {
  let test: TestDatabase<'dossier'>;
  let app: App;
  let ids: { a: string[] };
  beforeAll(async () => {
    test = await createTestDatabase(backend, 'dossier');
    ids = await seedTwoOrganisations(test.database.db);
    app = await createDossierApp({ database: test.database, logLevel: 'silent' });
  });
  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });

  const attempt = (userId: string, password: string) =>
    app.inject({ method: 'POST', url: '/api/session', payload: { userId, password } });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const unknown = await attempt('niemand', 'x');
    const wrong = await attempt(USER_A, 'verkeerd');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().detail).toBe(wrong.json().detail);
    expect(unknown.cookies).toEqual([]);
  });

  it(`locks an account after ${MAX_FAILED_SIGN_INS} failures in a row, even for the right password`, async () => {
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i++)
      expect((await attempt(USER_B, `fout-${i}`)).statusCode).toBe(401);
    const locked = await attempt(USER_B, 'fout-laatste');
    expect(locked.statusCode).toBe(423);
    expect(locked.json().errors[0].rule).toBe('lockout');
    expect((await attempt(USER_B, TEST_PASSWORD)).statusCode).toBe(423);
    // After the lockout period the right password works again.
    await test.database.db
      .updateTable('staff_user')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('id', '=', USER_B)
      .execute();
    expect((await attempt(USER_B, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses a state change without the CSRF token that belongs to the session', async () => {
    const headers = await signIn(app, USER_A);
    const payload = { agreed: true, sourcePersonId: 'self', source: '01', date: '2026-01-01' };
    const url = `/api/clients/${ids.a[0]}/consent-records`;
    const without = await app.inject({ method: 'POST', url, headers: { cookie: headers.cookie }, payload });
    expect(without.statusCode).toBe(403);
    expect(without.json().errors[0]).toMatchObject({ field: 'header.x-csrf-token', rule: 'csrf-token' });
    const other = await signIn(app, USER_A);
    const foreignToken = await app.inject({
      method: 'POST',
      url,
      headers: { cookie: headers.cookie, 'x-csrf-token': `${other['x-csrf-token']}x` },
      payload,
    });
    expect(foreignToken.statusCode).toBe(403);
    const count = await test.database.db.selectFrom('consent_record').select('id').execute();
    expect(count).toEqual([]);
    // With the token the request reaches the consent rules (which refuse a child's own consent).
    const withToken = await app.inject({ method: 'POST', url, headers, payload });
    expect(withToken.statusCode).toBe(422);
  });

  it('stores only an argon2id hash of a password', async () => {
    const row = await test.database.db
      .selectFrom('staff_user')
      .select('password_hash')
      .where('id', '=', USER_A)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(TEST_PASSWORD);
  });
});
