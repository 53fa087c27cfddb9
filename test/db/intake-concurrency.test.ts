import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { planMessages } from '../../src/bench/intake.js';
import { verifyAuditChain } from '../../src/db/audit-verify.js';
import { organisations } from '../../src/demo/organisations.js';
import type { VaccinationMessage } from '../../src/domain/messages/index.js';
import { localKeys, newSigningKey, signPayload, type SigningKey } from '../../src/exchange/signing.js';
import type { IntakeResult } from '../../src/exchange/sender.js';
import { unlinkPerson } from '../../src/registry/citizen-requests.js';
import { receiveMessages } from '../../src/registry/intake.js';
import { generatedRegistry } from '../support/bench-fixtures.js';
import { BACKENDS } from '../support/databases.js';
import { doseMonthCounts } from '../support/registry.js';

// Intake groups of different activities and persons store side by side (src/registry/intake-locks.ts).
// Deliveries that race on the same activities and persons must still leave what one at a time would:
// each activity's newest version exactly once, its consent facts, an intact audit chain.
const nation = { size: 30, seed: 91, referenceDate: '2025-09-01' };
const ACTIVITIES = 160;

describe.each(BACKENDS)('concurrent intake on %s', (backend) => {
  const registry = generatedRegistry(backend, nation);

  it('racing originals and repairs of the same activities and persons store each activity once, at its newest version', async () => {
    const db = registry.database.db;
    const keys = new Map<string, SigningKey>();
    for (const o of organisations) keys.set(o.ura, await newSigningKey(o.ura));
    const resolver = localKeys([...keys.values()].map((k) => k.publicJwk));
    // 160 activities of 30 persons (about five each), and a version 2 of every one with other batches.
    const originals = planMessages(nation, ACTIVITIES, 'C').slice(0, ACTIVITIES - ACTIVITIES / 20);
    const repairs = originals.map((m) => {
      const payload = m.payload as VaccinationMessage;
      return {
        ...m,
        payload: {
          ...payload,
          version: 2,
          vaccinations: payload.vaccinations.map((v) => ({ ...v, batchNumber: `R${v.batchNumber}` })),
        },
      };
    });
    const sign = (list: typeof originals) =>
      Promise.all(list.map((m) => signPayload(m.payload, keys.get(m.ura)!)));
    const [v1, v2] = [await sign(originals), await sign(repairs)];
    const half = v1.length / 2;

    const snapshot = async () => {
      const personal = await sql<{ row: string }>`select concat_ws('|', p.bsn, v.organisation_ura,
          v.activity_id, v.version, v.vaccine_type, v.batch_number) as row
        from vaccination_event v join person p on p.id = v.person_id where v.activity_id like 'C%' order by 1`.execute(
        db,
      );
      const anonymous = await sql<{ row: string }>`select concat_ws('|', organisation_ura, activity_id,
          version, vaccine_type, batch_number) as row from anonymous_vaccination order by 1`.execute(db);
      const received = await sql<{ row: string }>`select concat_ws('|', organisation_ura, activity_id,
          version, kind) as row from received_activity order by 1`.execute(db);
      const facts = await sql<{
        row: string;
      }>`select concat_ws('|', p.bsn, f.organisation_ura, f.consent_date)
          as row from consent_fact f join person p on p.id = f.person_id order by 1`.execute(db);
      const worklist = await sql<{ n: number }>`select count(*)::int as n from intake_worklist`.execute(db);
      const audit = await sql<{ n: number }>`select count(*)::int as n from audit_event
          where action like 'intake.%'`.execute(db);
      return {
        personal: personal.rows.map((r) => r.row),
        anonymous: anonymous.rows.map((r) => r.row),
        received: received.rows.map((r) => r.row),
        facts: facts.rows.map((r) => r.row),
        worklist: worklist.rows[0]!.n,
        audit: audit.rows[0]!.n,
      };
    };
    const clear = () =>
      sql`delete from vaccination_event where activity_id like 'C%'; delete from anonymous_vaccination;
        delete from consent_fact; delete from received_activity; delete from intake_worklist`.execute(db);
    const fallbacks: unknown[] = [];
    const deliver = async (lane: string[]) => {
      const answers: IntakeResult[] = [];
      for (let start = 0; start < lane.length; start += 40) {
        const batch = lane.slice(start, start + 40);
        answers.push(
          ...(await receiveMessages(db, resolver, batch, { onFallback: (e) => fallbacks.push(e) })),
        );
      }
      return answers;
    };

    // One at a time: the originals, then the repairs.
    await clear();
    const auditBefore = (await snapshot()).audit;
    const sequential = [...(await deliver(v1)), ...(await deliver(v2))];
    const expected = await snapshot();
    expect(sequential.filter((a) => a.outcome === 'accepted').length).toBe(expected.audit - auditBefore);

    // Four lanes at once: each half's originals race its repairs (one lane backwards), and the halves
    // share persons, so groups of the same activities and of the same persons meet.
    await clear();
    const lanes = [v1.slice(0, half), v2.slice(0, half), v1.slice(half), v2.slice(half).reverse()];
    const answers = (await Promise.all(lanes.map(deliver))).flat();
    const actual = await snapshot();

    expect(fallbacks).toEqual([]);
    const outcomes = new Set(answers.map((a) => a.outcome));
    expect([...outcomes].every((o) => ['accepted', 'stale', 'held'].includes(o))).toBe(true);
    expect(answers.filter((a) => a.outcome === 'held').length).toBe(
      sequential.filter((a) => a.outcome === 'held').length,
    );
    // Whatever the order, each activity holds its version 2 rows once, and nothing of version 1.
    expect(actual.personal).toEqual(expected.personal);
    expect(actual.anonymous).toEqual(expected.anonymous);
    expect(actual.received).toEqual(expected.received);
    expect(actual.facts).toEqual(expected.facts);
    expect(actual.worklist).toBe(expected.worklist);
    expect(expected.personal.length).toBeGreaterThan(ACTIVITIES / 2);
    expect(expected.personal.every((row) => row.split('|')[3] === '2')).toBe(true);
    // One audit entry per accepted message, chained without a gap or a fork.
    expect(actual.audit - expected.audit).toBe(answers.filter((a) => a.outcome === 'accepted').length);
    const chain = await verifyAuditChain(db);
    expect(chain.firstBroken).toBeNull();

    // The monthly dose counts the racing groups' triggers appended add up to the rows stored, and
    // still do once folded into one row per key, none at zero.
    const counts = await doseMonthCounts(db);
    expect(counts.maintained.length).toBeGreaterThan(10);
    expect(counts.maintained).toEqual(counts.fromScratch);
    const appended = await sql<{ n: number }>`select count(*)::int as n from coverage_dose_month`.execute(db);
    await sql`select coverage_dose_month_compact()`.execute(db);
    const folded = await sql<{ rows: number; keys: number; zero: number }>`select count(*)::int as rows,
        count(distinct (organisation_ura, vaccine_type, month))::int as keys,
        count(*) filter (where personalised = 0 and anonymous = 0)::int as zero
      from coverage_dose_month`.execute(db);
    expect(folded.rows[0]!.rows).toBeLessThan(appended.rows[0]!.n);
    expect(folded.rows[0]).toEqual({ rows: folded.rows[0]!.keys, keys: folded.rows[0]!.keys, zero: 0 });
    expect(await doseMonthCounts(db)).toEqual(counts);
  }, 60_000);

  it('an unlink racing the intake of the same persons leaves nothing of theirs personal (R-R6)', async () => {
    const db = registry.database.db;
    const keys = new Map<string, SigningKey>();
    for (const o of organisations) keys.set(o.ura, await newSigningKey(o.ura));
    const resolver = localKeys([...keys.values()].map((k) => k.publicJwk));
    const planned = planMessages(nation, 150, 'U').filter(
      (m) => (m.payload as VaccinationMessage).schema === 'open-rvp/message-4/v1',
    );
    const signed = await Promise.all(planned.map((m) => signPayload(m.payload, keys.get(m.ura)!)));
    const persons = await db.selectFrom('person').select('id').execute();
    const staff = {
      userId: 'test-registry',
      name: 'Test',
      role: 'registry-admin',
      organisation: { ura: null, name: 'RIVM' },
    };

    // Two lanes deliver batches of 15 while every person is unlinked, a few milliseconds apart.
    const lane = async (messages: string[]) => {
      const answers: IntakeResult[] = [];
      for (let start = 0; start < messages.length; start += 15) {
        answers.push(...(await receiveMessages(db, resolver, messages.slice(start, start + 15))));
      }
      return answers;
    };
    const half = Math.ceil(signed.length / 2);
    const [first, second] = await Promise.all([
      lane(signed.slice(0, half)),
      lane(signed.slice(half)),
      Promise.all(
        persons.map(async ({ id }, i) => {
          await new Promise((resolve) => setTimeout(resolve, i * 4));
          return unlinkPerson(db, { personId: id, actor: staff, requestId: `unlink-${i}` });
        }),
      ),
    ]);
    const answers = [...first, ...second];

    // Whichever came first, every person ends unlinked, with no personal row or consent fact left;
    // every dose of an accepted message is kept, anonymously.
    const personal = await sql<{ n: number }>`select count(*)::int as n from vaccination_event`.execute(db);
    expect(personal.rows[0]!.n).toBe(0);
    const facts = await sql<{ n: number }>`select count(*)::int as n from consent_fact`.execute(db);
    expect(facts.rows[0]!.n).toBe(0);
    const accepted = answers.flatMap((a, i) => (a.outcome === 'accepted' ? [planned[i]!] : []));
    expect(accepted.length).toBeGreaterThan(90);
    const anonymous = await sql<{ n: number }>`select count(*)::int as n from anonymous_vaccination
      where activity_id like 'U%'`.execute(db);
    expect(anonymous.rows[0]!.n).toBe(accepted.reduce((n, m) => n + m.vaccinations.length, 0));
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
    // Every dose moved from personalised to anonymous in the monthly counts too.
    const counts = await doseMonthCounts(db);
    expect(counts.maintained).toEqual(counts.fromScratch);
  }, 60_000);
});

// A registry of its own: the tests above leave every person unlinked.
describe('concurrent intake and the audit chain on postgres', () => {
  const registry = generatedRegistry('postgres', nation);

  // Issue 8: the chain's lock serialises every writer, so a group's statement writes its audit rows
  // after its other writes (src/registry/intake.ts). With the chain's lock held elsewhere, the group
  // must be found waiting with its received activities already written: an insert of one of their
  // keys from another connection then waits for the group. Were the audit rows written first, the
  // group would wait before writing them and the insert would go through at once.
  // (PGlite has one connection: nothing waits there.)
  it('a group waits for the audit chain only after its other writes', async () => {
    const db = registry.database.db;
    const keys = new Map<string, SigningKey>();
    for (const o of organisations) keys.set(o.ura, await newSigningKey(o.ura));
    const resolver = localKeys([...keys.values()].map((k) => k.publicJwk));
    const planned = planMessages(nation, 30, 'L');
    const signed = await Promise.all(planned.map((m) => signPayload(m.payload, keys.get(m.ura)!)));
    const auditBefore = await sql<{ n: number }>`select count(*)::int as n from audit_event`.execute(db);
    // The probe's message: one the registry will accept (anonymous, or of a registered BSN).
    const bsns = new Set(
      (await sql<{ bsn: string }>`select bsn from person`.execute(db)).rows.map((r) => r.bsn),
    );
    const probeIndex = planned.findIndex((m) => {
      const message = m.payload as VaccinationMessage;
      return message.schema !== 'open-rvp/message-4/v1' || bsns.has(message.client.bsn);
    });
    const probe = {
      ura: planned[probeIndex]!.ura,
      message: planned[probeIndex]!.payload as VaccinationMessage,
    };

    let intake: Promise<IntakeResult[]> | null = null;
    const seen = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('rvp-audit-chain'))`.execute(trx);
      intake = receiveMessages(db, resolver, signed);
      intake.catch(() => undefined);
      for (let tries = 0; tries < 500; tries++) {
        const waiting = await sql<{ query: string }>`select a.query
            from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and not l.granted
              and l.database = (select oid from pg_database where datname = current_database())`.execute(db);
        // (pg_locks is the whole server's: other test files' databases are left out.)
        if (waiting.rows.length > 0) {
          // The same key, from another connection, in a transaction that is rolled back either way.
          let probeCode: string | null = null;
          await db
            .transaction()
            .execute(async (other) => {
              await sql`set local lock_timeout = '300ms'`.execute(other);
              await sql`insert into received_activity (organisation_ura, activity_id, version, kind)
                values (${probe.ura}, ${probe.message.activity.id}, 99, 'anonymous')`.execute(other);
              throw new Error('rolled back');
            })
            .catch((error: { code?: string }) => (probeCode = error.code ?? null));
          return { query: waiting.rows[0]!.query, probeCode };
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return null;
    });
    const answers = await intake!;

    expect(seen).not.toBeNull();
    // It waits inside its group's one statement ...
    expect(seen!.query).toMatch(/^with /);
    // ... with the received activity already written: the probe timed out waiting for it.
    expect(seen!.probeCode).toBe('55P03');
    // Then it goes on as ever, and the probe left nothing.
    expect(answers[probeIndex]!.outcome).toBe('accepted');
    const accepted = answers.filter((a) => a.outcome === 'accepted').length;
    expect(accepted).toBeGreaterThan(20);
    const auditAfter = await sql<{ n: number }>`select count(*)::int as n from audit_event`.execute(db);
    expect(auditAfter.rows[0]!.n - auditBefore.rows[0]!.n).toBe(accepted);
    const received = await sql<{ version: number }>`select version from received_activity
      where organisation_ura = ${probe.ura} and activity_id = ${probe.message.activity.id}`.execute(db);
    expect(received.rows).toEqual([{ version: probe.message.version }]);
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  }, 30_000);
});
