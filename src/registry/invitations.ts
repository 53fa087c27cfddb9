import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { appendAudit } from '../db/audit.js';
import { addMonths, compareIsoDates, daysBetween } from '../domain/dates/index.js';
import type { IsoDate } from '../domain/dates/index.js';
import { addDuration, DAY_MIN, toDay, toIso, type Duration } from '../domain/schedule/days.js';
import { rvpSchedule, type ScheduleData } from '../domain/schedule/index.js';
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
  /**
   * Invitations and group sessions skip the schedule engine for persons who provably have nothing
   * due in the period (`dueWindows`). Default true; false evaluates everyone (the tests compare both).
   */
  preFilter?: boolean;
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

const DEFAULT_BATCH_SIZE = 5000;

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
  // Per batch there are a few statements and their planning (7 ms for the batch read alone) whatever
  // its size: on the national registry 5,000 persons a batch took the run from 112 s (2,000) to 82 s,
  // while a batch's JSON stays a few MB (docs/performance.md, fourth round).
  const batchSize = request.batchSize ?? DEFAULT_BATCH_SIZE;
  const evaluate = request.evaluator
    ? (job: EvaluationJob) => request.evaluator!.evaluate(job)
    : (job: EvaluationJob) => Promise.resolve(evaluateCandidates(job));
  // Batches in flight: enough to keep the workers busy while the database reads ahead and the
  // earlier batches commit; in-process, one read ahead of the commit.
  const depth = request.evaluator ? request.evaluator.threads * 2 : 2;
  // Reminders follow up earlier invitations whatever the date; the others look at one period.
  const windows =
    request.kind === 'reminder' || request.preFilter === false
      ? null
      : request.kind === 'group-session'
        ? dueWindows(addMonths(request.sessionDate!, -12), request.sessionDate!, request.from)
        : dueWindows(request.from, request.to, request.from);
  let batches = 0;
  for (;;) {
    const current = await db
      .selectFrom('invitation_run')
      .selectAll()
      .where('id', '=', run.id)
      .executeTakeFirstOrThrow();
    if (current.finished_at) break;

    // Batch boundaries run ahead by keyset (each batch ends at the person `batchSize` further on,
    // a cheap index walk); reading a batch's persons and doses and evaluating them overlap with the
    // commits of earlier batches.
    let rangeTail: Promise<BatchRange | null> = Promise.resolve(null);
    const inFlight: Array<Promise<PreparedBatch>> = [];
    let lastSelected = false;
    const startAfter = current.cursor_person_id;
    const enqueue = () => {
      const range = rangeTail.then(async (previous): Promise<BatchRange> => {
        if (previous?.upto === null) return { after: null, upto: null, beyondLast: true };
        const after = previous ? previous.upto : startAfter;
        const upto = await batchBoundary(db, request, after, batchSize);
        if (upto === null) lastSelected = true;
        return { after, upto, beyondLast: false };
      });
      rangeTail = range;
      const prepared = range.then((r) => prepareBatch(db, request, r, windows, evaluate));
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
      const batch = await next;
      if (request.failAfterBatches !== undefined && batches >= request.failAfterBatches) {
        throw new Error(`run interrupted after ${batches} batches (test hook)`);
      }
      const last = batch.range.upto === null;
      // The last batch ends at its last person (or where the run was, when it is empty).
      const cursor = batch.range.upto ?? batch.lastPersonId ?? expectedCursor;
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
          batch.candidates.length > 0
            ? await storeCandidates(trx, run.id, request, batch.candidates)
            : { invitations: 0, letters: 0 };
        await trx
          .updateTable('invitation_run')
          .set((eb) => ({
            cursor_person_id: cursor,
            persons_seen: eb('persons_seen', '+', batch.persons),
            invitations: eb('invitations', '+', made.invitations),
            letters: eb('letters', '+', made.letters),
            ...(last ? { finished_at: new Date() } : {}),
          }))
          .where('id', '=', run.id)
          .execute();
      });
      batches++;
      if (moved) break;
      expectedCursor = cursor;
      seen += batch.persons;
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

/** A batch: the selected persons after `after` up to and including `upto` (null: to the end). */
interface BatchRange {
  after: string | null;
  upto: string | null;
  /** Asked for after the last batch was found (the read-ahead overshoots): nothing to read. */
  beyondLast: boolean;
}

interface PreparedBatch {
  range: BatchRange;
  /** How many persons the batch holds, and the last of them (by id). */
  persons: number;
  lastPersonId: string | null;
  candidates: Candidate[];
}

/** The selection of a run: living residents, of one organisation's area when asked. */
function selectionFilter(request: RunRequest) {
  return sql`p.deceased_on is null and p.emigrated_on is null${
    request.organisationUra ? sql` and m.organisation_ura = ${request.organisationUra}` : sql``
  }`;
}

/**
 * The id of the `batchSize`-th selected person after `after`: the batch's last person; null when
 * fewer remain (the last batch runs to the end).
 */
async function batchBoundary(
  db: Kysely<RegistrySchema>,
  request: RunRequest,
  after: string | null,
  batchSize: number,
): Promise<string | null> {
  const result = await sql<{ id: string }>`select p.id from person p
    left join municipality m on m.code = p.municipality_code
    where ${selectionFilter(request)}${after ? sql` and p.id > ${after}` : sql``}
    order by p.id offset ${batchSize - 1} limit 1`.execute(db);
  return result.rows[0]?.id ?? null;
}

/**
 * Reads a batch in one query: its persons with their vaccinations, as one JSON text (the shape
 * `EvaluationJob.persons` describes), which crosses to a worker thread as a single string. Doses
 * come in loadRegistryDoses's order (date, activity date, activity id, vaccine type, id), read for all
 * the batch's persons at once (one index scan with the batch's ids, the heap in its own order). With
 * `windows`, only the persons `mayBeDue` would keep are sent (the same test in SQL; all are counted):
 * a first pass over the doses finds them, and only their doses are read again in full.
 */
async function readBatch(
  db: Kysely<RegistrySchema>,
  request: RunRequest,
  range: BatchRange,
  windows: DueWindows | null,
): Promise<{ persons: number; lastPersonId: string | null; json: string }> {
  const within = (column: string, list: DueWindows['births']) =>
    sql`(${sql.join(
      list.map(([a, b]) => sql`${sql.ref(column)} between ${a}::date and ${b}::date`),
      sql` or `,
    )})`;
  // The dose test sits in an aggregate, so the planner cannot turn it into a scan of the date index
  // over the whole country's doses in those windows.
  const kept = windows
    ? sql`, due as (select v.person_id from vaccination_event v
          where v.person_id = any(array(select id from batch where not ${within('birth_date', windows.births)}))
          group by v.person_id
          having bool_or(v.vaccination_date <= ${windows.assessmentDate}::date
            and ${within('v.vaccination_date', windows.doses)})),
        kept as materialized (select * from batch where ${within('birth_date', windows.births)}
          or id in (select person_id from due))`
    : sql`, kept as (select * from batch)`;
  const result = await sql<{ n: number; last: string | null; persons: string }>`with
      batch as materialized (select p.id, p.birth_date, p.gender, m.organisation_ura
        from person p left join municipality m on m.code = p.municipality_code
        where ${selectionFilter(request)}${range.after ? sql` and p.id > ${range.after}` : sql``}${
          range.upto ? sql` and p.id <= ${range.upto}` : sql``
        })${kept},
      doses as (select v.person_id, json_agg(json_build_array(v.vaccination_date, v.vaccine_type)
          order by v.vaccination_date, v.activity_date, v.activity_id, v.vaccine_type, v.id) as doses
        from vaccination_event v where v.person_id = any(array(select id from kept)) group by v.person_id)
    select (select count(*)::int from batch) as n, (select max(id::text) from batch) as last,
      coalesce((select json_agg(json_build_array(k.id, k.birth_date, k.gender, k.organisation_ura, d.doses)
        order by k.id) from kept k left join doses d on d.person_id = k.id), '[]')::text as persons`.execute(
    db,
  );
  const row = result.rows[0];
  return { persons: row?.n ?? 0, lastPersonId: row?.last ?? null, json: row?.persons ?? '[]' };
}

/**
 * Where a person must have a date for anything to be due in `[from, until]`, as of `assessmentDate`
 * (a conservative pre-filter; null when none can be given). The engine's recommended date of a
 * vaccine group (engine.ts: forecastDates, combineForecasts) is always the minimum or maximum of:
 * the birth date; the birth date plus an age of a target dose (minimum, absolute minimum, earliest
 * recommended); the day of a dose in the history (which holds only doses up to the assessment date);
 * such a day plus an interval of a target dose (minimum, earliest recommended) or plus the end of a
 * live-virus conflict; a season start; or the engine's DAY_MIN. So a recommended date in the period
 * needs one of these in the period. Adding a duration never moves a later day before an earlier one
 * (months first, the month end rolling to the next month's first day; "calendar year" ages count from
 * 1 January), so the birth dates (or dose days) that land in the period form one range per duration,
 * found by bisection with the engine's own `addDuration`. Tested: the same invitations with and without.
 */
export function dueWindows(
  from: IsoDate,
  until: IsoDate,
  assessmentDate: IsoDate,
  schedule: ScheduleData = rvpSchedule,
): DueWindows | null {
  const lo = toDay(from);
  const hi = toDay(until);
  if (lo <= DAY_MIN) return null;
  const ages = new Set<Duration>();
  const intervals = new Set<Duration>();
  for (const antigen of schedule.antigens.values()) {
    for (const series of antigen.series) {
      for (const dose of series.doses) {
        if (dose.season?.start !== undefined && dose.season.start >= lo && dose.season.start <= hi)
          return null;
        for (const age of dose.ages) {
          for (const d of [age.minAge, age.absMinAge, age.earliestRecAge]) if (d) ages.add(d);
        }
        for (const interval of dose.intervals) {
          for (const d of [interval.minInt, interval.earliestRecInt]) if (d) intervals.add(d);
        }
      }
    }
  }
  for (const conflicts of schedule.liveVirusConflicts.values())
    for (const c of conflicts) intervals.add(c.end);
  const ranges = (durations: ReadonlySet<Duration>): Array<[IsoDate, IsoDate]> | null => {
    const found: Array<[number, number]> = [[lo, hi]]; // the anchor itself (no duration)
    for (const d of durations) {
      const range = preimage(d, lo, hi);
      if (range === undefined) return null;
      if (range) found.push(range);
    }
    found.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [a, b] of found) {
      const last = merged.at(-1);
      if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    return merged.map(([a, b]) => [toIso(a), toIso(b)]);
  };
  const births = ranges(ages);
  const doses = ranges(intervals);
  if (!births || !doses) return null;
  return { births, doses, assessmentDate };
}

/** Whether a person has a date in the windows (a dose counts when given by the assessment date). */
export function mayBeDue(
  windows: DueWindows,
  birthDate: IsoDate,
  doses: ReadonlyArray<readonly [date: IsoDate, ...rest: unknown[]]> | null,
): boolean {
  const within = (day: IsoDate, list: DueWindows['births']) => {
    for (const [a, b] of list) if (day >= a && day <= b) return true;
    return false;
  };
  if (within(birthDate, windows.births)) return true;
  for (const [date] of doses ?? []) {
    if (date <= windows.assessmentDate && within(date, windows.doses)) return true;
  }
  return false;
}

export interface DueWindows {
  /** Inclusive ranges of birth dates. */
  births: Array<[IsoDate, IsoDate]>;
  /** Inclusive ranges of dose days (doses after the assessment date do not count). */
  doses: Array<[IsoDate, IsoDate]>;
  assessmentDate: IsoDate;
}

/** The days `a` with `addDuration(a, d)` in [lo, hi] (a range, or null when none; undefined: unsure). */
function preimage(d: Duration, lo: number, hi: number): [number, number] | null | undefined {
  const f = (a: number) => addDuration(a, d);
  const span = 200 * 366; // far beyond any schedule's ages and intervals
  const min = lo - span;
  const max = hi + span;
  if (f(min) >= lo || f(max) <= hi) return undefined;
  let a = min;
  let b = max; // first day with f ≥ lo
  while (a < b) {
    const m = Math.floor((a + b) / 2);
    if (f(m) >= lo) b = m;
    else a = m + 1;
  }
  const first = a;
  a = min;
  b = max; // last day with f ≤ hi
  while (a < b) {
    const m = Math.ceil((a + b) / 2);
    if (f(m) <= hi) a = m;
    else b = m - 1;
  }
  return first <= a ? [first, a] : null;
}

/** Reads the batch's persons and vaccinations (and, for reminders, what may be followed up) and evaluates it. */
async function prepareBatch(
  db: Kysely<RegistrySchema>,
  request: RunRequest,
  range: BatchRange,
  windows: DueWindows | null,
  evaluate: (job: EvaluationJob) => Promise<Candidate[]>,
): Promise<PreparedBatch> {
  if (range.beyondLast) return { range, persons: 0, lastPersonId: null, candidates: [] };
  const [read, reminders] = await Promise.all([
    readBatch(db, request, range, windows),
    request.kind === 'reminder' ? remindable(db, range, request.today) : null,
  ]);
  if (read.json === '[]')
    return { range, persons: read.persons, lastPersonId: read.lastPersonId, candidates: [] };
  const candidates = await evaluate({
    kind: request.kind,
    from: request.from,
    to: request.to,
    sessionDate: request.sessionDate ?? null,
    today: request.today,
    persons: read.json,
    reminders: reminders ? [...reminders.entries()] : null,
    windows,
  });
  return { range, persons: read.persons, lastPersonId: read.lastPersonId, candidates };
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
  /**
   * The batch's persons in id order, as JSON text (one string: a cheap hand-over to a worker):
   * `[[id, birthDate, gender, organisationUra, doses], …]`, doses `[[date, vaccineType], …]` in
   * loadRegistryDoses's order, or null when the person has none.
   */
  persons: string;
  /** Reminders: invitations that may be followed up, keyed person|group|dose. */
  reminders: Array<[key: string, invitationId: string]> | null;
  /** Skip the engine for persons with no date in these windows (they have nothing due); null: none. */
  windows: DueWindows | null;
}

type BatchPerson = [
  id: string,
  birthDate: IsoDate,
  gender: string,
  organisationUra: string | null,
  doses: Array<[date: IsoDate, vaccineType: string]> | null,
];

/** Pure: what the schedule asks for in the run's period, per person of the batch. */
export function evaluateCandidates(job: EvaluationJob): Candidate[] {
  const persons = JSON.parse(job.persons) as BatchPerson[];
  const reminderContext = job.reminders ? new Map(job.reminders) : null;
  const assessmentDate = job.kind === 'reminder' ? job.today : job.from;
  const until = job.kind === 'group-session' ? job.sessionDate! : job.to;
  const from = job.kind === 'group-session' ? addMonths(job.sessionDate!, -12) : job.from;
  const candidates: Candidate[] = [];
  const windows = job.windows;
  for (const [personId, birthDate, gender, organisationUra, history] of persons) {
    if (windows && !mayBeDue(windows, birthDate, history)) continue;
    // The forecast reads only each dose's date and vaccine type; the rest stays empty here.
    const doses: RegistryDose[] = (history ?? []).map(([date, vaccineType]) => ({
      id: '',
      organisationUra: '',
      activityId: '',
      activityDate: '',
      vaccineType,
      date,
    }));
    const forecasts = forecastSchedule({ birthDate, gender }, doses, assessmentDate);
    for (const group of forecasts) {
      if (group.seriesStatus !== 'Not complete' || group.doseNumber === null || !group.recommended) continue;
      const description = group.vaccines.map((v) => v.name).join(' / ') || group.vaccineGroup;
      if (job.kind === 'reminder') {
        // Still no valid dose for what the invitation was about: remind, unless a notice stops it.
        const invitation = reminderContext!.get(`${personId}|${group.vaccineGroup}|${group.doseNumber}`);
        if (!invitation) continue;
        candidates.push({
          personId,
          organisationUra,
          vaccineGroup: group.vaccineGroup,
          doseNumber: group.doseNumber,
          dueDate: group.recommended,
          description,
          followsInvitationId: invitation,
        });
      } else {
        if (compareIsoDates(group.recommended, from) < 0 || compareIsoDates(group.recommended, until) > 0)
          continue;
        candidates.push({
          personId,
          organisationUra,
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
 * Invitations of 4 to 12 months ago that may be followed by a reminder: keyed person|group|dose, for
 * the persons of a batch's id range (the run only looks up its selected persons).
 * A "no consent" notice (R-R6) stops reminders, never invitations.
 */
async function remindable(trx: Db, range: BatchRange, today: IsoDate): Promise<Map<string, string>> {
  let query = trx
    .selectFrom('invitation as i')
    .innerJoin('invitation_letter as l', 'l.id', 'i.letter_id')
    .select(['i.id', 'i.person_id', 'i.vaccine_group', 'i.dose_number', 'l.created_at'])
    .where('i.kind', 'in', ['invitation', 'group-session'])
    .where('l.created_at', '<=', new Date(`${addMonths(today, -REMINDER_AFTER_MONTHS)}T23:59:59Z`))
    .where('l.created_at', '>=', new Date(`${addMonths(today, -REMINDER_UNTIL_MONTHS)}T00:00:00Z`));
  if (range.after) query = query.where('i.person_id', '>', range.after);
  if (range.upto) query = query.where('i.person_id', '<=', range.upto);
  const rows = await query.execute();
  const blocked = await noticeHolders(trx, range);
  const result = new Map<string, string>();
  for (const r of rows) {
    if (blocked.has(r.person_id)) continue;
    result.set(`${r.person_id}|${r.vaccine_group}|${r.dose_number}`, r.id);
  }
  return result;
}

/** Persons with an active "no consent" notice (table from the citizen requests, when present). */
async function noticeHolders(trx: Db, range: BatchRange): Promise<Set<string>> {
  const exists = await sql<{
    present: boolean;
  }>`select to_regclass('no_consent_notice') is not null as present`.execute(trx);
  if (!exists.rows[0]?.present) return new Set();
  const rows = await sql<{ person_id: string }>`select person_id from no_consent_notice
    where withdrawn_at is null${range.after ? sql` and person_id > ${range.after}::uuid` : sql``}${
      range.upto ? sql` and person_id <= ${range.upto}::uuid` : sql``
    }`.execute(trx);
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
