/**
 * Dose evaluation and forecasting after the CDC's CDSi Logic Specification for ACIP Recommendations
 * 4.6 ("LS"): gather data (LS ch. 4), organise the history by antigen, select relevant patient series
 * (ch. 5), evaluate every dose against target doses (ch. 6), forecast (ch. 7), select the best patient
 * series (ch. 8) and combine antigens into vaccine groups (ch. 9).
 *
 * Pure: no I/O, no clock. Dates are day numbers inside, ISO strings at the edges. One call evaluates
 * one patient; the schedule data is shared and never modified.
 */
import { addDuration, DAY_MAX, DAY_MIN, toDay, toIso, type Day, type Duration } from './days.js';
import type {
  AntigenData,
  AntigenSeries,
  ConditionalSkip,
  Dated,
  Gender,
  IntervalFrom,
  ScheduleData,
  SeriesDose,
  SkipCondition,
  VaccineGroup,
} from './model.js';
import type { IsoDate } from '../dates/index.js';

// ---------------------------------------------------------------------------------------------
// Public types

export type DoseStatus = 'Valid' | 'Not Valid' | 'Extraneous' | 'Sub-standard';

export type SeriesStatus =
  'Not complete' | 'Complete' | 'Immune' | 'Not Recommended' | 'Aged Out' | 'Contraindicated';

/** Why a dose did not count, in the Logic Specification's words. */
export type DoseReason =
  | 'Age: Too Young'
  | 'Age: Too Old'
  | 'Interval: Too Soon'
  | 'Live Virus Conflict'
  | 'Inadvertent Vaccine'
  | 'Not a preferable or allowable vaccine'
  | 'Series Already Complete'
  | 'Grace period';

export interface PatientInput {
  readonly birthDate: IsoDate;
  /** 'F'/'M'/'Female'/'Male'/…; anything else counts as unknown. */
  readonly gender?: string;
  /** Observation codes (CDSi observations, or RVP codes such as 'maternal-pertussis'). */
  readonly observations?: readonly string[];
  readonly birthCountry?: string;
}

export interface DoseInput {
  readonly date: IsoDate;
  /** CVX code (CDSi data). */
  readonly cvx?: string;
  /** Vaccine code of the schedule (W0422 for the RVP); same role as cvx. */
  readonly vaccineCode?: string;
  readonly mvx?: string;
}

export interface EvaluateOptions {
  /** Only these vaccine groups (names as in the data); default all. */
  readonly vaccineGroups?: readonly string[];
  /**
   * false: leave out the per-antigen explanation (`antigens` of groups and doses are empty), for bulk runs
   * that only need statuses and forecasts. Default true.
   */
  readonly detail?: boolean;
  /** false: leave out the dose judgements (`doses` of groups is empty): forecasts only (invitation runs). */
  readonly doses?: boolean;
  /**
   * Only the input doses (by position) this accepts are listed in `doses` of groups (default all). Every
   * dose is still evaluated: the listed ones are judged against the whole history (intake feedback).
   */
  readonly listDose?: (index: number) => boolean;
}

export interface AntigenDoseResult {
  readonly antigen: string;
  readonly series: string;
  /** Target dose the dose was judged against; absent when the series was already complete. */
  readonly targetDose?: number;
  readonly status: DoseStatus;
  readonly reason?: DoseReason;
  /** All failing conditions when more than one failed (the first is `reason`). */
  readonly reasons?: readonly DoseReason[];
  /** Valid in the grace period (age or interval between absolute minimum and minimum). */
  readonly grace?: boolean;
}

export interface GroupDoseResult {
  /** Position in the input list. */
  readonly index: number;
  readonly date: IsoDate;
  readonly code: string;
  readonly status: DoseStatus;
  readonly reason?: DoseReason;
  readonly antigens: readonly AntigenDoseResult[];
}

export interface Forecast {
  readonly earliest: IsoDate | null;
  readonly recommended: IsoDate | null;
  readonly pastDue: IsoDate | null;
  readonly latest: IsoDate | null;
  /** Next target dose number (highest across antigens). */
  readonly doseNumber?: number;
  readonly recommendedVaccines: readonly string[];
}

export interface AntigenResult {
  readonly antigen: string;
  /** Best patient series (several when series groups are not equivalent). */
  readonly series: readonly string[];
  readonly status: SeriesStatus;
  readonly forecast: Forecast;
}

export interface VaccineGroupResult {
  readonly vaccineGroup: string;
  readonly seriesStatus: SeriesStatus;
  readonly doses: readonly GroupDoseResult[];
  readonly forecast: Forecast;
  readonly antigens: readonly AntigenResult[];
}

// ---------------------------------------------------------------------------------------------
// Internal state

interface Rec {
  /** Input index. */
  readonly index: number;
  /** Position in the patient's history sorted by date. */
  readonly pos: number;
  readonly day: Day;
  readonly code: string;
  readonly mvx: string | undefined;
}

interface Ctx {
  readonly data: ScheduleData;
  readonly dob: Day;
  readonly gender: Gender;
  readonly assess: Day;
  readonly observations: ReadonlySet<string>;
  readonly birthCountry: string | undefined;
  /** Whole history, sorted by date then input order. */
  readonly history: readonly Rec[];
  /** Antigen administered records per antigen (LS 4.6 §4.2), built in one pass. */
  readonly byAntigen: ReadonlyMap<string, readonly Rec[]>;
  /** Birth date + duration, memoised per birth date and shared by every patient born that day (durations are interned). */
  readonly ages: Map<Duration, Day>;
}

interface DoseEval {
  status: DoseStatus;
  reason: DoseReason | undefined;
  /** Every failing condition, when there are several. */
  reasons: DoseReason[] | undefined;
  /** Index into series.doses, -1 when none. */
  target: number;
  grace: boolean;
}

interface SeriesForecastState {
  status: SeriesStatus;
  /** Target dose index being forecast, -1 when none. */
  target: number;
  earliest: Day | undefined;
  recommended: Day | undefined;
  pastDue: Day | undefined;
  latest: Day | undefined;
  unadjustedRecommended: Day | undefined;
  unadjustedPastDue: Day | undefined;
  priority: boolean;
  finish: Day;
  completable: boolean;
  vaccines: string[];
}

interface SeriesEval {
  series: AntigenSeries;
  recs: readonly Rec[];
  /** Per record of `recs` (only the first recs.length entries: the array is reused, see newSeriesEval). */
  readonly evals: DoseEval[];
  /** Day each target dose was satisfied on, NaN while not (only the first series.doses.length entries). */
  readonly satisfiedDay: number[];
  /** Next target dose index after evaluation (doses.length when all were satisfied or skipped). */
  next: number;
  validCount: number;
  firstValidDay: Day | undefined;
  forecast: SeriesForecastState;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function add(day: Day, d: Duration | undefined, fallback: Day): Day {
  return d === undefined ? fallback : addDuration(day, d);
}

/** The day the patient reaches age `d` (or `fallback` when the age is absent). */
function ageDay(ctx: Ctx, d: Duration | undefined, fallback: Day = DAY_MIN): Day {
  if (d === undefined) return fallback;
  let day = ctx.ages.get(d);
  if (day === undefined) {
    day = addDuration(ctx.dob, d);
    ctx.ages.set(d, day);
  }
  return day;
}

function applies(rule: Dated, day: Day): boolean {
  return (
    (rule.effective === undefined || day >= rule.effective) &&
    (rule.cessation === undefined || day <= rule.cessation)
  );
}

function pickDated<T extends Dated>(rules: readonly T[], day: Day): T | undefined {
  for (const r of rules) if (applies(r, day)) return r;
  return undefined;
}

export function normaliseGender(value: string | undefined): Gender {
  const v = (value ?? '').trim().toLowerCase();
  if (v === 'f' || v === 'female' || v === '2' || v === 'v' || v === 'vrouw') return 'Female';
  if (v === 'm' || v === 'male' || v === '1' || v === 'man') return 'Male';
  return 'Unknown';
}

function maxDay(a: Day | undefined, b: Day | undefined): Day | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

// ---------------------------------------------------------------------------------------------
// LS 4.6 ch. 4: gather data and organise the immunisation history

/**
 * Ages (birth date + duration) per birth date, shared across patients: a national run meets each birth
 * date hundreds of times. Pure arithmetic, so sharing cannot change an answer; bounded (about 50 kB per
 * birth date at most), cleared when full.
 */
const agesByBirthDate = new Map<Day, Map<Duration, Day>>();
const AGES_CACHE_LIMIT = 8192;

function agesOf(dob: Day): Map<Duration, Day> {
  let ages = agesByBirthDate.get(dob);
  if (!ages) {
    if (agesByBirthDate.size >= AGES_CACHE_LIMIT) agesByBirthDate.clear();
    ages = new Map();
    agesByBirthDate.set(dob, ages);
  }
  return ages;
}

const NO_OBSERVATIONS: ReadonlySet<string> = new Set();

function buildContext(
  data: ScheduleData,
  patient: PatientInput,
  doses: readonly DoseInput[],
  assessmentDate: IsoDate,
  antigens?: ReadonlySet<string>,
): Ctx {
  const dob = toDay(patient.birthDate);
  const history: Rec[] = [];
  let sorted = true;
  for (let index = 0; index < doses.length; index++) {
    const d = doses[index];
    if (!d) continue;
    const raw = d.cvx ?? d.vaccineCode;
    if (raw === undefined) continue;
    const code = raw.trim();
    if (code === '') continue;
    const day = toDay(d.date);
    const last = history[history.length - 1];
    if (last && last.day > day) sorted = false;
    history.push({
      index,
      pos: 0,
      day,
      code: code.length === 1 && code >= '0' && code <= '9' ? `0${code}` : code,
      mvx: d.mvx?.trim() || undefined,
    });
  }
  // Registry callers pass doses in date order already; sort (by date, then input order) only when not.
  if (!sorted) history.sort((a, b) => a.day - b.day || a.index - b.index);
  for (let pos = 0; pos < history.length; pos++) (history[pos] as { pos: number }).pos = pos;
  const observations = patient.observations;
  return {
    data,
    dob,
    gender: normaliseGender(patient.gender),
    assess: toDay(assessmentDate),
    observations: observations && observations.length > 0 ? new Set(observations) : NO_OBSERVATIONS,
    birthCountry: patient.birthCountry,
    history,
    byAntigen: organise(data, dob, history, antigens),
    ages: agesOf(dob),
  };
}

/**
 * LS 4.6 §4.2 organise immunisation history: antigen administered records per antigen, in date order;
 * only for `antigens` when given (the antigens of the vaccine groups asked for: no other is evaluated).
 */
function organise(
  data: ScheduleData,
  dob: Day,
  history: readonly Rec[],
  antigens: ReadonlySet<string> | undefined,
): Map<string, Rec[]> {
  const byAntigen = new Map<string, Rec[]>();
  for (const rec of history) {
    const vaccine = data.vaccineCodes.get(rec.code);
    if (!vaccine) continue;
    for (const a of vaccine.associations) {
      if (antigens && !antigens.has(a.antigen)) continue;
      if (a.beginAge && rec.day < addDuration(dob, a.beginAge)) continue;
      if (a.endAge && rec.day >= addDuration(dob, a.endAge)) continue;
      const list = byAntigen.get(a.antigen);
      if (!list) byAntigen.set(a.antigen, [rec]);
      else if (list[list.length - 1] !== rec) list.push(rec);
    }
  }
  return byAntigen;
}

const NO_RECORDS: readonly Rec[] = [];

function antigenRecords(ctx: Ctx, antigen: string): readonly Rec[] {
  return ctx.byAntigen.get(antigen) ?? NO_RECORDS;
}

// ---------------------------------------------------------------------------------------------
// LS 4.6 ch. 5: relevant patient series

function isRelevant(ctx: Ctx, series: AntigenSeries): boolean {
  if (series.requiredGender.length > 0 && !series.requiredGender.includes(ctx.gender)) return false;
  if (series.cohort) {
    if (series.cohort.bornFrom !== undefined && ctx.dob < series.cohort.bornFrom) return false;
    if (series.cohort.bornBefore !== undefined && ctx.dob >= series.cohort.bornBefore) return false;
  }
  if (series.unlessObservation !== undefined && ctx.observations.has(series.unlessObservation)) return false;
  if (series.onlyWithObservation !== undefined && !ctx.observations.has(series.onlyWithObservation))
    return false;
  if (series.type !== 'Risk') return true;
  // A risk series needs one of its indications, at an age inside the indication's window.
  return series.indications.some(
    (i) =>
      ctx.observations.has(i.code) &&
      ctx.assess >= ageDay(ctx, i.beginAge, DAY_MIN) &&
      ctx.assess < ageDay(ctx, i.endAge, DAY_MAX),
  );
}

// ---------------------------------------------------------------------------------------------
// LS 4.6 ch. 6: evaluation

/**
 * Series evaluations are scratch: no result holds one (results copy what they need), and one patient is
 * evaluated at a time, synchronously. So they are reused from call to call instead of allocated per
 * series and per dose: the intake judges every message, and this was the largest share of its garbage
 * (issue 8). `beginEvaluation` hands the whole pool out again; the pool grows to the most series one
 * call evaluates (bounded by the schedule data).
 */
const seriesPool: SeriesEval[] = [];
let seriesPoolUsed = 0;

function beginEvaluation(): void {
  seriesPoolUsed = 0;
}

/** An empty vaccine list for a forecast not made yet; never modified (combineForecasts copies). */
const NO_VACCINES: string[] = [];

/**
 * A series evaluation, reset. `evals` and `satisfiedDay` keep their length from earlier use: only the
 * first `recs.length` and `series.doses.length` entries belong to this evaluation, and every reader
 * stays within those.
 */
function newSeriesEval(series: AntigenSeries, recs: readonly Rec[]): SeriesEval {
  let se = seriesPool[seriesPoolUsed];
  if (!se) {
    se = {
      series,
      recs,
      evals: [],
      satisfiedDay: [],
      next: 0,
      validCount: 0,
      firstValidDay: undefined,
      forecast: {
        status: 'Not complete',
        target: -1,
        earliest: undefined,
        recommended: undefined,
        pastDue: undefined,
        latest: undefined,
        unadjustedRecommended: undefined,
        unadjustedPastDue: undefined,
        priority: false,
        finish: DAY_MAX,
        completable: false,
        vaccines: NO_VACCINES,
      },
    };
    seriesPool.push(se);
  }
  seriesPoolUsed++;
  se.series = series;
  se.recs = recs;
  const evals = se.evals;
  for (let k = 0; k < recs.length; k++) {
    const e = evals[k];
    if (e) {
      e.status = 'Not Valid';
      e.reason = undefined;
      e.reasons = undefined;
      e.target = -1;
      e.grace = false;
    } else
      evals.push({ status: 'Not Valid', reason: undefined, reasons: undefined, target: -1, grace: false });
  }
  const satisfied = se.satisfiedDay;
  for (let i = 0; i < series.doses.length; i++) {
    if (i < satisfied.length) satisfied[i] = Number.NaN;
    else satisfied.push(Number.NaN);
  }
  se.next = 0;
  se.validCount = 0;
  se.firstValidDay = undefined;
  const f = se.forecast;
  f.status = 'Not complete';
  f.target = -1;
  f.earliest = undefined;
  f.recommended = undefined;
  f.pastDue = undefined;
  f.latest = undefined;
  f.unadjustedRecommended = undefined;
  f.unadjustedPastDue = undefined;
  f.priority = false;
  f.finish = DAY_MAX;
  f.completable = false;
  f.vaccines = NO_VACCINES;
  return se;
}

/** An interval's "previous dose" (LS 4.6 §6.5): the latest earlier record judged Valid or Not Valid, not inadvertent. */
function previousRecord(se: SeriesEval, before: number): number {
  for (let k = before - 1; k >= 0; k--) {
    const e = se.evals[k];
    if (e && (e.status === 'Valid' || e.status === 'Not Valid') && e.reason !== 'Inadvertent Vaccine')
      return k;
  }
  return -1;
}

/** Reference day of an interval; undefined when the reference event did not happen (the interval then does not apply). */
function intervalReference(
  ctx: Ctx,
  se: SeriesEval,
  from: IntervalFrom,
  before: number,
  limit: Day,
): Day | undefined {
  switch (from.kind) {
    case 'previous': {
      const k = previousRecord(se, before);
      return k < 0 ? undefined : se.recs[k]?.day;
    }
    case 'targetDose': {
      const i = from.doseNumber - 1;
      const d = i < se.series.doses.length ? se.satisfiedDay[i] : undefined;
      return d === undefined || Number.isNaN(d) ? undefined : d;
    }
    case 'mostRecent': {
      // Any vaccine of the listed types in the whole history (e.g. Td for the pertussis antigen).
      let found: Day | undefined;
      for (const rec of ctx.history) {
        if (rec.day >= limit) break;
        if (from.vaccineTypes.has(rec.code)) found = rec.day;
      }
      return found;
    }
    case 'observation':
      return undefined;
  }
}

/** LS 4.6 §6.2 / §7.1 conditional skip. `before` is the record index being evaluated (recs.length in forecasting). */
function skipTarget(
  ctx: Ctx,
  se: SeriesEval,
  dose: SeriesDose,
  context: 'Evaluation' | 'Forecast',
  refDay: Day,
  before: number,
): boolean {
  for (const skip of dose.skips) {
    if (skip.context !== 'Both' && skip.context !== context) continue;
    if (skipMet(ctx, se, skip, refDay, before, context)) return true;
  }
  return false;
}

function skipMet(
  ctx: Ctx,
  se: SeriesEval,
  skip: ConditionalSkip,
  refDay: Day,
  before: number,
  context: 'Evaluation' | 'Forecast',
): boolean {
  if (skip.sets.length === 0) return false;
  const and = skip.setLogic === 'AND';
  for (const set of skip.sets) {
    let met = applies(set, refDay) && set.conditions.length > 0;
    if (met) {
      const orLogic = set.conditionLogic === 'OR';
      met = !orLogic;
      for (const c of set.conditions) {
        const ok = conditionMet(ctx, se, c, refDay, before, context);
        if (orLogic && ok) {
          met = true;
          break;
        }
        if (!orLogic && !ok) {
          met = false;
          break;
        }
      }
    }
    if (and && !met) return false;
    if (!and && met) return true;
  }
  return and;
}

function conditionMet(
  ctx: Ctx,
  se: SeriesEval,
  c: SkipCondition,
  refDay: Day,
  before: number,
  context: 'Evaluation' | 'Forecast',
): boolean {
  switch (c.type) {
    case 'Age':
      return refDay >= ageDay(ctx, c.beginAge, DAY_MIN) && refDay < ageDay(ctx, c.endAge, DAY_MAX);
    case 'Interval': {
      const k = previousRecord(se, before);
      const prev = k < 0 ? undefined : se.recs[k];
      return prev !== undefined && c.interval !== undefined && refDay >= addDuration(prev.day, c.interval);
    }
    case 'Completed Series':
      // Only risk series use it; they need observations this engine does not receive yet.
      return false;
    default: {
      const count = countDoses(ctx, se, c, refDay, before, context);
      if (c.doseCountLogic === 'greater than') return count > c.doseCount;
      if (c.doseCountLogic === 'equal to') return count === c.doseCount;
      return count < c.doseCount;
    }
  }
}

/** Doses for a "Vaccine Count by …" condition (LS 4.6 §6.2): Valid ones in this series, or any of the listed vaccine types. */
function countDoses(
  ctx: Ctx,
  se: SeriesEval,
  c: SkipCondition,
  refDay: Day,
  before: number,
  context: 'Evaluation' | 'Forecast',
): number {
  const useAge = c.type !== 'Vaccine Count by Date';
  const useDate = c.type !== 'Vaccine Count by Age';
  const from = useAge ? ageDay(ctx, c.beginAge, DAY_MIN) : DAY_MIN;
  const to = useAge ? ageDay(ctx, c.endAge, DAY_MAX) : DAY_MAX;
  const start = useDate ? (c.startDate ?? DAY_MIN) : DAY_MIN;
  const end = useDate ? (c.endDate ?? DAY_MAX) : DAY_MAX;
  const inWindow = (day: Day) => day >= from && day < to && day >= start && day < end;
  let count = 0;
  if (c.doseType === 'Valid' || c.vaccineTypes === undefined) {
    const n = context === 'Evaluation' ? before : se.recs.length;
    for (let k = 0; k < n; k++) {
      const rec = se.recs[k];
      const e = se.evals[k];
      if (!rec || !e) continue;
      if (c.vaccineTypes !== undefined && !c.vaccineTypes.has(rec.code)) continue;
      if (c.doseType === 'Valid' && e.status !== 'Valid') continue;
      if (context === 'Forecast' && rec.day > refDay) continue;
      if (inWindow(rec.day)) count++;
    }
    return count;
  }
  const limitPos =
    context === 'Evaluation' ? (se.recs[before]?.pos ?? Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
  for (const rec of ctx.history) {
    if (rec.pos >= limitPos) break;
    if (context === 'Forecast' && rec.day > refDay) break;
    if (c.vaccineTypes.has(rec.code) && inWindow(rec.day)) count++;
  }
  return count;
}

/** LS 4.6 §6.3–§6.10: one antigen administered record against one target dose. */
function evaluateDose(ctx: Ctx, se: SeriesEval, dose: SeriesDose, r: number, out: DoseEval): void {
  const rec = se.recs[r];
  if (!rec) return;
  const day = rec.day;
  out.grace = false;
  out.reason = undefined;
  out.reasons = undefined;
  // §6.3 inadvertent vaccine
  if (dose.inadvertent.has(rec.code)) {
    out.status = 'Not Valid';
    out.reason = 'Inadvertent Vaccine';
    out.reasons = ['Inadvertent Vaccine'];
    return;
  }
  // §6.4 evaluate age (grace period: absolute minimum age ≤ date < minimum age is still valid)
  let reasons: DoseReason[] | undefined;
  const age = pickDated(dose.ages, day);
  if (age) {
    if (day >= ageDay(ctx, age.maxAge, DAY_MAX)) {
      out.status = 'Extraneous';
      out.reason = 'Age: Too Old';
      out.reasons = ['Age: Too Old'];
      return;
    }
    if (day < ageDay(ctx, age.absMinAge, DAY_MIN)) reasons = ['Age: Too Young'];
    else if (day < ageDay(ctx, age.minAge, DAY_MIN)) out.grace = true;
  }
  // §6.5 preferable intervals (all must hold), else §6.6 allowable intervals
  let intervalOk = true;
  for (const rule of dose.intervals) {
    if (!applies(rule, day)) continue;
    const ref = intervalReference(ctx, se, rule.from, r, day);
    if (ref === undefined) continue;
    if (day < add(ref, rule.absMinInt, DAY_MIN)) {
      intervalOk = false;
      break;
    }
    if (day < add(ref, rule.minInt, DAY_MIN)) out.grace = true;
  }
  if (!intervalOk && dose.allowableIntervals.length > 0) {
    intervalOk = true;
    for (const rule of dose.allowableIntervals) {
      if (!applies(rule, day)) continue;
      const ref = intervalReference(ctx, se, rule.from, r, day);
      if (ref !== undefined && day < add(ref, rule.absMinInt, DAY_MIN)) {
        intervalOk = false;
        break;
      }
    }
  }
  if (!intervalOk) (reasons ??= []).push('Interval: Too Soon');
  // §6.7 live virus conflict
  if (liveVirusConflict(ctx, se, rec)) (reasons ??= []).push('Live Virus Conflict');
  // §6.8 preferable / §6.9 allowable vaccine
  if (!vaccineAllowed(ctx, dose, rec)) (reasons ??= []).push('Not a preferable or allowable vaccine');
  // §6.10 satisfy target dose: any failing condition makes the dose not valid. All reasons are kept; the one
  // named first follows Table 6-31's order (age, interval, live virus conflict, vaccine).
  out.status = reasons === undefined ? 'Valid' : 'Not Valid';
  out.reason = reasons?.[0];
  out.reasons = reasons;
  if (reasons !== undefined) out.grace = false;
}

function vaccineAllowed(ctx: Ctx, dose: SeriesDose, rec: Rec): boolean {
  if (dose.preferable.length === 0 && dose.allowable.length === 0) return true;
  for (const v of dose.preferable) {
    if (v.code !== rec.code) continue;
    if (rec.day < ageDay(ctx, v.beginAge, DAY_MIN) || rec.day >= ageDay(ctx, v.endAge, DAY_MAX)) continue;
    if (v.mvx !== undefined && rec.mvx !== undefined && v.mvx !== rec.mvx) continue;
    return true;
  }
  for (const v of dose.allowable) {
    if (v.code !== rec.code) continue;
    if (rec.day < ageDay(ctx, v.beginAge, DAY_MIN) || rec.day >= ageDay(ctx, v.endAge, DAY_MAX)) continue;
    return true;
  }
  return false;
}

/** LS 4.6 §6.7: an earlier live vaccine within its conflict window makes this live vaccine not valid. */
function liveVirusConflict(ctx: Ctx, se: SeriesEval, rec: Rec): boolean {
  const conflicts = ctx.data.liveVirusConflicts.get(rec.code);
  if (!conflicts) return false;
  for (const prev of ctx.history) {
    if (prev.day >= rec.day) break;
    for (const c of conflicts) {
      if (c.previous !== prev.code) continue;
      if (rec.day < addDuration(prev.day, c.begin)) continue;
      // The shorter (grace) end applies unless the earlier dose was itself judged not valid in this series.
      const k = se.recs.indexOf(prev);
      const status = k >= 0 ? se.evals[k]?.status : undefined;
      const end = addDuration(prev.day, status === 'Not Valid' ? c.end : c.minEnd);
      if (rec.day < end) return true;
    }
  }
  return false;
}

/** LS 4.6 §4.4 evaluate immunisation history: walk records and target doses together. */
function evaluateSeries(ctx: Ctx, se: SeriesEval): void {
  const doses = se.series.doses;
  const n = doses.length;
  let ti = 0;
  for (let r = 0; r < se.recs.length; r++) {
    const rec = se.recs[r];
    const out = se.evals[r];
    if (!rec || !out) continue;
    if (rec.day > ctx.assess) {
      // Doses after the assessment date are not part of this assessment.
      out.status = 'Extraneous';
      out.reason = undefined;
      continue;
    }
    while (ti < n) {
      const td = doses[ti];
      if (td && skipTarget(ctx, se, td, 'Evaluation', rec.day, r)) {
        ti++;
      } else break;
    }
    const td = doses[ti];
    if (!td) {
      out.status = 'Extraneous';
      out.reason = 'Series Already Complete';
      out.target = -1;
      continue;
    }
    out.target = ti;
    evaluateDose(ctx, se, td, r, out);
    if (out.status === 'Valid') {
      se.satisfiedDay[ti] = rec.day;
      se.validCount++;
      if (se.firstValidDay === undefined) se.firstValidDay = rec.day;
      if (!td.recurring) ti++;
    }
  }
  se.next = ti;
}

// ---------------------------------------------------------------------------------------------
// LS 4.6 ch. 7: forecast

function isImmune(ctx: Ctx, antigen: AntigenData | undefined): boolean {
  if (!antigen) return false;
  return antigen.immunityByBirthDate.some(
    (i) =>
      ctx.dob < i.immunityBirthDate &&
      (i.birthCountry === undefined ||
        (ctx.birthCountry !== undefined && i.birthCountry.toLowerCase() === ctx.birthCountry.toLowerCase())),
  );
}

function forecastSeries(ctx: Ctx, se: SeriesEval, immune: boolean): void {
  const doses = se.series.doses;
  const n = doses.length;
  const f = se.forecast;
  const assess = ctx.assess;
  let ti = se.next;
  for (;;) {
    // §7.1 conditional skip for the forecast, as of the assessment date
    while (ti < n) {
      const td = doses[ti];
      if (td && skipTarget(ctx, se, td, 'Forecast', assess, se.recs.length)) ti++;
      else break;
    }
    // §7.2 evidence of immunity
    if (immune) {
      f.status = 'Immune';
      return;
    }
    const td = doses[ti];
    // §7.4 forecast need
    if (!td) {
      f.status = 'Complete';
      return;
    }
    if (se.series.type === 'Evaluation Only') {
      f.status = 'Not Recommended';
      return;
    }
    f.target = ti;
    const age = pickDated(td.ages, assess);
    const maxAge = age?.maxAge ? ageDay(ctx, age.maxAge) : undefined;
    if (maxAge !== undefined && assess >= maxAge) {
      f.status = 'Aged Out';
      return;
    }
    // §7.5 forecast dates
    forecastDates(ctx, se, td, f);
    const earliest = f.earliest ?? assess;
    // §7.6 validate recommendation: a dose the forecast context would skip by its earliest date is not the one due.
    if (ti + 1 < n && earliest > assess && skipTarget(ctx, se, td, 'Forecast', earliest, se.recs.length)) {
      ti++;
      continue;
    }
    if (maxAge !== undefined && earliest >= maxAge) {
      f.status = 'Aged Out';
      return;
    }
    if (td.season?.end !== undefined && assess > td.season.end) {
      f.status = 'Not Recommended';
      return;
    }
    f.status = 'Not complete';
    // For series selection (LS 4.6 §8.5, SELECTB-12): earliest date plus the longest minimum interval still to come.
    let finish = earliest;
    for (let j = ti + 1; j < n; j++) {
      const later = doses[j];
      if (!later) continue;
      for (const rule of later.intervals) {
        if (rule.minInt && applies(rule, assess))
          finish = Math.max(finish, addDuration(earliest, rule.minInt));
      }
    }
    const lastMax = doses[n - 1]?.ages[0]?.maxAge;
    f.finish = finish;
    f.completable = lastMax === undefined || finish < ageDay(ctx, lastMax);
    return;
  }
}

/** LS 4.6 §7.5 generate forecast dates for target dose `td`. */
function forecastDates(ctx: Ctx, se: SeriesEval, td: SeriesDose, f: SeriesForecastState): void {
  const assess = ctx.assess;
  const age = pickDated(td.ages, assess);
  const maxAge = age?.maxAge ? ageDay(ctx, age.maxAge) : undefined;
  let earliest: Day = ctx.dob;
  let recInt: Day | undefined;
  let pastDueInt: Day | undefined;
  let priority = td.intervals.length > 0;
  const limit = assess + 1;
  for (const rule of td.intervals) {
    if (!applies(rule, assess)) continue;
    if (!rule.priorityOverride) priority = false;
    const ref = intervalReference(ctx, se, rule.from, se.recs.length, limit);
    if (ref === undefined) continue;
    earliest = Math.max(earliest, add(ref, rule.minInt, ref));
    if (rule.earliestRecInt) recInt = maxDay(recInt, addDuration(ref, rule.earliestRecInt));
    if (rule.latestRecInt) pastDueInt = maxDay(pastDueInt, addDuration(ref, rule.latestRecInt));
  }
  if (age?.minAge) earliest = Math.max(earliest, ageDay(ctx, age.minAge));
  else if (age?.absMinAge) earliest = Math.max(earliest, ageDay(ctx, age.absMinAge));
  earliest = Math.max(earliest, conflictEnd(ctx, td));
  if (td.season?.start !== undefined) earliest = Math.max(earliest, td.season.start);
  // A dose given by mistake still sets the earliest date of the next one (inadvertent administration).
  for (let k = 0; k < se.recs.length; k++) {
    const e = se.evals[k];
    const rec = se.recs[k];
    if (e?.reason === 'Inadvertent Vaccine' && rec) earliest = Math.max(earliest, rec.day);
  }
  const recommendedAge = age?.earliestRecAge ? ageDay(ctx, age.earliestRecAge) : undefined;
  const unadjustedRecommended = recommendedAge ?? recInt ?? earliest;
  const pastDueAge = age?.latestRecAge ? ageDay(ctx, age.latestRecAge) - 1 : undefined;
  const unadjustedPastDue = pastDueAge ?? (pastDueInt !== undefined ? pastDueInt - 1 : undefined);
  f.earliest = earliest;
  f.unadjustedRecommended = unadjustedRecommended;
  f.unadjustedPastDue = unadjustedPastDue;
  f.recommended = Math.max(earliest, unadjustedRecommended);
  f.pastDue = unadjustedPastDue === undefined ? undefined : Math.max(earliest, unadjustedPastDue);
  f.latest = maxAge === undefined ? undefined : maxAge - 1;
  f.priority = priority;
  f.vaccines = forecastVaccines(td);
}

/** Per target dose, its forecast vaccine codes (read-only once made: combineForecasts copies them). */
const forecastVaccinesOf = new WeakMap<SeriesDose, string[]>();

function forecastVaccines(td: SeriesDose): string[] {
  let codes = forecastVaccinesOf.get(td);
  if (!codes) {
    codes = td.preferable.filter((v) => v.forecast).map((v) => v.code);
    forecastVaccinesOf.set(td, codes);
  }
  return codes;
}

/** Latest end of a live-virus conflict window that a dose of this target dose's vaccines would fall in (LS 4.6 §7.5). */
function conflictEnd(ctx: Ctx, dose: SeriesDose): Day {
  let latest = DAY_MIN;
  const vaccines = dose.preferable.length > 0 ? dose.preferable : dose.allowable;
  for (const v of vaccines) {
    const conflicts = ctx.data.liveVirusConflicts.get(v.code);
    if (!conflicts) continue;
    for (const prev of ctx.history) {
      if (prev.day > ctx.assess) break;
      for (const c of conflicts) {
        if (c.previous === prev.code) latest = Math.max(latest, addDuration(prev.day, c.end));
      }
    }
  }
  return latest;
}

// ---------------------------------------------------------------------------------------------
// LS 4.6 ch. 8: select the best patient series

const isComplete = (se: SeriesEval) => se.forecast.status === 'Complete';
const isInProcess = (se: SeriesEval) => se.validCount > 0 && se.forecast.status === 'Not complete';

/** What §8.1's pre-filter asks of a whole group, gathered once per group (not per series). */
interface GroupFacts {
  /** The lowest (first) series priority in the group. */
  minPriority: string;
  noValidDoses: boolean;
  anyDefault: boolean;
}

function groupFacts(group: readonly SeriesEval[]): GroupFacts {
  let minPriority: string | undefined;
  let noValidDoses = true;
  let anyDefault = false;
  for (const o of group) {
    if (minPriority === undefined || o.series.seriesPriority < minPriority)
      minPriority = o.series.seriesPriority;
    if (o.validCount !== 0) noValidDoses = false;
    if (o.series.defaultSeries) anyDefault = true;
  }
  return { minPriority: minPriority ?? '', noValidDoses, anyDefault };
}

/** LS 4.6 §8.1 pre-filter: which series of a group may compete. */
function scorable(ctx: Ctx, se: SeriesEval, facts: GroupFacts): boolean {
  const s = se.series;
  if (s.type === 'Evaluation Only') return isComplete(se);
  if (s.type === 'Risk') return s.seriesPriority <= facts.minPriority;
  if (se.validCount > 0 && se.firstValidDay !== undefined) {
    const start = se.firstValidDay;
    return start < ageDay(ctx, s.maxAgeToStart, DAY_MAX);
  }
  // No valid doses anywhere in the group: all compete only when the group has no default series.
  return facts.noValidDoses && !facts.anyDefault;
}

/** Started at or after the series' minimum start age (with its first valid dose). */
function startedInTime(ctx: Ctx, se: SeriesEval): boolean {
  // The usual 4-day grace: a Heplisav-B series begun at 18 years - 4 days is begun in time.
  const start = se.series.minAgeToStart ? ageDay(ctx, se.series.minAgeToStart) - 4 : DAY_MIN;
  return se.firstValidDay === undefined || se.firstValidDay >= start;
}

/**
 * §8.1–8.2's narrowing of a group, as flags per series in one reused array rather than a filtered array
 * per step: every received message is judged, and those arrays were a tenth of the judgement's garbage.
 */
const CANDIDATE = 1;
const COMPLETE = 2;
const IN_PROCESS = 4;
let memberFlags = new Uint8Array(32);

function countFlagged(n: number, flag: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (memberFlags[i]! & flag) count++;
  return count;
}

function firstFlagged(group: readonly SeriesEval[], flag: number): SeriesEval | undefined {
  for (let i = 0; i < group.length; i++) if (memberFlags[i]! & flag) return group[i];
  return undefined;
}

function prioritise(ctx: Ctx, group: readonly SeriesEval[]): SeriesEval | undefined {
  const n = group.length;
  if (memberFlags.length < n) memberFlags = new Uint8Array(2 * n);
  const facts = groupFacts(group);
  // A candidate is flagged COMPLETE or IN_PROCESS too when it is one.
  let anyInTime = false;
  for (let i = 0; i < n; i++) {
    const se = group[i]!;
    let flags = 0;
    if (scorable(ctx, se, facts)) {
      flags = CANDIDATE;
      if (isComplete(se)) flags |= COMPLETE;
      if (isInProcess(se)) {
        flags |= IN_PROCESS;
        if (startedInTime(ctx, se)) anyInTime = true;
      }
    }
    memberFlags[i] = flags;
  }
  // Interpretation (docs/schedule.md): an unfinished series begun before its minimum start age gives way to one
  // begun in time (HPV 3-dose series, minimum start 15 years, against the 2-dose series for a 9-year-old).
  if (anyInTime)
    for (let i = 0; i < n; i++)
      if (memberFlags[i]! & IN_PROCESS && !startedInTime(ctx, group[i]!)) memberFlags[i] = 0;
  // LS 4.6 §8.2 identify one prioritised patient series
  const candidates = countFlagged(n, CANDIDATE);
  if (candidates === 0) {
    // A group nobody can start yet (e.g. the 50+ pneumococcal series for a child) has nothing to say.
    const notYet = group.every(
      (se) =>
        se.validCount === 0 && se.series.minAgeToStart && ctx.assess < ageDay(ctx, se.series.minAgeToStart),
    );
    return notYet ? undefined : group.find((se) => se.series.defaultSeries);
  }
  if (candidates === 1) return firstFlagged(group, CANDIDATE);
  const complete = countFlagged(n, COMPLETE);
  if (complete === 1) return firstFlagged(group, COMPLETE);
  const inProcess = countFlagged(n, IN_PROCESS);
  if (complete === 0 && inProcess === 1) return firstFlagged(group, IN_PROCESS);
  if (complete === 0 && inProcess === 0) {
    for (let i = 0; i < n; i++)
      if (memberFlags[i]! & CANDIDATE && group[i]!.series.defaultSeries) return group[i];
  }
  // LS 4.6 §8.3 classify, §8.4–8.6 score, §8.7 select
  const flag = complete >= 2 ? COMPLETE : inProcess >= 2 ? IN_PROCESS : CANDIDATE;
  const pool = group.filter((_, i) => memberFlags[i]! & flag);
  const scores =
    complete >= 2
      ? scoreComplete(pool)
      : inProcess >= 2
        ? scoreInProcess(pool)
        : scoreNoValidDoses(ctx, pool);
  let best = 0;
  for (let i = 1; i < pool.length; i++) {
    const si = scores[i] ?? 0;
    const sb = scores[best] ?? 0;
    const pi = pool[i];
    const pb = pool[best];
    if (!pi || !pb) continue;
    if (si > sb || (si === sb && pi.series.seriesPreference < pb.series.seriesPreference)) best = i;
  }
  return pool[best];
}

/** +win / 0 tie / -lose for "the most" (or "the least" with `lowest`). */
function rank(values: readonly number[], i: number, win: number, lowest = false): number {
  const v = values[i] ?? 0;
  const target = lowest ? Math.min(...values) : Math.max(...values);
  if (v !== target) return -win;
  return values.filter((x) => x === target).length === 1 ? win : 0;
}

/** LS 4.6 §8.4 complete patient series: the one with the most valid doses (ties go to series preference). */
function scoreComplete(pool: readonly SeriesEval[]): number[] {
  const valid = pool.map((se) => se.validCount);
  return pool.map((_, i) => rank(valid, i, 1));
}

function productAllValid(se: SeriesEval, points: number): number {
  if (!se.series.productPath) return -points;
  let any = false;
  for (let k = 0; k < se.recs.length; k++) {
    const e = se.evals[k];
    if (!e || e.target < 0) continue;
    if (e.status !== 'Valid') return -points;
    any = true;
  }
  return any ? points : -points;
}

function scoreInProcess(pool: readonly SeriesEval[]): number[] {
  const valid = pool.map((se) => se.validCount);
  const remaining = pool.map((se) => se.series.doses.length - Math.max(se.forecast.target, se.next));
  const finish = pool.map((se) => (se.forecast.completable ? se.forecast.finish : DAY_MAX));
  return pool.map(
    (se, i) =>
      productAllValid(se, 2) +
      (se.forecast.completable ? 3 : -3) +
      rank(valid, i, 2) +
      rank(remaining, i, 2, true) +
      (se.forecast.completable ? rank(finish, i, 1, true) : -1),
  );
}

function scoreNoValidDoses(ctx: Ctx, pool: readonly SeriesEval[]): number[] {
  const start = pool.map((se) => ageDay(ctx, se.series.minAgeToStart, ctx.dob));
  return pool.map(
    (se, i) =>
      rank(start, i, 1, true) + (se.forecast.completable ? 1 : -1) + (se.series.productPath ? -1 : 1),
  );
}

/** No best series: shared, since no caller modifies a `best` list (groupDoses sorts a copy). */
const NO_SERIES: readonly SeriesEval[] = [];

/** LS 4.6 §8.8: prioritised series of each series group, kept unless an equivalent group covers it. */
function bestSeries(ctx: Ctx, evals: readonly SeriesEval[]): readonly SeriesEval[] {
  const first = evals[0];
  if (!first) return NO_SERIES;
  // Most antigens have one series group (all of the RVP's): no grouping, no lists to allocate.
  let oneGroup = true;
  for (const se of evals) if (se.series.seriesGroup !== first.series.seriesGroup) oneGroup = false;
  if (oneGroup) {
    const p = prioritise(ctx, evals);
    const eq = p && p.series.equivalentSeriesGroups === first.series.seriesGroup ? p : undefined;
    return p && keptAsBest(p, eq) ? [p] : NO_SERIES;
  }
  // Arrays rather than maps: an antigen has a handful of relevant series in one or two groups.
  const groupNames: string[] = [];
  const groups: SeriesEval[][] = [];
  for (const se of evals) {
    const i = groupNames.indexOf(se.series.seriesGroup);
    if (i >= 0) groups[i]?.push(se);
    else {
      groupNames.push(se.series.seriesGroup);
      groups.push([se]);
    }
  }
  const prioritisedNames: string[] = [];
  const prioritised: SeriesEval[] = [];
  for (let i = 0; i < groups.length; i++) {
    const p = prioritise(ctx, groups[i] ?? []);
    if (p) {
      prioritisedNames.push(groupNames[i] ?? '');
      prioritised.push(p);
    }
  }
  const best: SeriesEval[] = [];
  for (const p of prioritised) {
    const eqName = p.series.equivalentSeriesGroups;
    const eq = eqName !== undefined ? prioritised[prioritisedNames.indexOf(eqName)] : undefined;
    if (keptAsBest(p, eq)) best.push(p);
  }
  return best;
}

/** §8.8: a group's prioritised series `p` stays a best series unless its equivalent group's (`eq`) covers it. */
function keptAsBest(p: SeriesEval, eq: SeriesEval | undefined): boolean {
  const eqComplete = eq !== undefined && isComplete(eq);
  return (
    isComplete(p) ||
    (!eqComplete && p.series.type === 'Risk') ||
    (!eqComplete && p.series.type === 'Standard' && eq?.series.type !== 'Risk') ||
    (p.series.type === 'Evaluation Only' && !eqComplete)
  );
}

// ---------------------------------------------------------------------------------------------
// LS 4.6 ch. 9: vaccine groups

const STATUS_ORDER: readonly SeriesStatus[] = [
  'Contraindicated',
  'Aged Out',
  'Not Recommended',
  'Not complete',
];

function combineStatus(statuses: readonly SeriesStatus[], multipleAntigens: boolean): SeriesStatus {
  if (statuses.length === 0) return 'Not Recommended';
  if (!multipleAntigens) {
    // Series groups of one antigen are alternatives: a due dose on any path is what counts.
    if (statuses.includes('Not complete')) return 'Not complete';
    if (statuses.includes('Complete')) return 'Complete';
  }
  for (const s of STATUS_ORDER) if (statuses.includes(s)) return s;
  if (statuses.every((s) => s === 'Immune')) return 'Immune';
  return 'Complete';
}

interface ForecastDays {
  earliest: Day | undefined;
  recommended: Day | undefined;
  pastDue: Day | undefined;
  latest: Day | undefined;
  doseNumber: number | undefined;
  vaccines: string[];
}

function combineForecasts(
  ctx: Ctx,
  group: VaccineGroup | undefined,
  forecasting: readonly SeriesEval[],
  multipleAntigens: boolean,
): ForecastDays {
  const out: ForecastDays = {
    earliest: undefined,
    recommended: undefined,
    pastDue: undefined,
    latest: undefined,
    doseNumber: undefined,
    vaccines: [],
  };
  if (forecasting.length === 0) return out;
  let earliest: Day;
  let minEarliest = Infinity;
  let maxEarliest = -Infinity;
  let anyPriority = false;
  for (const se of forecasting) {
    const e = se.forecast.earliest ?? DAY_MIN;
    if (e < minEarliest) minEarliest = e;
    if (e > maxEarliest) maxEarliest = e;
    if (se.forecast.priority) anyPriority = true;
  }
  if (!multipleAntigens) earliest = minEarliest;
  else if (anyPriority) {
    // LS 4.6 §9.3: a priority forecast may come first, but not before the group's last dose.
    earliest = minEarliest;
    let last = DAY_MIN;
    const antigens = new Set(group?.antigens ?? []);
    for (const rec of ctx.history) {
      if (rec.day > ctx.assess) break;
      const v = ctx.data.vaccineCodes.get(rec.code);
      if (v?.associations.some((a) => antigens.has(a.antigen))) last = rec.day;
    }
    earliest = Math.max(earliest, last);
  } else earliest = maxEarliest;
  out.earliest = earliest;
  let rec: Day | undefined;
  let due: Day | undefined;
  let latest: Day | undefined;
  for (const se of forecasting) {
    const f = se.forecast;
    if (f.recommended !== undefined) rec = rec === undefined ? f.recommended : Math.min(rec, f.recommended);
    if (f.pastDue !== undefined) due = due === undefined ? f.pastDue : Math.min(due, f.pastDue);
    if (f.latest !== undefined) latest = latest === undefined ? f.latest : Math.min(latest, f.latest);
    const dn = se.series.doses[f.target]?.doseNumber;
    if (dn !== undefined) out.doseNumber = Math.max(out.doseNumber ?? 0, dn);
    for (const v of f.vaccines) if (!out.vaccines.includes(v)) out.vaccines.push(v);
  }
  out.recommended = rec === undefined ? earliest : Math.max(rec, earliest);
  out.pastDue = due === undefined ? undefined : Math.max(due, earliest);
  out.latest = latest;
  return out;
}

function toForecast(f: ForecastDays): Forecast {
  const earliest = f.earliest === undefined ? null : toIso(f.earliest);
  const recommended = f.recommended === undefined ? null : toIso(f.recommended);
  const pastDue = f.pastDue === undefined ? null : toIso(f.pastDue);
  const latest = f.latest === undefined ? null : toIso(f.latest);
  // Same key order as before (doseNumber before recommendedVaccines): callers serialise results.
  return f.doseNumber !== undefined
    ? { earliest, recommended, pastDue, latest, doseNumber: f.doseNumber, recommendedVaccines: f.vaccines }
    : { earliest, recommended, pastDue, latest, recommendedVaccines: f.vaccines };
}

/** A forecast with no dates: a fresh object each time, because callers may hold on to its vaccine list. */
function emptyForecast(): Forecast {
  return { earliest: null, recommended: null, pastDue: null, latest: null, recommendedVaccines: [] };
}

function activeRank(se: SeriesEval): number {
  const s = se.forecast.status;
  return s === 'Not complete' || s === 'Complete' ? 0 : 1;
}

const DOSE_STATUS_RANK: Record<DoseStatus, number> = {
  'Not Valid': 3,
  'Sub-standard': 2,
  Extraneous: 1,
  Valid: 0,
};

// ---------------------------------------------------------------------------------------------
// Entry point

interface AntigenOutcome {
  readonly antigen: string;
  readonly best: readonly SeriesEval[];
  readonly status: SeriesStatus;
}

/**
 * Antigens whose series and immunity data are identical apart from names (RVP: diphtheria and tetanus;
 * measles, mumps and rubella) get the same key, per schedule. With the same antigen records their
 * evaluation is the same, so one patient's evaluation is done once and the twin gets a copy under its own
 * series names. The schedule data is never modified after it is built (model.ts), so the keys hold.
 */
const shapeKeysBySchedule = new WeakMap<ScheduleData, ReadonlyMap<string, number>>();

/** A small number per distinct shape: the canonical texts are long, and comparing them per patient cost more than it saved. */
function shapeKey(data: ScheduleData, antigen: string): number | undefined {
  let keys = shapeKeysBySchedule.get(data);
  if (!keys) {
    const ids = new Map<string, number>();
    const m = new Map<string, number>();
    for (const [name, a] of data.antigens) {
      const text = canonical(a.series, 1) + canonical(a.immunityByBirthDate, 0);
      let id = ids.get(text);
      if (id === undefined) {
        id = ids.size;
        ids.set(text, id);
      }
      m.set(name, id);
    }
    keys = m;
    shapeKeysBySchedule.set(data, keys);
  }
  return keys.get(antigen);
}

/** Fields of a series that only name it; everything else takes part in the evaluation. */
const NAMING_FIELDS = new Set(['name', 'antigen', 'vaccineGroup', 'source']);

/** A deterministic text of a data value; `seriesDepth` 1 = an array of series, whose naming fields are left out. */
function canonical(value: unknown, seriesDepth: number): string {
  if (value === undefined) return 'u';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Set)
    return `S[${[...(value as Set<unknown>)]
      .map((x) => canonical(x, -1))
      .sort()
      .join(',')}]`;
  if (value instanceof Map)
    return `M[${[...(value as Map<unknown, unknown>)]
      .map(([k, x]) => `${canonical(k, -1)}:${canonical(x, -1)}`)
      .sort()
      .join(',')}]`;
  if (Array.isArray(value))
    return `[${value.map((x) => canonical(x, seriesDepth === 1 ? 0 : -1)).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => !(seriesDepth === 0 && NAMING_FIELDS.has(k)))
    .map((k) => `${k}:${canonical(o[k], -1)}`)
    .join(',')}}`;
}

let shareTwins = true;

const groupWithSeries: AntigenOutcome[] = [];
const groupStatuses: SeriesStatus[] = [];
const groupForecasting: SeriesEval[] = [];

/**
 * @internal For tests (test/domain/schedule/engine-fast-path.test.ts): evaluateAndForecast with every
 * antigen evaluated on its own, the reference the twin sharing must equal.
 */
export function evaluateAndForecastUnshared(
  ...args: Parameters<typeof evaluateAndForecast>
): VaccineGroupResult[] {
  shareTwins = false;
  try {
    return evaluateAndForecast(...args);
  } finally {
    shareTwins = true;
  }
}

interface Twin {
  readonly recs: readonly Rec[];
  readonly series: readonly AntigenSeries[];
  readonly outcome: AntigenOutcome;
}

function sameRecords(a: readonly Rec[], b: readonly Rec[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function evaluateAntigen(ctx: Ctx, antigen: string, twins: Map<number, Twin>): AntigenOutcome {
  const data = ctx.data.antigens.get(antigen);
  if (!data) return { antigen, best: [], status: 'Not Recommended' };
  const recs = antigenRecords(ctx, antigen);
  const key = shareTwins ? shapeKey(ctx.data, antigen) : undefined;
  const twin = key === undefined ? undefined : twins.get(key);
  if (twin && sameRecords(twin.recs, recs)) {
    const best = twin.outcome.best.map((se) => {
      const series = data.series[twin.series.indexOf(se.series)];
      return series ? { ...se, series } : se;
    });
    return { antigen, best, status: twin.outcome.status };
  }
  const outcome = evaluateAntigenFully(ctx, antigen, data, recs);
  if (key !== undefined && !twin) twins.set(key, { recs, series: data.series, outcome });
  return outcome;
}

const relevantSeries: SeriesEval[] = [];

function evaluateAntigenFully(
  ctx: Ctx,
  antigen: string,
  data: AntigenData,
  recs: readonly Rec[],
): AntigenOutcome {
  const immune = isImmune(ctx, data);
  // Scratch, like the evaluations in it: bestSeries keeps none of the list.
  const evals = relevantSeries;
  evals.length = 0;
  for (const series of data.series) {
    if (!isRelevant(ctx, series)) continue;
    const se = newSeriesEval(series, recs);
    evaluateSeries(ctx, se);
    forecastSeries(ctx, se, immune);
    evals.push(se);
  }
  const best = bestSeries(ctx, evals);
  return {
    antigen,
    best,
    // One best series (the usual case) has its own status; combineStatus of one status is that status.
    status:
      best.length === 1
        ? best[0]!.forecast.status
        : combineStatus(
            best.map((se) => se.forecast.status),
            false,
          ),
  };
}

interface GroupSelection {
  /** Lower-case names of the vaccine groups asked for. */
  readonly groups: ReadonlySet<string>;
  /** The antigens of those groups. */
  readonly antigens: ReadonlySet<string>;
}

/** Per schedule, the selections asked for so far (bulk callers ask for the same few again and again). */
const selectionsBySchedule = new WeakMap<ScheduleData, Map<string, GroupSelection>>();
const SELECTIONS_LIMIT = 1024;

function selectGroups(data: ScheduleData, names: readonly string[]): GroupSelection {
  let selections = selectionsBySchedule.get(data);
  if (!selections) selectionsBySchedule.set(data, (selections = new Map()));
  const key = JSON.stringify(names);
  let selection = selections.get(key);
  if (!selection) {
    const groups = new Set(names.map((g) => g.toLowerCase()));
    const antigens = new Set<string>();
    for (const g of data.vaccineGroups)
      if (groups.has(g.name.toLowerCase())) for (const a of g.antigens) antigens.add(a);
    selection = { groups, antigens };
    if (selections.size >= SELECTIONS_LIMIT) selections.clear();
    selections.set(key, selection);
  }
  return selection;
}

/**
 * Judges every dose and forecasts the next one, per vaccine group, as of `assessmentDate`
 * (LS 4.6 ch. 4–9). Doses whose code the schedule does not know are ignored.
 */
export function evaluateAndForecast(
  data: ScheduleData,
  patient: PatientInput,
  doses: readonly DoseInput[],
  assessmentDate: IsoDate,
  options: EvaluateOptions = {},
): VaccineGroupResult[] {
  beginEvaluation();
  const selection = options.vaccineGroups ? selectGroups(data, options.vaccineGroups) : undefined;
  const wanted = selection?.groups;
  const ctx = buildContext(data, patient, doses, assessmentDate, selection?.antigens);
  const results: VaccineGroupResult[] = [];
  const detail = options.detail !== false;
  const withDoses = options.doses !== false;
  const antigenCache = new Map<string, AntigenOutcome>();
  const twins = new Map<number, Twin>();
  // Bulk callers (registry runs, intake feedback, coverage) take detail: false; plain loops and no
  // per-antigen objects keep that path's allocation (and so its GC share) low.
  for (const group of data.vaccineGroups) {
    if (wanted && !wanted.has(group.name.toLowerCase())) continue;
    const multiple = group.antigens.length > 1;
    const outcomes: AntigenOutcome[] | undefined = detail ? [] : undefined;
    // Scratch lists: groupDoses, combineStatus and combineForecasts keep none of them.
    const withSeries = groupWithSeries;
    const statuses = groupStatuses;
    const forecasting = groupForecasting;
    withSeries.length = 0;
    statuses.length = 0;
    forecasting.length = 0;
    for (const a of group.antigens) {
      let o = antigenCache.get(a);
      if (!o) {
        o = evaluateAntigen(ctx, a, twins);
        antigenCache.set(a, o);
      }
      outcomes?.push(o);
      if (o.best.length === 0) continue;
      withSeries.push(o);
      statuses.push(o.status);
      if (o.status === 'Not complete')
        for (const se of o.best) if (se.forecast.status === 'Not complete') forecasting.push(se);
    }
    const status = combineStatus(statuses, multiple);
    results.push({
      vaccineGroup: group.name,
      seriesStatus: status,
      doses: withDoses ? groupDoses(withSeries, detail, options.listDose) : [],
      forecast:
        status === 'Not complete'
          ? toForecast(combineForecasts(ctx, group, forecasting, multiple))
          : emptyForecast(),
      antigens: outcomes ? outcomes.map((o) => antigenResult(ctx, o)) : [],
    });
  }
  return results;
}

function antigenResult(ctx: Ctx, o: AntigenOutcome): AntigenResult {
  const series: string[] = [];
  const forecasting: SeriesEval[] = [];
  for (const se of o.best) {
    series.push(se.series.name);
    if (se.forecast.status === 'Not complete') forecasting.push(se);
  }
  return {
    antigen: o.antigen,
    series,
    status: o.status,
    forecast:
      o.status === 'Not complete'
        ? toForecast(combineForecasts(ctx, undefined, forecasting, false))
        : emptyForecast(),
  };
}

/** One input dose's judgement in a vaccine group, accumulated over the group's antigens. */
interface DoseEntry {
  readonly rec: Rec;
  /** The first antigen judgement of the highest rank (DOSE_STATUS_RANK). */
  worst: DoseStatus;
  worstReason: DoseReason | undefined;
  anyValid: boolean;
  /** Per-antigen judgements, only with detail. */
  readonly antigens: AntigenDoseResult[];
}

type MutableAntigenDose = { -readonly [K in keyof AntigenDoseResult]: AntigenDoseResult[K] };

function groupDoses(
  outcomes: readonly AntigenOutcome[],
  detail: boolean,
  listDose: ((index: number) => boolean) | undefined,
): GroupDoseResult[] {
  // Per input dose (indexed by its input position): the judgement of each antigen in the group, then one
  // status for the group.
  const byIndex: (DoseEntry | undefined)[] = [];
  for (const o of outcomes) {
    // With several best series (series groups), a dose counts where it is valid; otherwise the active series speaks.
    const ordered = o.best.length > 1 ? [...o.best].sort((a, b) => activeRank(a) - activeRank(b)) : o.best;
    const first = ordered[0];
    if (!first) continue;
    for (let k = 0; k < first.recs.length; k++) {
      const rec = first.recs[k];
      if (!rec || (listDose && !listDose(rec.index))) continue;
      let se = first;
      if (ordered.length > 1) {
        for (const other of ordered) {
          if (other.evals[k]?.status === 'Valid') {
            se = other;
            break;
          }
        }
      }
      const e = se.evals[k];
      if (!e) continue;
      let entry = byIndex[rec.index];
      if (!entry) {
        entry = { rec, worst: e.status, worstReason: e.reason, anyValid: false, antigens: [] };
        while (byIndex.length < rec.index) byIndex.push(undefined);
        byIndex[rec.index] = entry;
      } else if (DOSE_STATUS_RANK[e.status] > DOSE_STATUS_RANK[entry.worst]) {
        entry.worst = e.status;
        entry.worstReason = e.reason;
      }
      if (e.status === 'Valid') entry.anyValid = true;
      if (detail) {
        const target = se.series.doses[e.target]?.doseNumber;
        // Built key by key in the order the results have always had (callers serialise them).
        const item: MutableAntigenDose = { antigen: o.antigen, series: se.series.name, status: e.status };
        if (target !== undefined) item.targetDose = target;
        if (e.reason !== undefined) item.reason = e.reason;
        if (e.reasons !== undefined && e.reasons.length > 1) item.reasons = [...e.reasons];
        if (e.grace) item.grace = true;
        entry.antigens.push(item);
      }
    }
  }
  const out: GroupDoseResult[] = [];
  for (const entry of byIndex) {
    if (!entry) continue;
    const { rec } = entry;
    // A dose that counts for one antigen and is merely extra for another (Tdap after pertussis is done) counts.
    const status: DoseStatus = entry.worst === 'Extraneous' && entry.anyValid ? 'Valid' : entry.worst;
    const reason = status !== 'Valid' ? entry.worstReason : undefined;
    const date = toIso(rec.day);
    const antigens = detail ? entry.antigens : [];
    out.push(
      reason !== undefined
        ? { index: rec.index, date, code: rec.code, status, reason, antigens }
        : { index: rec.index, date, code: rec.code, status, antigens },
    );
  }
  return out;
}

export interface SeriesExplanation {
  readonly series: string;
  readonly seriesGroup: string;
  readonly status: SeriesStatus;
  readonly validDoses: number;
  readonly best: boolean;
  readonly doses: readonly {
    date: IsoDate;
    code: string;
    targetDose?: number;
    status: DoseStatus;
    reason?: string;
  }[];
  readonly forecast: {
    targetDose?: number;
    earliest: IsoDate | null;
    recommended: IsoDate | null;
    pastDue: IsoDate | null;
    finish: IsoDate | null;
  };
}

/** Every relevant patient series of one antigen with its evaluation and forecast: the working behind a result. */
export function explainAntigen(
  data: ScheduleData,
  patient: PatientInput,
  doses: readonly DoseInput[],
  assessmentDate: IsoDate,
  antigen: string,
): SeriesExplanation[] {
  beginEvaluation();
  const ctx = buildContext(data, patient, doses, assessmentDate);
  const a = data.antigens.get(antigen);
  if (!a) return [];
  const recs = antigenRecords(ctx, antigen);
  const immune = isImmune(ctx, a);
  const evals = a.series
    .filter((s) => isRelevant(ctx, s))
    .map((s) => {
      const se = newSeriesEval(s, recs);
      evaluateSeries(ctx, se);
      forecastSeries(ctx, se, immune);
      return se;
    });
  const best = new Set(bestSeries(ctx, evals));
  const iso = (d: Day | undefined) => (d === undefined || d >= DAY_MAX ? null : toIso(d));
  return evals.map((se) => ({
    series: se.series.name,
    seriesGroup: se.series.seriesGroup,
    status: se.forecast.status,
    validDoses: se.validCount,
    best: best.has(se),
    doses: se.recs.map((rec, k) => {
      const e = se.evals[k];
      const target = e ? se.series.doses[e.target]?.doseNumber : undefined;
      return {
        date: toIso(rec.day),
        code: rec.code,
        ...(target !== undefined ? { targetDose: target } : {}),
        status: e?.status ?? 'Not Valid',
        ...(e?.reason !== undefined ? { reason: e.reason } : {}),
      };
    }),
    forecast: {
      ...(se.forecast.target >= 0 ? { targetDose: se.series.doses[se.forecast.target]?.doseNumber } : {}),
      earliest: iso(se.forecast.earliest),
      recommended: iso(se.forecast.recommended),
      pastDue: iso(se.forecast.pastDue),
      finish: iso(se.forecast.finish),
    },
  }));
}
