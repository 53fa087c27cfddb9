import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { historyOf, refDaysOf } from '../../src/bench/generate.js';
import { addMonths, compareIsoDates } from '../../src/domain/dates/index.js';
import { toDay, toIso } from '../../src/domain/schedule/days.js';
import { rvpSchedule } from '../../src/domain/schedule/index.js';
import { generatePopulation } from '../../src/demo/generator.js';
import {
  dueWindows,
  evaluateCandidates,
  runInvitations,
  type EvaluationJob,
  type RunRequest,
} from '../../src/registry/invitations.js';
import { forecastSchedule, loadRegistryDoses } from '../../src/registry/schedule-service.js';
import type { RegistrySchema } from '../../src/registry/schema.js';
import { invitationLines, generatedRegistry } from '../support/bench-fixtures.js';
import { BACKENDS } from '../support/databases.js';

// Issue 8: a run skips the engine for persons with no date in `dueWindows` (nothing can be due in the
// period). It must invite exactly as evaluating everyone: checked on the pure path with generated and
// random histories, and end to end (SQL filter included) against a per-person oracle on both backends.

type Person = [string, string, string, string | null, Array<[string, string]> | null];

const jobOf = (
  persons: Person[],
  kind: 'invitation' | 'group-session',
  from: string,
  to: string,
  sessionDate: string | null,
): EvaluationJob => ({
  kind,
  from,
  to,
  sessionDate,
  today: from,
  persons: JSON.stringify(persons),
  reminders: null,
  windows: null,
});

const withWindows = (job: EvaluationJob): EvaluationJob => ({
  ...job,
  windows:
    job.kind === 'group-session'
      ? dueWindows(addMonths(job.sessionDate!, -12), job.sessionDate!, job.from)
      : dueWindows(job.from, job.to, job.from),
});

describe('the due-date pre-filter (pure)', () => {
  it('skips a large share of a generated population and changes no candidate, month by month', () => {
    const reference = '2025-09-01';
    const seed = 31;
    const refDays = refDaysOf(reference);
    const persons: Person[] = [...generatePopulation({ size: 1200, seed, referenceDate: reference })].map(
      (p) => {
        const doses = historyOf(p, seed, refDays).flatMap((v) =>
          v.vaccines.map((t) => [v.date, t] as [string, string]),
        );
        return [`p${p.index}`, p.birthDate, p.gender, p.organisationUra, doses.length > 0 ? doses : null];
      },
    );
    let skipped = 0;
    for (let month = -6; month < 18; month += 1) {
      const from = addMonths(reference, month);
      const job = jobOf(persons, 'invitation', from, addMonths(from, 1), null);
      const filtered = withWindows(job);
      expect(filtered.windows).not.toBeNull();
      expect(evaluateCandidates(filtered)).toEqual(evaluateCandidates(job));
      const windows = filtered.windows!;
      skipped += persons.filter(
        ([, birth, , , doses]) =>
          !windows.births.some(([a, b]) => birth >= a && birth <= b) &&
          !(doses ?? []).some(
            ([d]) => d <= windows.assessmentDate && windows.doses.some(([a, b]) => d >= a && d <= b),
          ),
      ).length;
    }
    // The filter is worth having: most persons have no date in a month's windows.
    expect(skipped / (24 * persons.length)).toBeGreaterThan(0.5);
  });

  it('changes no candidate for random histories, periods and group sessions (fast-check)', () => {
    const codes = [...rvpSchedule.vaccineCodes.keys(), '98', 'XX'];
    const base = toDay('2026-01-01');
    let found = 0;
    const person = fc.record({
      birth: fc.integer({ min: -20 * 366, max: 200 }),
      gender: fc.constantFrom('1', '2', '0'),
      doses: fc.array(
        fc.record({ age: fc.integer({ min: -10, max: 20 * 366 }), code: fc.constantFrom(...codes) }),
        { maxLength: 14 },
      ),
    });
    fc.assert(
      fc.property(
        fc.array(person, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: -400, max: 400 }),
        fc.integer({ min: 0, max: 366 }),
        fc.boolean(),
        (people, start, length, group) => {
          const persons: Person[] = people.map((p, i) => {
            const birth = base + p.birth;
            const doses = p.doses
              .map((d) => [toIso(birth + d.age), d.code] as [string, string])
              .sort((a, b) => compareIsoDates(a[0], b[0]));
            return [`r${i}`, toIso(birth), p.gender, null, doses.length > 0 ? doses : null];
          });
          const from = toIso(base + start);
          const job = group
            ? jobOf(persons, 'group-session', from, from, toIso(base + start + 21 + (length % 8)))
            : jobOf(persons, 'invitation', from, toIso(base + start + length), null);
          const filtered = withWindows(job);
          expect(filtered.windows).not.toBeNull();
          const all = evaluateCandidates(job);
          found += all.length;
          expect(evaluateCandidates(filtered)).toEqual(all);
        },
      ),
      { numRuns: 150, seed: 8 },
    );
    expect(found).toBeGreaterThan(150); // not a vacuous comparison: many persons had something due
  });
});

describe.each(BACKENDS)('a filtered run on %s', (backend) => {
  const nation = { size: 300, seed: 5, referenceDate: '2025-09-01' };
  const registry = generatedRegistry(backend, nation);

  const invitationsOf = invitationLines;
  const clear = (db: Kysely<RegistrySchema>) =>
    sql`delete from invitation; delete from invitation_letter; delete from invitation_run`.execute(db);

  /** The runs' rule applied person by person, with the person's own dose read (the old path). */
  const oracle = async (db: Kysely<RegistrySchema>, from: string, to: string) => {
    const persons = await db
      .selectFrom('person')
      .select(['id', 'birth_date', 'gender'])
      .where('deceased_on', 'is', null)
      .where('emigrated_on', 'is', null)
      .execute();
    const rows: string[] = [];
    for (const p of persons) {
      const doses = await loadRegistryDoses(db, p.id);
      for (const g of forecastSchedule({ birthDate: p.birth_date, gender: p.gender }, doses, from)) {
        if (g.seriesStatus !== 'Not complete' || g.doseNumber === null || !g.recommended) continue;
        if (compareIsoDates(g.recommended, from) < 0 || compareIsoDates(g.recommended, to) > 0) continue;
        const description = g.vaccines.map((v) => v.name).join(' / ') || g.vaccineGroup;
        rows.push(`${p.id}|${g.vaccineGroup}|${g.doseNumber}|${g.recommended}|${description}|invitation`);
      }
    }
    return rows.sort();
  };

  it('invites as the per-person oracle and as the unfiltered run, for several periods', async () => {
    const db = registry.database.db;
    for (const [from, to] of [
      ['2025-09-01', '2025-09-30'],
      ['2025-09-01', '2026-02-28'],
      ['2026-01-15', '2026-01-15'],
    ] as const) {
      const request: RunRequest = {
        kind: 'invitation',
        from,
        to,
        startedBy: 'test',
        today: from,
        batchSize: 64,
      };
      await clear(db);
      const filtered = await runInvitations(db, request);
      const rows = await invitationsOf(db);
      expect(filtered.personsSeen).toBe(nation.size);
      expect(rows.length).toBeGreaterThan(0);
      await clear(db);
      const everyone = await runInvitations(db, { ...request, preFilter: false });
      expect(await invitationsOf(db)).toEqual(rows);
      expect({ ...everyone, id: '', startedAt: '', finishedAt: '' }).toEqual({
        ...filtered,
        id: '',
        startedAt: '',
        finishedAt: '',
      });
      expect([...rows].sort()).toEqual(await oracle(db, from, to));
    }
  }, 60_000);

  it('a group-session run is the same with and without the filter', async () => {
    const db = registry.database.db;
    const org = await db
      .selectFrom('municipality')
      .select('organisation_ura')
      .where('organisation_ura', 'is not', null)
      .executeTakeFirstOrThrow();
    const today = '2025-09-01';
    const request: RunRequest = {
      kind: 'group-session',
      from: today,
      to: today,
      sessionDate: '2025-09-25',
      organisationUra: org.organisation_ura!,
      startedBy: 'test',
      today,
      batchSize: 50,
    };
    await clear(db);
    await runInvitations(db, request);
    const rows = await invitationsOf(db);
    await clear(db);
    await runInvitations(db, { ...request, preFilter: false });
    expect(await invitationsOf(db)).toEqual(rows);
  }, 60_000);
});
