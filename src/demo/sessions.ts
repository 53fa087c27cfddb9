/**
 * Demo data for group sessions (issue 9, docs/sessions.md): phone numbers for the call list and one
 * planned HPV session for a school cohort of a demo organisation, so a fresh `npm start` shows
 * a session to letter, check in and vaccinate. Planned through createSession, as the planner would,
 * so the cohort is selected by the same rules (born in range, HPV due).
 */
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { addDays, parseIsoDate } from '../domain/dates/index.js';
import type { DossierSchema } from '../dossier/schema.js';
import { createSession } from '../dossier/sessions.js';

/** Monday..Friday on or after `date`: schools are closed at the weekend. */
function schoolDayFrom(date: string): string {
  const { year, month, day } = parseIsoDate(date);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay(); // 0 Sunday … 6 Saturday
  return weekday === 6 ? addDays(date, 2) : weekday === 0 ? addDays(date, 1) : date;
}

export async function seedDemoSessions(
  dossier: Database<DossierSchema>,
  referenceDate: string,
): Promise<{ sessionId: string; members: number } | null> {
  // A fake mobile number per custodian, derived from the person's id so it stays put; one in five is
  // left unknown, as seed 001 §4.9 says numbers often are. Fictional numbers, for the demo only.
  await sql`
    update related_person
    set phone = '06-' || lpad((abs(hashtext(id::text)::bigint) % 100000000)::text, 8, '0')
    where phone is null and abs(hashtext(id::text)::bigint) % 5 <> 0
  `.execute(dossier.db);

  // HPV from 10 (RVP since 2022): groep 7 and 8, born 10 to 12 years before this calendar year, in all
  // the organisation's municipalities (a demo population is thin per town); only those with HPV due.
  // Three weeks from now, on two consecutive school days.
  const year = parseIsoDate(referenceDate).year;
  const birthFrom = `${year - 12}-01-01`;
  const birthTo = `${year - 10}-12-31`;
  // Of the organisations with a demo planner, the one with the largest cohort (demo data is spread
  // over 26 organisations, so the first may have hardly any).
  const candidate = await dossier.db
    .selectFrom('staff_user as u')
    .innerJoin('organisation as o', 'o.ura', 'u.organisation_ura')
    .leftJoin('client as c', (join) =>
      join
        .onRef('c.organisation_ura', '=', 'u.organisation_ura')
        .on('c.kind', '=', 'youth')
        .on('c.birth_date', '>=', birthFrom)
        .on('c.birth_date', '<=', birthTo),
    )
    .select(['u.id', 'u.name', 'u.role', 'o.ura', 'o.name as organisation_name'])
    .select((eb) => eb.fn.count<number>('c.id').as('cohort'))
    .where('u.role', '=', 'jgz-planner')
    .groupBy(['u.id', 'u.name', 'u.role', 'o.ura', 'o.name'])
    .orderBy('cohort', 'desc')
    .orderBy('o.ura')
    .executeTakeFirst();
  if (!candidate) return null;
  const first = schoolDayFrom(addDays(referenceDate, 21));
  const second = schoolDayFrom(addDays(first, 1));
  const session = await createSession(
    dossier.db,
    {
      actor: {
        userId: candidate.id,
        name: candidate.name,
        role: candidate.role,
        organisation: { ura: candidate.ura, name: candidate.organisation_name },
      },
      requestId: 'demo-data',
    },
    {
      name: `HPV groep 7 en 8 (geboren ${year - 12}–${year - 10})`,
      location: 'Basisschool De Regenboog, gymzaal',
      contact: 'JGZ-lijn 050 000 00 00 (werkdagen 9–17 uur) of jgz@example.nl',
      dates: [first, second],
      vaccines: [{ vaccineType: '09', batchNumber: `HPV-DEMO-${year}` }],
      cohort: {
        birthFrom,
        birthTo,
        municipalityCodes: [],
        onlyDue: true,
      },
    },
    referenceDate,
  );
  return { sessionId: session.id, members: session.memberCount };
}
