/**
 * The registry's "today" is the Dutch calendar date, not UTC's: after 23:00 (winter) or 22:00
 * (summer) UTC it is already tomorrow in the Netherlands, and a delivery or incident a location
 * reports for that day is not "in the future". The service is started without a fixed date, as
 * `npm start` does, with only the clock faked.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/http/app.js';
import { createRegistryApp } from '../../src/registry/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { seedRegistryStaff, seedSupplyFridge } from '../support/registry.js';
import { signIn } from '../support/session.js';

describe.each(BACKENDS)('the registry’s today around midnight on %s', (backend) => {
  let test: TestDatabase<'registry'>;
  let app: App;

  beforeAll(async () => {
    test = await createTestDatabase(backend, 'registry');
    const { db } = test.database;
    await seedRegistryStaff(db);
    await db.insertInto('organisation').values({ ura: '10000001', name: 'GGD regio Utrecht' }).execute();
    await seedSupplyFridge(db, {
      organisationUra: '10000001',
      locationId: 'LOC-T',
      locationName: 'CB Noord',
      fridgeId: 'K-T',
    });
    app = await createRegistryApp({ database: test.database, sessionSecret: 's'.repeat(32) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });

  const deliver = async (deliveredOn: string, batchNumber: string) =>
    app.inject({
      method: 'POST',
      url: '/api/supply/deliveries',
      headers: await signIn(app, 'medewerker'),
      payload: { fridgeId: 'K-T', deliveredOn, lines: [{ vaccineType: '04', batchNumber, quantity: 10 }] },
    });

  it.each([
    ['winter, 23:30 UTC = 00:30 CET', '2026-12-07T23:30:00Z', '2026-12-08', '2026-12-09'],
    ['summer, 22:30 UTC = 00:30 CEST', '2026-07-01T22:30:00Z', '2026-07-02', '2026-07-03'],
  ])(
    '%s: a delivery of the Dutch today is taken, one of the day after is not',
    async (_, instant, dutchToday, tomorrow) => {
      vi.useFakeTimers({ toFake: ['Date'], now: new Date(instant) });
      const today = await deliver(dutchToday, `T-${dutchToday}`);
      expect(today.statusCode, today.body).toBe(201);
      expect(today.json()).toMatchObject({ deliveredOn: dutchToday });
      const future = await deliver(tomorrow, `F-${tomorrow}`);
      expect(future.statusCode).toBe(422);
      expect(future.json().errors[0]).toMatchObject({ field: 'body.deliveredOn', rule: 'not-in-future' });
    },
  );
});
