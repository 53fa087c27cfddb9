/**
 * The registry's dose validity and forecast (SPEC R-R3): the personalised vaccinations the registry
 * holds for one person, judged and forecast by the schedule engine with the Dutch schedule
 * (`rvpSchedule`). `assessSchedule` is the pure mapping (registry rows → engine → per vaccine group);
 * `loadPersonSchedule` reads the rows. Used by the staff API, the status query (R-V7) and, later, by
 * invitations and reminders (R-R4). See docs/schedule.md, "The registry's use of the engine".
 */
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { IsoDate } from '../domain/dates/index.js';
import {
  evaluateAndForecast,
  RVP_MATERNAL_PERTUSSIS,
  RVP_VACCINE_CODES,
  rvpSchedule,
  type DoseStatus,
  type ScheduleData,
  type SeriesStatus,
} from '../domain/schedule/index.js';
import type { RegistrySchema } from './schema.js';

/**
 * Whether the mother had a pertussis vaccination in pregnancy. The registry does not receive this
 * yet, so it is 'unknown', and the schedule's rule for unknown applies: the same as 'no', the 3+1
 * infant series at 2, 3, 5 and 11/12 months (Richtlijn Uitvoering RVP ch. 7.1: without a known valid
 * maternal vaccination the child starts at 6–9 weeks).
 */
export type MaternalPertussis = 'yes' | 'no' | 'unknown';

export type ValidityStatus = DoseStatus | 'Not evaluated';

/** Reasons for doses the engine does not judge (in the engine's English, like its own reasons). */
export const NOT_IN_SCHEDULE = 'Not in the schedule';
export const AFTER_ASSESSMENT_DATE = 'After the assessment date';

/**
 * What the forecast means on the assessment date: `upcoming` (not yet due: before the earliest date),
 * `due`, `overdue` (on or after the past-due date); otherwise the series status.
 */
export type ForecastStatus =
  'upcoming' | 'due' | 'overdue' | 'complete' | 'immune' | 'aged-out' | 'not-recommended' | 'contraindicated';

const VALIDITY_STATUSES = ['Valid', 'Not Valid', 'Extraneous', 'Sub-standard', 'Not evaluated'] as const;
const SERIES_STATUSES = [
  'Not complete',
  'Complete',
  'Immune',
  'Not Recommended',
  'Aged Out',
  'Contraindicated',
] as const;
const FORECAST_STATUSES = [
  'upcoming',
  'due',
  'overdue',
  'complete',
  'immune',
  'aged-out',
  'not-recommended',
  'contraindicated',
] as const;

export const validitySchema = z.object({
  status: z.enum(VALIDITY_STATUSES),
  reason: z
    .string()
    .nullable()
    .describe('Why not valid, in CDSi words (e.g. "Age: Too Young"); null if valid'),
});
export type DoseValidity = z.infer<typeof validitySchema>;

export const groupForecastSchema = z.object({
  vaccineGroup: z.string(),
  seriesStatus: z.enum(SERIES_STATUSES),
  status: z.enum(FORECAST_STATUSES),
  doseNumber: z.number().nullable().describe('Next target dose'),
  earliest: z.string().nullable(),
  recommended: z.string().nullable(),
  pastDue: z.string().nullable(),
  latest: z.string().nullable(),
  vaccines: z.array(z.object({ code: z.string().describe('W0422'), name: z.string() })),
});
export type GroupForecast = z.infer<typeof groupForecastSchema>;

export const groupDoseSchema = z.object({
  index: z.number().describe('Position in the person’s list of vaccinations'),
  vaccinationId: z.string(),
  organisationUra: z.string(),
  activityId: z.string(),
  date: z.string(),
  vaccineType: z.string(),
  status: z.enum(VALIDITY_STATUSES),
  reason: z.string().nullable(),
});
export type GroupDose = z.infer<typeof groupDoseSchema>;

export const assessedDoseSchema = z.object({
  vaccinationId: z.string(),
  organisationUra: z.string(),
  activityId: z.string(),
  activityDate: z.string(),
  vaccineType: z.string(),
  date: z.string(),
  validity: validitySchema,
  groups: z.array(
    z.object({ vaccineGroup: z.string(), status: z.enum(VALIDITY_STATUSES), reason: z.string().nullable() }),
  ),
});
export type AssessedDose = z.infer<typeof assessedDoseSchema>;

export const scheduleAssessmentSchema = z.object({
  schedule: z.string(),
  assessmentDate: z.string(),
  birthDate: z.string(),
  maternalPertussis: z.enum(['yes', 'no', 'unknown']),
  doses: z.array(assessedDoseSchema),
  vaccineGroups: z.array(groupForecastSchema.extend({ doses: z.array(groupDoseSchema) })),
});
export type ScheduleAssessment = z.infer<typeof scheduleAssessmentSchema>;

/** One personalised vaccination as the registry holds it (`vaccination_event`). */
export interface RegistryDose {
  id: string;
  organisationUra: string;
  activityId: string;
  activityDate: string;
  /** W0422. */
  vaccineType: string;
  date: IsoDate;
}

export interface ScheduledPerson {
  birthDate: IsoDate;
  /** W0023 ('1' male, '2' female) or anything the engine's normaliseGender understands. */
  gender?: string;
}

export interface AssessOptions {
  maternalPertussis?: MaternalPertussis;
  /** Default: the RVP. */
  schedule?: ScheduleData;
  /** Only these vaccine groups (`vaccineGroupsOf`); doses of no listed group are 'Not evaluated'. */
  vaccineGroups?: readonly string[];
}

const groupsOfCode = new WeakMap<ScheduleData, Map<string, readonly string[]>>();

/**
 * The vaccine groups whose antigens the given W0422 codes carry. Each antigen is judged from all of a
 * person's doses whatever groups are asked for, so judging only these groups gives these doses the
 * same validity as judging all (intake feedback, R-R3; test/domain/registry/feedback-groups.test.ts).
 */
export function vaccineGroupsOf(codes: Iterable<string>, schedule: ScheduleData = rvpSchedule): string[] {
  let cache = groupsOfCode.get(schedule);
  if (!cache) groupsOfCode.set(schedule, (cache = new Map()));
  const groups = new Set<string>();
  for (const code of codes) {
    let of = cache.get(code);
    if (!of) {
      const antigens = new Set(schedule.vaccineCodes.get(code)?.associations.map((a) => a.antigen) ?? []);
      of = schedule.vaccineGroups.filter((g) => g.antigens.some((a) => antigens.has(a))).map((g) => g.name);
      cache.set(code, of);
    }
    for (const group of of) groups.add(group);
  }
  return [...groups];
}

const RANK: Record<ValidityStatus, number> = {
  'Not Valid': 4,
  'Sub-standard': 3,
  Extraneous: 2,
  Valid: 1,
  'Not evaluated': 0,
};

/**
 * Judges every dose and forecasts each vaccine group as of `assessmentDate` (pure). Doses after the
 * assessment date and vaccines outside the schedule (W0422 30 maternal influenza, 98 other, unknown
 * codes) are listed as 'Not evaluated'. A dose that belongs to several groups (DKTP-Hib-HepB) is Not
 * Valid when any group says so, and its reason names the group when the groups disagree.
 */
export function assessSchedule(
  person: ScheduledPerson,
  doses: readonly RegistryDose[],
  assessmentDate: IsoDate,
  options: AssessOptions = {},
): ScheduleAssessment {
  const { schedule, maternal, results, doseOfInput } = runEngine(person, doses, assessmentDate, options);
  const perDose = doses.map(() => [] as AssessedDose['groups']);
  const vaccineGroups = results.map((group) => {
    const groupDoses: GroupDose[] = [];
    for (const d of group.doses) {
      const i = doseOfInput[d.index];
      const dose = i === undefined ? undefined : doses[i];
      if (i === undefined || !dose) continue;
      const reason = d.status === 'Valid' ? null : (d.reason ?? null);
      perDose[i]?.push({ vaccineGroup: group.vaccineGroup, status: d.status, reason });
      groupDoses.push({
        index: i,
        vaccinationId: dose.id,
        organisationUra: dose.organisationUra,
        activityId: dose.activityId,
        date: dose.date,
        vaccineType: dose.vaccineType,
        status: d.status,
        reason,
      });
    }
    return {
      ...toGroupForecast(group.vaccineGroup, group.seriesStatus, group.forecast, assessmentDate),
      doses: groupDoses,
    };
  });

  return {
    schedule: schedule.name,
    assessmentDate,
    birthDate: person.birthDate,
    maternalPertussis: maternal,
    doses: doses.map((d, i) => {
      const groups = perDose[i] ?? [];
      return {
        vaccinationId: d.id,
        organisationUra: d.organisationUra,
        activityId: d.activityId,
        activityDate: d.activityDate,
        vaccineType: d.vaccineType,
        date: d.date,
        validity: validityOf(d, groups, assessmentDate),
        groups,
      };
    }),
    vaccineGroups,
  };
}

/**
 * Only the validity of doses, the same as assessSchedule's `doses[i].validity`, without the forecasts
 * and lists it also builds: for intake feedback (R-R3; `only` the activity's doses) and coverage,
 * which judge every received message or person and whose garbage collection was a fifth of the
 * intake's CPU (issue 8). A dose `only` leaves out gets null.
 */
export function judgeDoses(
  person: ScheduledPerson,
  doses: readonly RegistryDose[],
  assessmentDate: IsoDate,
  options: AssessOptions & { only?: (dose: RegistryDose) => boolean } = {},
): Array<DoseValidity | null> {
  const only = options.only;
  const { results, doseOfInput } = runEngine(person, doses, assessmentDate, options, only);
  const perDose = doses.map((d) => (only && !only(d) ? null : ([] as AssessedDose['groups'])));
  for (const group of results) {
    for (const d of group.doses) {
      const i = doseOfInput[d.index];
      const groups = i === undefined ? null : perDose[i];
      if (!groups) continue;
      groups.push({
        vaccineGroup: group.vaccineGroup,
        status: d.status,
        reason: d.status === 'Valid' ? null : (d.reason ?? null),
      });
    }
  }
  return doses.map((d, i) => {
    const groups = perDose[i];
    return groups ? validityOf(d, groups, assessmentDate) : null;
  });
}

/** The engine's per-group results for a person's doses up to the assessment date. */
function runEngine(
  person: ScheduledPerson,
  doses: readonly RegistryDose[],
  assessmentDate: IsoDate,
  options: AssessOptions,
  /** Only these doses are listed in the results (the others are evaluated all the same). */
  only?: (dose: RegistryDose) => boolean,
) {
  const schedule = options.schedule ?? rvpSchedule;
  const maternal = options.maternalPertussis ?? 'unknown';
  const input: { date: IsoDate; vaccineCode: string }[] = [];
  /** Per engine input, the index of its dose in `doses`. */
  const doseOfInput: number[] = [];
  doses.forEach((d, i) => {
    if (d.date > assessmentDate) return;
    input.push({ date: d.date, vaccineCode: d.vaccineType });
    doseOfInput.push(i);
  });
  const results = evaluateAndForecast(
    schedule,
    {
      birthDate: person.birthDate,
      ...(person.gender !== undefined ? { gender: person.gender } : {}),
      ...(maternal === 'yes' ? { observations: [RVP_MATERNAL_PERTUSSIS] } : {}),
    },
    input,
    assessmentDate,
    {
      detail: false,
      ...(options.vaccineGroups ? { vaccineGroups: options.vaccineGroups } : {}),
      ...(only ? { listDose: (input: number) => only(doses[doseOfInput[input]!]!) } : {}),
    },
  );
  return { schedule, maternal, results, doseOfInput };
}

const validityOf = (
  dose: RegistryDose,
  groups: AssessedDose['groups'],
  assessmentDate: IsoDate,
): DoseValidity =>
  dose.date > assessmentDate
    ? { status: 'Not evaluated', reason: AFTER_ASSESSMENT_DATE }
    : combineValidity(groups);

/**
 * Only the forecast per vaccine group (what assessSchedule's `vaccineGroups` holds, without the dose
 * judgements): the bulk path for invitation runs, which skips the per-dose bookkeeping.
 */
export function forecastSchedule(
  person: ScheduledPerson,
  doses: readonly RegistryDose[],
  assessmentDate: IsoDate,
  options: AssessOptions = {},
): GroupForecast[] {
  const maternal = options.maternalPertussis ?? 'unknown';
  const input: { date: IsoDate; vaccineCode: string }[] = [];
  for (const d of doses)
    if (d.date <= assessmentDate) input.push({ date: d.date, vaccineCode: d.vaccineType });
  const results = evaluateAndForecast(
    options.schedule ?? rvpSchedule,
    {
      birthDate: person.birthDate,
      ...(person.gender !== undefined ? { gender: person.gender } : {}),
      ...(maternal === 'yes' ? { observations: [RVP_MATERNAL_PERTUSSIS] } : {}),
    },
    input,
    assessmentDate,
    { detail: false, doses: false },
  );
  return results.map((group) =>
    toGroupForecast(group.vaccineGroup, group.seriesStatus, group.forecast, assessmentDate),
  );
}

/** One validity for a dose from its vaccine groups' judgements. */
export function combineValidity(groups: AssessedDose['groups']): DoseValidity {
  if (groups.length === 0) return { status: 'Not evaluated', reason: NOT_IN_SCHEDULE };
  let worst: ValidityStatus = 'Not evaluated';
  for (const g of groups) if (RANK[g.status] > RANK[worst]) worst = g.status;
  // Valid for one group and merely extra for another (a booster after one antigen is done) counts.
  if (worst === 'Extraneous' && groups.some((g) => g.status === 'Valid')) worst = 'Valid';
  if (worst === 'Valid') return { status: 'Valid', reason: null };
  const failing = groups.filter((g) => g.status === worst);
  const reasons = [...new Set(failing.map((g) => g.reason ?? worst))];
  const reason =
    reasons.length === 1 && failing.length === groups.length
      ? (reasons[0] ?? null)
      : failing.map((g) => `${g.vaccineGroup}: ${g.reason ?? worst}`).join('; ');
  return { status: worst, reason };
}

function toGroupForecast(
  vaccineGroup: string,
  seriesStatus: SeriesStatus,
  forecast: {
    earliest: string | null;
    recommended: string | null;
    pastDue: string | null;
    latest: string | null;
    doseNumber?: number;
    recommendedVaccines: readonly string[];
  },
  assessmentDate: IsoDate,
): GroupForecast {
  return {
    vaccineGroup,
    seriesStatus,
    status: forecastStatus(seriesStatus, forecast, assessmentDate),
    doseNumber: forecast.doseNumber ?? null,
    earliest: forecast.earliest,
    recommended: forecast.recommended,
    pastDue: forecast.pastDue,
    latest: forecast.latest,
    vaccines: forecast.recommendedVaccines.map((code) => ({
      code,
      name: RVP_VACCINE_CODES[code]?.name ?? code,
    })),
  };
}

export function forecastStatus(
  seriesStatus: SeriesStatus,
  forecast: { earliest: string | null; pastDue: string | null },
  assessmentDate: IsoDate,
): ForecastStatus {
  switch (seriesStatus) {
    case 'Complete':
      return 'complete';
    case 'Immune':
      return 'immune';
    case 'Aged Out':
      return 'aged-out';
    case 'Not Recommended':
      return 'not-recommended';
    case 'Contraindicated':
      return 'contraindicated';
    case 'Not complete':
      if (forecast.pastDue !== null && assessmentDate >= forecast.pastDue) return 'overdue';
      if (forecast.earliest !== null && assessmentDate < forecast.earliest) return 'upcoming';
      return 'due';
  }
}

// ---------------------------------------------------------------------------------------------
// Database access

/** The person's personalised vaccinations, oldest first (anonymous ones are never linked to anyone). */
export async function loadRegistryDoses(
  db: Kysely<RegistrySchema>,
  personId: string,
): Promise<RegistryDose[]> {
  const rows = await db
    .selectFrom('vaccination_event')
    .select(['id', 'organisation_ura', 'activity_id', 'activity_date', 'vaccine_type', 'vaccination_date'])
    .where('person_id', '=', personId)
    .orderBy('vaccination_date')
    .orderBy('activity_date')
    .orderBy('activity_id')
    .orderBy('vaccine_type')
    .orderBy('id')
    .execute();
  return rows.map(registryDoseOf);
}

/** A vaccination_event row (the columns the engine needs) as a RegistryDose. */
export function registryDoseOf(r: {
  id: string;
  organisation_ura: string;
  activity_id: string;
  activity_date: string;
  vaccine_type: string;
  vaccination_date: string;
}): RegistryDose {
  return {
    id: r.id,
    organisationUra: r.organisation_ura,
    activityId: r.activity_id,
    activityDate: r.activity_date,
    vaccineType: r.vaccine_type,
    date: r.vaccination_date,
  };
}

/** The order loadRegistryDoses reads in: date, activity date, activity id, vaccine type, id. */
export function compareDoses(a: RegistryDose, b: RegistryDose): number {
  return (
    cmp(a.date, b.date) ||
    cmp(a.activityDate, b.activityDate) ||
    cmp(a.activityId, b.activityId) ||
    cmp(a.vaccineType, b.vaccineType) ||
    cmp(a.id, b.id)
  );
}
// Outside compareDoses: a closure made per comparison was 4 % of the intake's allocation (issue 8).
const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** loadRegistryDoses for many persons in one query (batch intake, runs): per person, oldest first. */
export async function loadRegistryDosesOf(
  db: Kysely<RegistrySchema>,
  personIds: readonly string[],
): Promise<Map<string, RegistryDose[]>> {
  const result = new Map<string, RegistryDose[]>();
  if (personIds.length === 0) return result;
  const rows = await db
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
    .where(sql<boolean>`person_id = any(${[...personIds]}::uuid[])`)
    .orderBy('person_id')
    .orderBy('vaccination_date')
    .orderBy('activity_date')
    .orderBy('activity_id')
    .orderBy('vaccine_type')
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const dose = registryDoseOf(r);
    const list = result.get(r.person_id);
    if (list) list.push(dose);
    else result.set(r.person_id, [dose]);
  }
  return result;
}

/** Reads a person and their vaccinations and assesses them; null when the person is unknown. */
export async function loadPersonSchedule(
  db: Kysely<RegistrySchema>,
  personId: string,
  assessmentDate: IsoDate,
  options: AssessOptions = {},
): Promise<{ person: { id: string; birthDate: string }; assessment: ScheduleAssessment } | null> {
  const person = await db
    .selectFrom('person')
    .select(['id', 'birth_date', 'gender'])
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!person) return null;
  const doses = await loadRegistryDoses(db, person.id);
  return {
    person: { id: person.id, birthDate: person.birth_date },
    assessment: assessSchedule(
      { birthDate: person.birth_date, gender: person.gender },
      doses,
      assessmentDate,
      options,
    ),
  };
}
