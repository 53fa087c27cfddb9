import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../src/domain/dates/index.js';
import { loadDemoData } from '../../src/demo/load.js';
import { organisationForMunicipality } from '../../src/demo/organisations.js';
import { runInvitations } from '../../src/registry/invitations.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

const TODAY = '2026-11-23';

describe.each(BACKENDS)('an invitation run over the demo population on %s', (backend) => {
  let dossier: TestDatabase<'dossier'>;
  let registry: TestDatabase<'registry'>;
  beforeAll(async () => {
    dossier = await createTestDatabase(backend, 'dossier');
    registry = await createTestDatabase(backend, 'registry');
    await loadDemoData(dossier.database, registry.database, {
      size: 500,
      seed: 11,
      referenceDate: TODAY,
      password: 'x',
    });
  });
  afterAll(async () => {
    await dossier?.drop();
    await registry?.drop();
  });

  it('invites by schedule, each letter to the organisation of the person’s municipality; a re-run adds none', async () => {
    const { db } = registry.database;
    const period = {
      kind: 'invitation' as const,
      from: TODAY,
      to: addMonths(TODAY, 2),
      startedBy: 'rivm',
      today: TODAY,
    };
    const run = await runInvitations(db, period);
    // Every registry person is looked at: the generated 500 and the registry-only demo cohorts.
    const persons = await db.selectFrom('person').select('id').execute();
    expect(run.personsSeen).toBe(persons.length);
    expect(run.personsSeen).toBeGreaterThan(500);
    expect(run.letters).toBeGreaterThan(10);
    expect(run.invitations).toBeGreaterThanOrEqual(run.letters);
    const letters = await db
      .selectFrom('invitation_letter as l')
      .innerJoin('person as p', 'p.id', 'l.person_id')
      .select(['l.organisation_ura', 'p.municipality_code', 'l.with_certificate'])
      .execute();
    for (const l of letters)
      expect(l.organisation_ura).toBe(organisationForMunicipality(l.municipality_code!)?.ura);
    expect(letters.every((l) => l.with_certificate)).toBe(true); // everyone's first letter
    const due = await db.selectFrom('invitation').select(['due_date']).execute();
    expect(due.every((d) => d.due_date >= period.from && d.due_date <= period.to)).toBe(true);

    const again = await runInvitations(db, period);
    expect(again).toMatchObject({ id: run.id, invitations: run.invitations, letters: run.letters });
    expect(await db.selectFrom('invitation').select('id').execute()).toHaveLength(due.length);
  });

  it('reminds only those still unvaccinated, months later', async () => {
    const { db } = registry.database;
    const later = addMonths(TODAY, 5);
    await db
      .updateTable('invitation_letter')
      .set({ created_at: new Date(`${TODAY}T09:00:00Z`) })
      .execute();
    // Half of the invited get what they were invited for, on the due date.
    const invited = await db
      .selectFrom('invitation as i')
      .innerJoin('person as p', 'p.id', 'i.person_id')
      .select(['i.person_id', 'i.vaccine_group', 'i.due_date', 'i.organisation_ura'])
      .execute();
    const codeFor: Record<string, string> = {
      DKT: '11',
      Polio: '11',
      Hib: '11',
      HepB: '11',
      Pneumococcal: '08',
      BMR: '04',
      MenACWY: '28',
      HPV: '09',
      Rotavirus: '29',
    };
    const vaccinated = invited.filter((_, i) => i % 2 === 0 && codeFor[_.vaccine_group]);
    if (vaccinated.length > 0) {
      await db
        .insertInto('vaccination_event')
        .values(
          vaccinated.map((v, n) => ({
            person_id: v.person_id,
            organisation_ura: v.organisation_ura ?? '90000101',
            activity_id: `DEMO${n}`,
            activity_type: '01',
            activity_date: v.due_date,
            version: 1,
            vaccine_type: codeFor[v.vaccine_group]!,
            vaccination_date: v.due_date,
            batch_number: 'B',
            performer: 'GGD',
            location: 'L',
            objection: null,
          })),
        )
        .execute();
    }
    const reminders = await runInvitations(db, {
      kind: 'reminder',
      from: later,
      to: later,
      startedBy: 'rivm',
      today: later,
    });
    const reminded = await db
      .selectFrom('invitation')
      .select(['person_id', 'vaccine_group'])
      .where('kind', '=', 'reminder')
      .execute();
    expect(reminders.invitations).toBe(reminded.length);
    expect(reminded.length).toBeGreaterThan(0);
    const got = new Set(vaccinated.map((v) => `${v.person_id}|${v.vaccine_group}`));
    for (const r of reminded) expect(got.has(`${r.person_id}|${r.vaccine_group}`)).toBe(false);
  });
});
