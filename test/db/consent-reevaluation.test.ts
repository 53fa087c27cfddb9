import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { reevaluateAll } from '../../src/bench/consent.js';
import { createBenchDatabase } from '../../src/bench/databases.js';
import { loadDossierNation } from '../../src/bench/generate.js';
import { hashSeed, Random } from '../../src/demo/generator-random.js';
import { fromEpochDay, toEpochDay } from '../../src/domain/dates/index.js';
import { getConsentOverview } from '../../src/dossier/consent.js';
import type { DossierSchema } from '../../src/dossier/schema.js';
import { BACKENDS } from '../support/databases.js';

// Issue 8: the national re-evaluation reads every dossier in id ranges (index-only scans, pages merged
// in one walk) and decides with decideConsent. It must decide each client exactly as the dossier's own
// path does (getConsentOverview: loadState + evaluateConsent). The generated dossier is made harder
// with what the generator never writes: a parent who is also the legal representative, a legal
// representative with and without custody and with a 05 record, ended records, records of one day a
// millisecond apart, competence judgements. Small pages and three partitions cross every boundary.

const today = '2025-09-01';
const nation = { size: 500, seed: 11, referenceDate: today };

describe.each(BACKENDS)('consent re-evaluation of every dossier (%s)', (backend) => {
  it('decides every client as the dossier does', async () => {
    const bench = await createBenchDatabase(backend, 'dossier');
    try {
      await loadDossierNation(bench, nation);
      const database = await bench.open<DossierSchema>();
      try {
        const db = database.db;
        const clients = await db
          .selectFrom('client')
          .select(['id', 'organisation_ura', 'birth_date'])
          .orderBy('id')
          .execute();
        const rng = new Random(hashSeed(nation.seed, 1, 0x7265_6576));
        const dayBetween = (from: string, to: string) => {
          const a = toEpochDay(from);
          const b = Math.max(a, toEpochDay(to));
          return fromEpochDay(a + rng.int(b - a + 1));
        };
        let edits = 0;
        for (const client of clients) {
          if (client.birth_date > today || !rng.chance(0.6)) continue;
          const ura = client.organisation_ura;
          const related = await db
            .selectFrom('client_relation')
            .select(['person_id'])
            .where('client_id', '=', client.id)
            .execute();
          const people = related.map((r) => r.person_id);
          if (people.length > 0 && rng.chance(0.3)) {
            await db
              .insertInto('client_relation')
              .values({
                client_id: client.id,
                person_id: people[0]!,
                relation: 'legal-representative',
                has_custody: rng.chance(0.5),
              })
              .onConflict((oc) => oc.doNothing())
              .execute();
          }
          if (rng.chance(0.25)) {
            const representative = await db
              .insertInto('related_person')
              .values({ organisation_ura: ura, given_name: 'Voogd', family_name: 'Test', gender: '0' })
              .returning('id')
              .executeTakeFirstOrThrow();
            await db
              .insertInto('client_relation')
              .values({
                client_id: client.id,
                person_id: representative.id,
                relation: 'legal-representative',
                has_custody: rng.chance(0.5),
              })
              .execute();
            people.push(representative.id);
          }
          const records: string[] = [];
          const addRecord = async (agreed: boolean, date: string, offsetMs: number) => {
            const source = rng.pick(['01', '03', '04', '05'] as const);
            const by = source === '01' || people.length === 0 ? null : rng.pick(people);
            const row = await db
              .insertInto('consent_record')
              .values({
                client_id: client.id,
                organisation_ura: ura,
                agreed,
                source_person_id: by,
                source: by === null ? '01' : source,
                consent_date: date,
                method: 'written',
                registered_by: 'test',
                registered_at: sql<Date>`timestamptz '2025-01-01 10:00:00.5+00' + ${`${offsetMs} milliseconds`}::interval`,
              })
              .returning('id')
              .executeTakeFirstOrThrow();
            records.push(row.id);
          };
          for (let k = rng.int(3); k > 0; k--)
            await addRecord(rng.chance(0.7), dayBetween(client.birth_date, today), rng.int(5));
          if (rng.chance(0.15)) {
            const date = dayBetween(client.birth_date, today);
            await addRecord(true, date, 10);
            await addRecord(false, date, 11);
          }
          const existing = await db
            .selectFrom('consent_record')
            .select(['id', 'consent_date'])
            .where('client_id', '=', client.id)
            .execute();
          if (existing.length > 0 && rng.chance(0.3)) {
            const ended = rng.pick(existing);
            await db
              .insertInto('consent_record_end')
              .values({
                record_id: ended.id,
                end_date: dayBetween(ended.consent_date, today),
                registered_by: 'test',
              })
              .onConflict((oc) => oc.doNothing())
              .execute();
          }
          // Judgements count from 12: most clients of 12+ get one or two (the second may contradict).
          const twelfth = `${Number(client.birth_date.slice(0, 4)) + 12}${client.birth_date.slice(4)}`;
          if (twelfth <= today && rng.chance(0.6)) {
            for (let k = 1 + rng.int(2); k > 0; k--) {
              await db
                .insertInto('competence_judgement')
                .values({
                  client_id: client.id,
                  organisation_ura: ura,
                  judged_on: dayBetween(twelfth, today),
                  competent: rng.chance(0.4),
                  explanation: 'test',
                  registered_by: 'test',
                })
                .execute();
            }
          }
          edits++;
        }
        await bench.exec('vacuum analyze').catch(() => undefined);

        const decided = new Map<string, boolean>();
        const totals = await reevaluateAll(db, today, {
          partitions: 3,
          pageSize: 37,
          onDecision: (id, consent) => {
            expect(decided.has(id)).toBe(false);
            decided.set(id, consent);
          },
        });
        const living = clients.filter((c) => c.birth_date <= today);
        expect(edits).toBeGreaterThan(200);
        expect(totals.clients).toBe(living.length);
        expect(decided.size).toBe(living.length);
        expect(totals.consent).toBe([...decided.values()].filter(Boolean).length);
        let consenting = 0;
        for (const client of living) {
          const overview = await getConsentOverview(
            db,
            {
              actor: {
                userId: 'test',
                name: 'Test',
                role: 'jgz-professional',
                organisation: { ura: client.organisation_ura, name: 'Test' },
              },
              requestId: 'reevaluation-test',
            },
            client.id,
            { today },
          );
          const consent = overview.evaluation.decision === 'toestemming';
          if (consent) consenting++;
          expect(decided.get(client.id), client.id).toBe(consent);
        }
        // Both answers occur, so agreement is not agreement on a constant.
        expect(consenting).toBeGreaterThan(50);
        expect(living.length - consenting).toBeGreaterThan(50);
      } finally {
        await database.close();
      }
    } finally {
      await bench.drop();
    }
  }, 120_000);
});
