import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msUntil, ExchangeScheduler } from '../../src/exchange/scheduler.js';
import { enqueueActivity } from '../../src/exchange/outbox.js';
import { ExchangeSender } from '../../src/exchange/sender.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { ORG_A, seedTwoOrganisations } from '../support/fixtures.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe.each(BACKENDS)('graceful shutdown on %s', (backend) => {
  let test: TestDatabase<'dossier'>;
  beforeAll(async () => {
    test = await createTestDatabase(backend, 'dossier');
    const ids = await seedTwoOrganisations(test.database.db);
    const activity = await test.database.db
      .insertInto('activity')
      .values({
        organisation_ura: ORG_A.ura,
        client_id: ids.a[0]!,
        activity_id: 'SHUTDOWN01',
        activity_type: '01',
        activity_date: '2026-11-20',
        origin_ura: ORG_A.ura,
        created_by: 'test',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await enqueueActivity(test.database.db, {
      activityPk: activity.id,
      organisationUra: ORG_A.ura,
      version: 1,
      reason: 'new',
      immediate: true,
    });
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('stopping the scheduler waits for the delivery in flight to finish and record its outcome', async () => {
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    const sender = new ExchangeSender({
      db: test.database.db,
      registryUrl: () => 'http://registry.invalid',
      today: () => '2026-11-23',
      // A slow registry: the answer comes 400 ms after the request.
      fetch: async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 400));
        return new Response(JSON.stringify({ results: [{ index: 0, outcome: 'accepted' }] }), {
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    const scheduler = new ExchangeScheduler(sender, { nightlyAt: '02:00', pollMs: 10, log: silent });
    scheduler.start();
    await inFlight;
    await scheduler.stop();
    const row = await test.database.db
      .selectFrom('outbox_message')
      .select(['state', 'registry_outcome'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'sent', registry_outcome: 'accepted' });
  });
});

describe('nightly schedule', () => {
  it('computes the wait until the Dutch clock next reads HH:MM, whatever the server’s zone', () => {
    const now = new Date('2026-11-23T00:30:00Z'); // 01:30 in the Netherlands
    expect(msUntil('02:00', now)).toBe(30 * 60_000);
    expect(msUntil('01:30', now)).toBe(24 * 3_600_000);
    expect(() => msUntil('25:00', now)).toThrow(/HH:MM/);
  });
});
