/**
 * Group commit of read-audit entries (src/db/audit-batch.ts) on both backends: concurrent status
 * queries each get a durable, chained entry before their answer, and a failed flush fails the reads
 * it holds (503 problem+json) with nothing of that transaction written.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditBatcher } from '../../src/db/audit-batch.js';
import { verifyAuditChain } from '../../src/db/audit-verify.js';
import { makeBsn } from '../../src/domain/identifiers/index.js';
import { localKeys, newSigningKey, signPayload, type SigningKey } from '../../src/exchange/signing.js';
import type { App } from '../../src/http/app.js';
import { createRegistryApp } from '../../src/registry/app.js';
import { STATUS_QUERY_SCHEMA } from '../../src/registry/status-query.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

const URA = '10000001';
const BSNS = [1, 2, 3, 4].map((n) => makeBsn(8_200_000 + n));

describe.each(BACKENDS)('group-committed read audit on %s', (backend) => {
  let test: TestDatabase<'registry'>;
  let app: App;
  let key: SigningKey;
  let ids: string[] = [];

  beforeAll(async () => {
    test = await createTestDatabase(backend, 'registry');
    const { db } = test.database;
    await db
      .insertInto('municipality')
      .values({ code: 'GM0344', name: 'Utrecht', province: 'Utrecht' })
      .execute();
    const rows = await db
      .insertInto('person')
      .values(
        BSNS.map((bsn) => ({
          bsn,
          source: 'brp' as const,
          given_name: 'Noor',
          name_prefix: null,
          family_name: 'Jansen',
          gender: '2' as const,
          birth_date: '2024-03-01',
          street: null,
          house_number: null,
          house_letter: null,
          house_number_addition: null,
          postcode: null,
          city: null,
          municipality_code: 'GM0344',
        })),
      )
      .returning('id')
      .execute();
    ids = rows.map((r) => r.id);
    await db
      .insertInto('consent_fact')
      .values(ids.map((id) => ({ person_id: id, organisation_ura: URA, consent_date: '2024-03-01' })))
      .execute();
    key = await newSigningKey(URA);
    app = await createRegistryApp({
      database: test.database,
      logLevel: 'silent',
      today: () => '2025-11-20',
      trustedKeys: () => localKeys([key.publicJwk]),
    });
  });
  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });

  const statusQuery = async (bsn: string) => {
    const request = await signPayload(
      { schema: STATUS_QUERY_SCHEMA, organisationUra: URA, bsn, requestedAt: '2025-11-20T10:00:00Z' },
      key,
    );
    return app.inject({ method: 'POST', url: '/api/exchange/status-query', payload: { request } });
  };
  const entriesOf = (requestIds: string[]) =>
    test.database.db
      .selectFrom('audit_event')
      .select(['seq', 'subject_id', 'request_id', sql<string>`xmin::text`.as('tx')])
      .where('action', '=', 'status-query')
      .where('request_id', 'in', requestIds.length > 0 ? requestIds : ['-'])
      .orderBy('seq')
      .execute();

  it('N concurrent reads: each answer leaves after its own committed entry; fewer commits than entries; the chain verifies', async () => {
    const n = 40;
    const seen: boolean[] = [];
    const responses = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const response = await statusQuery(BSNS[i % BSNS.length]!);
        // The entry is there (committed: another connection sees it) the moment the answer arrives.
        const id = String(response.headers['x-request-id']);
        seen[i] = (await entriesOf([id])).length === 1;
        return response;
      }),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(n).fill(200));
    expect(seen).toEqual(Array(n).fill(true));
    const requestIds = responses.map((r) => String(r.headers['x-request-id']));
    const entries = await entriesOf(requestIds);
    expect(entries).toHaveLength(n);
    expect(new Set(entries.map((e) => e.request_id)).size).toBe(n);
    expect(entries.map((e) => e.subject_id).sort()).toEqual(
      Array.from({ length: n }, (_, i) => ids[i % ids.length]).sort(),
    );
    // Rows of one transaction share its id (xmin): grouped, not one commit per read.
    expect(new Set(entries.map((e) => e.tx)).size).toBeLessThan(n);
    expect(await verifyAuditChain(test.database.db)).toEqual({
      entries: Number(entries.at(-1)!.seq),
      firstBroken: null,
    });
  });

  it('a batcher writes in queue order, in transactions of at most maxEntries', async () => {
    const { db } = test.database;
    const batcher = new AuditBatcher(db, { maxEntries: 5 });
    const requestIds = Array.from({ length: 12 }, (_, i) => `order-${i}`);
    await Promise.all(
      requestIds.map((requestId) =>
        batcher.append({
          actorId: 'exchange:10000001',
          organisationUra: URA,
          action: 'status-query',
          subjectType: 'person',
          subjectId: ids[0]!,
          requestId,
        }),
      ),
    );
    const entries = await entriesOf(requestIds);
    expect(entries.map((e) => e.request_id)).toEqual(requestIds);
    const perTransaction = new Map<string, number>();
    for (const e of entries) perTransaction.set(e.tx, (perTransaction.get(e.tx) ?? 0) + 1);
    expect(Math.max(...perTransaction.values())).toBeLessThanOrEqual(5);
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });

  it('a failed flush fails its reads with 503 problem+json and writes none of that transaction', async () => {
    const { db } = test.database;
    const before = await db
      .selectFrom('audit_event')
      .select(db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    // The database refuses the entries of one person (a stand-in for a full disk or a lost connection).
    await sql
      .raw(
        `create function refuse_audit() returns trigger language plpgsql as $$
         begin raise exception 'audit write refused'; end $$;
         create trigger audit_event_refuse before insert on audit_event
           for each row when (new.subject_id = '${ids[0]}') execute function refuse_audit();`,
      )
      .execute(db);
    try {
      const responses = await Promise.all(
        Array.from({ length: 12 }, (_, i) => statusQuery(BSNS[i % BSNS.length]!)),
      );
      const failed = responses.filter((r) => r.statusCode !== 200);
      const answered = responses.filter((r) => r.statusCode === 200);
      // The reads of the refused person fail, and so does every read that shared their transaction.
      expect(failed.length).toBeGreaterThanOrEqual(3);
      for (const r of failed) {
        expect(r.statusCode).toBe(503);
        expect(r.headers['content-type']).toContain('application/problem+json');
        expect(r.json()).toMatchObject({ type: 'urn:open-rvp:problem:audit-unavailable', status: 503 });
        expect(r.json()).not.toHaveProperty('vaccinations');
      }
      const failedIds = failed.map((r) => String(r.headers['x-request-id']));
      const answeredIds = answered.map((r) => String(r.headers['x-request-id']));
      expect(await entriesOf(failedIds)).toEqual([]);
      expect(await entriesOf(answeredIds)).toHaveLength(answered.length);
      const after = await db
        .selectFrom('audit_event')
        .select(db.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n) - Number(before.n)).toBe(answered.length);
      expect((await verifyAuditChain(db)).firstBroken).toBeNull();
    } finally {
      await sql
        .raw('drop trigger audit_event_refuse on audit_event; drop function refuse_audit()')
        .execute(db);
    }
    // The writer is not stuck: the same read succeeds once the database accepts entries again.
    const again = await statusQuery(BSNS[0]!);
    expect(again.statusCode, again.body).toBe(200);
    expect(await entriesOf([String(again.headers['x-request-id'])])).toHaveLength(1);
  });
});
