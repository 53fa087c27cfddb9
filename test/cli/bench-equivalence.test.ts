import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyOf, refDaysOf } from '../../src/bench/generate.js';
import { planMessages } from '../../src/bench/intake.js';
import { generatedPersonAt, generatePopulation } from '../../src/demo/generator.js';
import { organisations } from '../../src/demo/organisations.js';
import { createSignatureChecker } from '../../src/exchange/signature-worker.js';
import { localKeys, newSigningKey, signPayload, type SigningKey } from '../../src/exchange/signing.js';
import { receiveMessages, WORKER_BATCH_MIN } from '../../src/registry/intake.js';
import { createInvitationPool } from '../../src/registry/invitation-worker.js';
import { runInvitations } from '../../src/registry/invitations.js';
import { assessSchedule, forecastSchedule } from '../../src/registry/schedule-service.js';
import { historyDoses, invitationLines, generatedRegistry } from '../support/bench-fixtures.js';
import { BACKENDS } from '../support/databases.js';

// The speed-ups of issue 8 must not change what the registry does: the forecast-only path, the
// worker-pool invitation run and the set-based intake are each compared with the path they replace.
const nation = { size: 240, seed: 77, referenceDate: '2025-09-01' };

describe('forecastSchedule (forecast-only bulk path)', () => {
  it('equals assessSchedule without the dose judgements, for generated histories', () => {
    const refDays = refDaysOf(nation.referenceDate);
    for (const p of generatePopulation(nation)) {
      const { doses } = historyDoses(p, nation.seed, refDays);
      const person = { birthDate: p.birthDate, gender: p.gender };
      const full = assessSchedule(person, doses, nation.referenceDate).vaccineGroups.map(
        ({ doses: _doses, ...group }) => group,
      );
      expect(forecastSchedule(person, doses, nation.referenceDate)).toEqual(full);
    }
  });
});

describe.each(BACKENDS)('issue-8 fast paths on %s', (backend) => {
  const registry = generatedRegistry(backend, nation);
  beforeAll(() => {
    // The big-data generator's COPY path, at a tiny size.
    expect(registry.loaded.persons).toBe(nation.size);
    expect(registry.loaded.vaccinations).toBeGreaterThan(nation.size * 5);
  });

  const invitationsOf = invitationLines;

  it('records every generated activity as received once, so a resent one is a duplicate', async () => {
    const db = registry.database.db;
    const counts = await sql<{ activities: string; received: string; unmatched: string }>`select
      (select count(*) from (select distinct organisation_ura, activity_id from vaccination_event) a)
        as activities,
      (select count(*) from received_activity) as received,
      (select count(*) from received_activity r where r.version <> 1 or r.kind <> 'personalised'
        or not exists (select 1 from vaccination_event v where v.organisation_ura = r.organisation_ura
          and v.activity_id = r.activity_id and v.activity_date = r.received_at::date)) as unmatched`.execute(
      db,
    );
    const { activities, received, unmatched } = counts.rows[0]!;
    expect(Number(activities)).toBeGreaterThan(nation.size * 2);
    expect(Number(received)).toBe(Number(activities));
    expect(Number(unmatched)).toBe(0);

    // The first planned message's person, resending one of its historical activities as version 1.
    const [planned] = planMessages(nation, 1);
    const person = generatedPersonAt(nation, 0);
    const visit = historyOf(person, nation.seed, refDaysOf(nation.referenceDate))[0]!;
    const payload = structuredClone(planned!.payload) as { activity: { id: string; date: string } };
    payload.activity = { ...payload.activity, id: visit.activityId, date: visit.date };
    const key = await newSigningKey(planned!.ura);
    const [answer] = await receiveMessages(db, localKeys([key.publicJwk]), [await signPayload(payload, key)]);
    expect(answer?.outcome).toBe('duplicate');
  });

  it('an invitation run on worker threads invites exactly as the single-thread run', async () => {
    const db = registry.database.db;
    const request = {
      kind: 'invitation' as const,
      from: '2025-09-01',
      to: '2025-12-31',
      startedBy: 'test',
      today: '2025-09-01',
      batchSize: 37,
    };
    const single = await runInvitations(db, request);
    const singleRows = await invitationsOf(db);
    expect(single.personsSeen).toBe(nation.size);
    expect(singleRows.length).toBeGreaterThan(10);
    await sql`delete from invitation; delete from invitation_letter; delete from invitation_run`.execute(db);
    const pool = createInvitationPool(2);
    try {
      const pooled = await runInvitations(db, { ...request, evaluator: pool });
      expect(pooled.personsSeen).toBe(single.personsSeen);
      expect(pooled.invitations).toBe(single.invitations);
      expect(pooled.letters).toBe(single.letters);
    } finally {
      await pool.close();
    }
    expect(await invitationsOf(db)).toEqual(singleRows);
  }, 60_000);

  it('set-based intake gives the same answers, rows and audit trail as one message at a time', async () => {
    const db = registry.database.db;
    // Many messages per person (the plan cycles over a small population), repairs, unknown BSNs.
    const planned = planMessages({ ...nation, size: 40 }, 160);
    const keys = new Map<string, SigningKey>();
    for (const o of organisations) keys.set(o.ura, await newSigningKey(o.ura));
    const signed = await Promise.all(planned.map((m) => signPayload(m.payload, keys.get(m.ura)!)));
    const resolver = localKeys([...keys.values()].map((k) => k.publicJwk));
    // Originals in two batches; the repairs together with fresh activities of the same persons.
    const repairsFrom = signed.length - 8;
    const batches = [signed.slice(0, 70), [...signed.slice(70, 100), ...signed.slice(repairsFrom)]];
    const tail = signed.slice(100, repairsFrom);

    const snapshot = async () => {
      const events = await sql<{
        row: string;
      }>`select concat_ws('|', p.bsn, v.organisation_ura, v.activity_id,
        v.version, v.vaccine_type, v.vaccination_date) as row from vaccination_event v join person p on p.id = v.person_id
        where v.activity_id like 'X%' order by 1`.execute(db);
      const anonymous = await sql<{
        row: string;
      }>`select concat_ws('|', organisation_ura, activity_id, version,
        vaccine_type) as row from anonymous_vaccination order by 1`.execute(db);
      const facts = await sql<{
        row: string;
      }>`select concat_ws('|', p.bsn, f.organisation_ura, f.consent_date) as row
        from consent_fact f join person p on p.id = f.person_id order by 1`.execute(db);
      const audit = await sql<{ row: string }>`select concat_ws('|', actor_id, action, subject_type,
        (select bsn from person where id::text = subject_id)) as row from audit_event
        where action like 'intake.%' order by seq`.execute(db);
      // Held messages are kept whole (the set-based path writes them as a jsonb array parameter).
      const worklist = await sql<{ message: unknown }>`select message from intake_worklist
        order by activity_id, version`.execute(db);
      return {
        events: events.rows.map((r) => r.row),
        anonymous: anonymous.rows.map((r) => r.row),
        facts: facts.rows.map((r) => r.row),
        audit: audit.rows.map((r) => r.row),
        worklist: worklist.rows.map((r) => r.message),
      };
    };
    const clear = () =>
      sql`delete from vaccination_event where activity_id like 'X%'; delete from anonymous_vaccination;
        delete from consent_fact; delete from received_activity; delete from intake_worklist`.execute(db);

    const fallbacks: unknown[] = [];
    // The set-based run also checks the signatures of its batches of WORKER_BATCH_MIN or more on a
    // worker thread, as the HTTP route does.
    const signatures = createSignatureChecker(1);
    const deliver = async (setBased: boolean) => {
      const answers = [];
      for (const batch of [...batches, tail]) {
        answers.push(
          ...(await receiveMessages(db, resolver, batch, {
            setBased,
            onFallback: (e) => fallbacks.push(e),
            ...(setBased ? { signatures } : {}),
          })),
        );
      }
      return answers;
    };
    expect(batches[0]!.length).toBeGreaterThanOrEqual(WORKER_BATCH_MIN);
    await clear();
    const oneByOne = await deliver(false);
    const expected = await snapshot();
    await clear();
    const setBased = await deliver(true).finally(() => signatures.close());
    const actual = await snapshot();

    expect(fallbacks).toEqual([]); // the set-based path really ran
    expect(setBased).toEqual(oneByOne);
    expect(oneByOne.filter((a) => a.outcome === 'held').length).toBeGreaterThan(0);
    expect(oneByOne.some((a) => a.feedback !== undefined)).toBe(true);
    expect(actual.events).toEqual(expected.events);
    expect(actual.anonymous).toEqual(expected.anonymous);
    expect(actual.facts).toEqual(expected.facts);
    expect(actual.worklist).toEqual(expected.worklist);
    expect(actual.worklist.length).toBeGreaterThan(0);
    // The audit trail holds both deliveries: the second half must repeat the first, entry by entry.
    const half = actual.audit.length / 2;
    expect(actual.audit.slice(half)).toEqual(actual.audit.slice(0, half));
  }, 60_000);
});
