import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { appendAudit } from '../db/audit.js';
import { addMonths, compareIsoDates, daysBetween } from '../domain/dates/index.js';
import type { IsoDate } from '../domain/dates/index.js';
import { ProblemError } from '../http/problem.js';
import { forecastSchedule, type RegistryDose } from './schedule-service.js';
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
  /** Evaluate on worker threads (national runs; see createInvitationPool). Same result as without. */
  evaluator?: InvitationEvaluator;
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
 * Evaluates batches of persons (the schedule engine, the CPU-heavy part of a run) elsewhere: a pool of
 * worker threads for national runs (`createInvitationPool`). Without one, the run evaluates in-process.
 */
export interface InvitationEvaluator {
  /** Worker threads behind it: the run keeps this many batches (plus one) in flight. */
  readonly threads: number;
  evaluate(job: EvaluationJob): Promise<Candidate[]>;
}

/**
 * One invitation or reminder run (R-R4): idempotent (invitations are unique per person, vaccine
 * group, dose and kind; a run of the same period continues the earlier one), resumable (a keyset
 * cursor committed with every batch), and it records who started it. Invitations go to everyone
 * the schedule says is due, whatever their consent or participation.
 *
 * Streaming: batches are selected by keyset and evaluated ahead (on worker threads when an
 * evaluator is given) while earlier batches commit, strictly in order, each with the run's cursor.
 */
export async function runInvitations(db: Kysely<RegistrySchema>, request: RunRequest): Promise<RunSummary> {
  validate(request);
  const run = await openRun(db, request);
  const batchSize = request.batchSize ?? 500;
  const evaluate = request.evaluator
    ? (job: EvaluationJob) => request.evaluator!.evaluate(job)
    : (job: EvaluationJob) => Promise.resolve(evaluateCandidates(job));
  const depth = request.evaluator ? request.evaluator.threads + 1 : 1;
  let batches = 0;
  for (;;) {
    const current = await db
      .selectFrom('invitation_run')
      .selectAll()
      .where('id', '=', run.id)
      .executeTakeFirstOrThrow();
    if (current.finished_at) break;

    // Selection runs ahead by keyset (each batch starts after the previous one's last person);
    // loading doses and evaluating overlap with the commits of earlier batches.
    let selectTail: Promise<PersonRow[] | null> = Promise.resolve(null);
    let after = current.cursor_person_id;
    const inFlight: Array<Promise<PreparedBatch>> = [];
    let lastSelected = false;
    const enqueue = () => {
      const selected = selectTail.then(async (previous) => {
        if (previous) after = previous.at(-1)?.id ?? after;
        return selectPersons(db, request, after, batchSize);
      });
      selectTail = selected;
      const prepared = selected.then(async (persons) => {
        if (persons.length < batchSize) lastSelected = true;
        return prepareBatch(db, request, persons, evaluate);
      });
      prepared.catch(() => undefined); // awaited below; abandoned ones must not crash the process
      inFlight.push(prepared);
    };
    let expectedCursor = current.cursor_person_id;
    let seen = current.persons_seen;
    let moved = false;
    while (!moved) {
      while (inFlight.length < depth && !lastSelected) {
        enqueue();
      }
      const next = inFlight.shift();
      if (!next) break;
      const { persons, candidates } = await next;
      if (request.failAfterBatches !== undefined && batches >= request.failAfterBatches) {
        throw new Error(`run interrupted after ${batches} batches (test hook)`);
      }
      const last = persons.length < batchSize;
      await db.transaction().execute(async (trx) => {
        // Lock the run: two workers never process the same batch.
        const locked = await trx
          .selectFrom('invitation_run')
          .select('cursor_person_id')
          .where('id', '=', run.id)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if (locked.cursor_person_id !== expectedCursor) {
          moved = true; // another worker moved on: start again from where the run is now
          return;
        }
        const made =
          candidates.length > 0
            ? await storeCandidates(trx, run.id, request, candidates)
            : { invitations: 0, letters: 0 };
        await trx
          .updateTable('invitation_run')
          .set((eb) => ({
            cursor_person_id: persons.at(-1)?.id ?? expectedCursor,
            persons_seen: eb('persons_seen', '+', persons.length),
            invitations: eb('invitations', '+', made.invitations),
            letters: eb('letters', '+', made.letters),
            ...(last ? { finished_at: new Date() } : {}),
          }))
          .where('id', '=', run.id)
          .execute();
      });
      batches++;
      if (moved) break;
      expectedCursor = persons.at(-1)?.id ?? expectedCursor;
      seen += persons.length;
      request.onProgress?.(seen);
      if (last) break;
    }
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

interface PersonRow {
  id: string;
  birth_date: string;
  gender: string;
  organisation_ura: string | null;
}

interface PreparedBatch {
  persons: PersonRow[];
  candidates: Candidate[];
}

function selectPersons(
  db: Kysely<RegistrySchema>,
  request: RunRequest,
  after: string | null,
  batchSize: number,
): Promise<PersonRow[]> {
  let persons = db
    .selectFrom('person as p')
    .leftJoin('municipality as m', 'm.code', 'p.municipality_code')
    .select(['p.id', 'p.birth_date', 'p.gender', 'm.organisation_ura'])
    .where('p.deceased_on', 'is', null)
    .where('p.emigrated_on', 'is', null)
    .orderBy('p.id')
    .limit(batchSize);
  if (after) persons = persons.where('p.id', '>', after);
  if (request.organisationUra) persons = persons.where('m.organisation_ura', '=', request.organisationUra);
  return persons.execute();
}

/** Reads the batch's vaccinations (and, for reminders, what may be followed up) and evaluates it. */
async function prepareBatch(
  db: Kysely<RegistrySchema>,
  request: RunRequest,
  persons: PersonRow[],
  evaluate: (job: EvaluationJob) => Promise<Candidate[]>,
): Promise<PreparedBatch> {
  if (persons.length === 0) return { persons, candidates: [] };
  const ids = persons.map((p) => p.id);
  const doseRows = await db
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
    const dose: RegistryDose = {
      id: r.id,
      organisationUra: r.organisation_ura,
      activityId: r.activity_id,
      activityDate: r.activity_date,
      vaccineType: r.vaccine_type,
      date: r.vaccination_date,
    };
    const list = doses.get(r.person_id);
    if (list) list.push(dose);
    else doses.set(r.person_id, [dose]);
  }
  const reminders = request.kind === 'reminder' ? await remindable(db, ids, request.today) : null;
  const candidates = await evaluate({
    kind: request.kind,
    from: request.from,
    to: request.to,
    sessionDate: request.sessionDate ?? null,
    today: request.today,
    persons,
    doses: [...doses.entries()],
    reminders: reminders ? [...reminders.entries()] : null,
  });
  return { persons, candidates };
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

/** One invitation (or reminder) the schedule asks for. */
export interface Candidate {
  personId: string;
  organisationUra: string | null;
  vaccineGroup: string;
  doseNumber: number;
  dueDate: IsoDate;
  description: string;
  followsInvitationId: string | null;
}

/** A batch to evaluate: plain data, so it can cross to a worker thread. */
export interface EvaluationJob {
  kind: InvitationKind;
  from: IsoDate;
  to: IsoDate;
  sessionDate: IsoDate | null;
  today: IsoDate;
  persons: PersonRow[];
  /** Each person's vaccinations, oldest first. */
  doses: Array<[personId: string, doses: RegistryDose[]]>;
  /** Reminders: invitations that may be followed up, keyed person|group|dose. */
  reminders: Array<[key: string, invitationId: string]> | null;
}

/** Pure: what the schedule asks for in the run's period, per person of the batch. */
export function evaluateCandidates(job: EvaluationJob): Candidate[] {
  const doses = new Map(job.doses);
  const reminderContext = job.reminders ? new Map(job.reminders) : null;
  const candidates: Candidate[] = [];
  for (const person of job.persons) {
    const forecasts = forecastSchedule(
      { birthDate: person.birth_date, gender: person.gender },
      doses.get(person.id) ?? [],
      job.kind === 'reminder' ? job.today : job.from,
    );
    for (const group of forecasts) {
      if (group.seriesStatus !== 'Not complete' || group.doseNumber === null || !group.recommended) continue;
      const description = group.vaccines.map((v) => v.name).join(' / ') || group.vaccineGroup;
      if (job.kind === 'reminder') {
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
        const until = job.kind === 'group-session' ? job.sessionDate! : job.to;
        const from = job.kind === 'group-session' ? addMonths(job.sessionDate!, -12) : job.from;
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
  return candidates;
}

/** Stores what is new of a batch's candidates: invitations and one letter per person. */
async function storeCandidates(
  trx: Transaction<RegistrySchema>,
  runId: string,
  request: RunRequest,
  candidates: Candidate[],
): Promise<{ invitations: number; letters: number }> {
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
async function remindable(trx: Db, personIds: string[], today: IsoDate): Promise<Map<string, string>> {
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
