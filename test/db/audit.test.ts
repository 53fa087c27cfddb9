import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/db/audit.js';
import { verifyAuditChain } from '../../src/db/audit-verify.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

describe.each(BACKENDS)('hash-chained audit trail on %s', (backend) => {
  let test: TestDatabase<'dossier'>;
  beforeAll(async () => {
    test = await createTestDatabase(backend, 'dossier');
  });
  afterAll(async () => {
    await test?.drop();
  });

  const entry = (n: number) => ({
    actorId: `user-${n}`,
    organisationUra: '10000001',
    action: 'client.read',
    subjectType: 'client',
    subjectId: `c-${n}`,
    requestId: `r-${n}`,
  });

  it('chains concurrent writers without gaps, and a rolled-back entry leaves none', async () => {
    const { db } = test.database;
    await Promise.all(
      Array.from({ length: 20 }, (_, n) => db.transaction().execute((trx) => appendAudit(trx, entry(n)))),
    );
    await expect(
      db.transaction().execute(async (trx) => {
        await appendAudit(trx, entry(99));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await appendAudit(db, entry(100));
    const result = await verifyAuditChain(db);
    expect(result).toEqual({ entries: 21, firstBroken: null });
  });

  let original = '';
  it('detects an entry changed behind the application’s back', async () => {
    const { db } = test.database;
    original = (
      await db.selectFrom('audit_event').select('actor_id').where('seq', '=', 5).executeTakeFirstOrThrow()
    ).actor_id;
    // Someone with database access disables the guard and rewrites history.
    await sql`alter table audit_event disable trigger audit_event_append_only`.execute(db);
    await sql`update audit_event set actor_id = 'someone-else' where seq = 5`.execute(db);
    await sql`alter table audit_event enable trigger audit_event_append_only`.execute(db);
    const result = await verifyAuditChain(db);
    expect(result.firstBroken).toMatchObject({ seq: 5, problem: 'entry was changed after it was written' });
  });

  it('detects a removed entry', async () => {
    const { db } = test.database;
    await sql`alter table audit_event disable trigger audit_event_append_only`.execute(db);
    // Undo the change above exactly: the chain is whole again …
    await sql`update audit_event set actor_id = ${original} where seq = 5`.execute(db);
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
    // … until an entry disappears.
    await sql`delete from audit_event where seq = 10`.execute(db);
    await sql`alter table audit_event enable trigger audit_event_append_only`.execute(db);
    const result = await verifyAuditChain(db, 3);
    expect(result.firstBroken).toMatchObject({ seq: 11, problem: 'entry 10 is missing' });
  });
});
