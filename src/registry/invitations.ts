import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { appendAudit } from '../db/audit.js';
import { addMonths, compareIsoDates, daysBetween } from '../domain/dates/index.js';
import type { IsoDate } from '../domain/dates/index.js';
import { ProblemError } from '../http/problem.js';
import { assessSchedule, type RegistryDose } from './schedule-service.js';
import type { InvitationKind, RegistrySchema } from './schema.js';

type Db = Kysely<RegistrySchema> | Transaction<RegistrySchema>;

export interface RunRequest {
  kind: InvitationKind;
  /** Invitations: the period in which the scheduled date falls. Reminders: the day of the run. */
  from: IsoDate;
  to: IsoDate;
  /** Group sessions: the first session date (selection 3–4 weeks before it). */
  sessionDate?: IsoDate | undefined;
  /** Only persons of this organisation's municipalities (group sessions are per organisation). */
  organisationUra?: string | undefined;
  startedBy: string;
  today: IsoDate;
  batchSize?: number;
  /** Test hook: fail after this many batches (proves a run resumes). */
  failAfterBatches?: number;
  onProgress?: (seen: number) => void;
}

export interface RunSummary {
  id: string;
  kind: InvitationKind;
  from: IsoDate;
  to: IsoDate;
  sessionDate: IsoDate | null;
  organisationUra: string | null;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  personsSeen: number;
  invitations: number;
  letters: number;
}

/** Reminders follow 4 to 12 months after the invitation (R-R4). */
export const REMINDER_AFTER_MONTHS = 4;
export const REMINDER_UNTIL_MONTHS = 12;
/** Group sessions: select 3–4 weeks before the first session, so letters land about 2 weeks before. */
export const GROUP_SELECTION_DAYS = { min: 21, max: 28 } as const;

/**
 * One invitation or reminder run (R-R4): idempotent (invitations are unique per person, vaccine
 * group, dose and kind; a run of the same period continues the earlier one), resumable (a keyset
 * cursor committed with every batch), and it records who started it. Invitations go to everyone
 * the schedule says is due, whatever their consent or participation.
 */
export async function runInvitations(db: Kysely<RegistrySchema>, request: RunRequest): Promise<RunSummary> {
  validate(request);
  const run = await openRun(db, request);
  const batchSize = request.batchSize ?? 500;
  let batches = 0;
  for (;;) {
    const current = await db
      .selectFrom('invitation_run')
      .selectAll()
      .where('id', '=', run.id)
      .executeTakeFirstOrThrow();
    if (current.finished_at) break;
    let persons = db
      .selectFrom('person as p')
      .leftJoin('municipality as m', 'm.code', 'p.municipality_code')
      .select(['p.id', 'p.birth_date', 'p.gender', 'm.organisation_ura'])
      .where('p.deceased_on', 'is', null)
      .where('p.emigrated_on', 'is', null)
      .orderBy('p.id')
      .limit(batchSize);
    if (current.cursor_person_id) persons = persons.where('p.id', '>', current.cursor_person_id);
    if (request.organisationUra) persons = persons.where('m.organisation_ura', '=', request.organisationUra);
    const batch = await persons.execute();
    if (request.failAfterBatches !== undefined && batches >= request.failAfterBatches) {
      throw new Error(`run interrupted after ${batches} batches (test hook)`);
    }
    await db.transaction().execute(async (trx) => {
      // Lock the run: two workers never process the same batch.
      const locked = await trx
        .selectFrom('invitation_run')
        .select('cursor_person_id')
        .where('id', '=', run.id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (locked.cursor_person_id !== current.cursor_person_id) return; // another worker moved on
      const made =
        batch.length > 0 ? await inviteBatch(trx, run.id, request, batch) : { invitations: 0, letters: 0 };
      await trx
        .updateTable('invitation_run')
        .set((eb) => ({
          cursor_person_id: batch.at(-1)?.id ?? current.cursor_person_id,
          persons_seen: eb('persons_seen', '+', batch.length),
          invitations: eb('invitations', '+', made.invitations),
          letters: eb('letters', '+', made.letters),
          ...(batch.length < batchSize ? { finished_at: new Date() } : {}),
        }))
        .where('id', '=', run.id)
        .execute();
    });
    batches++;
    request.onProgress?.(current.persons_seen + batch.length);
  }
  await appendAudit(db, {
    actorId: request.startedBy,
    organisationUra: request.organisationUra ?? null,
    action: `invitation-run.${request.kind}`,
    subjectType: 'invitation-run',
    subjectId: run.id,
  });
  return summary(
    await db.selectFrom('invitation_run').selectAll().where('id', '=', run.id).executeTakeFirstOrThrow(),
  );
}

function validate(request: RunRequest): void {
  const refuse = (field: string, rule: string, message: string) =>
    new ProblemError(422, 'rule-violation', 'Run geweigerd', message, [{ field, rule, message }]);
  if (compareIsoDates(request.from, request.to) > 0)
    throw refuse('body.to', 'period-order', 'De periode eindigt vóór het begin.');
  if (daysBetween(request.from, request.to) > 366)
    throw refuse('body.to', 'period-length', 'Een run beslaat hoogstens een jaar.');
  if (request.kind === 'group-session') {
    if (!request.sessionDate || !request.organisationUra) {
      throw refuse(
        'body.sessionDate',
        'required',
        'Een groepsvaccinatie heeft een eerste sessiedatum en een organisatie.',
      );
    }
    const lead = daysBetween(request.today, request.sessionDate);
    if (lead < GROUP_SELECTION_DAYS.min || lead > GROUP_SELECTION_DAYS.max) {
      throw refuse(
        'body.sessionDate',
        'group-session-selection-window',
        `De selectie voor een groepsvaccinatie gebeurt 3 tot 4 weken vóór de eerste sessie (nu ${lead} dagen).`,
      );
    }
  }
}

async function openRun(db: Kysely<RegistrySchema>, request: RunRequest) {
  const existing = await db
    .selectFrom('invitation_run')
    .selectAll()
    .where('kind', '=', request.kind)
    .where('period_from', '=', request.from)
    .where('period_to', '=', request.to)
    .where(sql<boolean>`coalesce(organisation_ura, '') = ${request.organisationUra ?? ''}`)
    .executeTakeFirst();
  if (existing) return existing; // a re-run continues (or finds finished) the same run
  return db
    .insertInto('invitation_run')
    .values({
      kind: request.kind,
      period_from: request.from,
      period_to: request.to,
      session_date: request.sessionDate ?? null,
      organisation_ura: request.organisationUra ?? null,
      started_by: request.startedBy,
      finished_at: null,
      cursor_person_id: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

interface Candidate {
  personId: string;
  organisationUra: string | null;
  vaccineGroup: string;
  doseNumber: number;
  dueDate: IsoDate;
  description: string;
  followsInvitationId: string | null;
}

async function inviteBatch(
  trx: Transaction<RegistrySchema>,
  runId: string,
  request: RunRequest,
  persons: Array<{ id: string; birth_date: string; gender: string; organisation_ura: string | null }>,
): Promise<{ invitations: number; letters: number }> {
  const ids = persons.map((p) => p.id);
  const doseRows = await trx
    .selectFrom('vaccination_event')
    .select([
      'id',
      'person_id',
      'organisation_ura',
      'activity_id',
      'activity_date',
      'vaccine_type',
      'vaccination_date',
    ])
    .where('person_id', 'in', ids)
    .orderBy('vaccination_date')
    .execute();
  const doses = new Map<string, RegistryDose[]>();
  for (const r of doseRows) {
    const list = doses.get(r.person_id) ?? [];
    list.push({
      id: r.id,
      organisationUra: r.organisation_ura,
      activityId: r.activity_id,
      activityDate: r.activity_date,
      vaccineType: r.vaccine_type,
      date: r.vaccination_date,
    });
    doses.set(r.person_id, list);
  }
  const reminderContext = request.kind === 'reminder' ? await remindable(trx, ids, request.today) : null;

  const candidates: Candidate[] = [];
  for (const person of persons) {
    const assessment = assessSchedule(
      { birthDate: person.birth_date, gender: person.gender },
      doses.get(person.id) ?? [],
      request.kind === 'reminder' ? request.today : request.from,
    );
    for (const group of assessment.vaccineGroups) {
      if (group.seriesStatus !== 'Not complete' || group.doseNumber === null || !group.recommended) continue;
      const description = group.vaccines.map((v) => v.name).join(' / ') || group.vaccineGroup;
      if (request.kind === 'reminder') {
        // Still no valid dose for what the invitation was about: remind, unless a notice stops it.
        const invitation = reminderContext!.get(`${person.id}|${group.vaccineGroup}|${group.doseNumber}`);
        if (!invitation) continue;
        candidates.push({
          personId: person.id,
          organisationUra: person.organisation_ura,
          vaccineGroup: group.vaccineGroup,
          doseNumber: group.doseNumber,
          dueDate: group.recommended,
          description,
          followsInvitationId: invitation,
        });
      } else {
        const until = request.kind === 'group-session' ? request.sessionDate! : request.to;
        const from = request.kind === 'group-session' ? addMonths(request.sessionDate!, -12) : request.from;
        if (compareIsoDates(group.recommended, from) < 0 || compareIsoDates(group.recommended, until) > 0)
          continue;
        candidates.push({
          personId: person.id,
          organisationUra: person.organisation_ura,
          vaccineGroup: group.vaccineGroup,
          doseNumber: group.doseNumber,
          dueDate: group.recommended,
          description,
          followsInvitationId: null,
        });
      }
    }
  }
  if (candidates.length === 0) return { invitations: 0, letters: 0 };

  // Skip what was sent before (idempotent); one letter per person for what is new.
  const already = await trx
    .selectFrom('invitation')
    .select(['person_id', 'vaccine_group', 'dose_number'])
    .where('kind', '=', request.kind)
    .where('person_id', 'in', [...new Set(candidates.map((c) => c.personId))])
    .execute();
  const sent = new Set(already.map((a) => `${a.person_id}|${a.vaccine_group}|${a.dose_number}`));
  const fresh = candidates.filter((c) => !sent.has(`${c.personId}|${c.vaccineGroup}|${c.doseNumber}`));
  if (fresh.length === 0) return { invitations: 0, letters: 0 };
  const earlierLetters = await trx
    .selectFrom('invitation_letter')
    .select('person_id')
    .where('person_id', 'in', [...new Set(fresh.map((c) => c.personId))])
    .where('kind', '=', 'invitation')
    .execute();
  const hadLetter = new Set(earlierLetters.map((l) => l.person_id));

  const byPerson = new Map<string, Candidate[]>();
  for (const c of fresh) byPerson.set(c.personId, [...(byPerson.get(c.personId) ?? []), c]);
  const letters = await trx
    .insertInto('invitation_letter')
    .values(
      [...byPerson.entries()].map(([personId, items]) => ({
        run_id: runId,
        person_id: personId,
        organisation_ura: items[0]!.organisationUra,
        kind: request.kind,
        // The first invitation a person ever gets carries a vaccination certificate (R-R4).
        with_certificate: request.kind === 'invitation' && !hadLetter.has(personId),
      })),
    )
    .returning(['id', 'person_id'])
    .execute();
  const letterOf = new Map(letters.map((l) => [l.person_id, l.id]));
  await trx
    .insertInto('invitation')
    .values(
      fresh.map((c) => ({
        run_id: runId,
        letter_id: letterOf.get(c.personId)!,
        person_id: c.personId,
        organisation_ura: c.organisationUra,
        kind: request.kind,
        vaccine_group: c.vaccineGroup,
        dose_number: c.doseNumber,
        due_date: c.dueDate,
        description: c.description,
        follows_invitation_id: c.followsInvitationId,
      })),
    )
    .onConflict((oc) => oc.columns(['person_id', 'vaccine_group', 'dose_number', 'kind']).doNothing())
    .execute();
  return { invitations: fresh.length, letters: letters.length };
}

/**
 * Invitations of 4 to 12 months ago that may be followed by a reminder: keyed person|group|dose.
 * A "no consent" notice (R-R6) stops reminders, never invitations.
 */
async function remindable(
  trx: Transaction<RegistrySchema>,
  personIds: string[],
  today: IsoDate,
): Promise<Map<string, string>> {
  const rows = await trx
    .selectFrom('invitation as i')
    .innerJoin('invitation_letter as l', 'l.id', 'i.letter_id')
    .select(['i.id', 'i.person_id', 'i.vaccine_group', 'i.dose_number', 'l.created_at'])
    .where('i.kind', 'in', ['invitation', 'group-session'])
    .where('i.person_id', 'in', personIds)
    .where('l.created_at', '<=', new Date(`${addMonths(today, -REMINDER_AFTER_MONTHS)}T23:59:59Z`))
    .where('l.created_at', '>=', new Date(`${addMonths(today, -REMINDER_UNTIL_MONTHS)}T00:00:00Z`))
    .execute();
  const blocked = await noticeHolders(trx, personIds);
  const result = new Map<string, string>();
  for (const r of rows) {
    if (blocked.has(r.person_id)) continue;
    result.set(`${r.person_id}|${r.vaccine_group}|${r.dose_number}`, r.id);
  }
  return result;
}

/** Persons with an active "no consent" notice (table from the citizen requests, when present). */
async function noticeHolders(trx: Db, personIds: string[]): Promise<Set<string>> {
  const exists = await sql<{
    present: boolean;
  }>`select to_regclass('no_consent_notice') is not null as present`.execute(trx);
  if (!exists.rows[0]?.present) return new Set();
  const rows = await sql<{ person_id: string }>`select person_id from no_consent_notice
    where withdrawn_at is null and person_id = any(${personIds}::uuid[])`.execute(trx);
  return new Set(rows.rows.map((r) => r.person_id));
}

export function summary(row: Selectable<RegistrySchema['invitation_run']>): RunSummary {
  return {
    id: row.id,
    kind: row.kind,
    from: row.period_from,
    to: row.period_to,
    sessionDate: row.session_date,
    organisationUra: row.organisation_ura,
    startedBy: row.started_by,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    personsSeen: row.persons_seen,
    invitations: row.invitations,
    letters: row.letters,
  };
}

export async function listRuns(db: Db): Promise<RunSummary[]> {
  const rows = await db
    .selectFrom('invitation_run')
    .selectAll()
    .orderBy('started_at', 'desc')
    .limit(200)
    .execute();
  return rows.map(summary);
}
