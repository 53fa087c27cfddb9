/**
 * CDC CDSi test cases (the "FITS Exported TestCases" sheet as NDJSON, one case per line): reading,
 * running through the engine, and judging the outcome against the expected one.
 *
 * "Pass": the evaluation status of every dose (and its reason where the case gives one), the series
 * status, and the forecast's earliest, recommended and past-due dates all match, after normalising
 * labels (case, spacing, punctuation).
 */
import { isIsoDate, type IsoDate } from '../dates/index.js';
import { evaluateAndForecast, type DoseInput, type VaccineGroupResult } from './engine.js';
import type { ScheduleData } from './model.js';

export interface CdsiCaseDose {
  readonly date: IsoDate;
  readonly cvx: string;
  readonly mvx?: string;
  readonly name?: string;
  readonly expectedStatus?: string;
  readonly expectedReason?: string;
}

export interface CdsiCase {
  readonly id: string;
  readonly name: string;
  readonly birthDate: IsoDate;
  readonly gender: string;
  readonly assessmentDate: IsoDate;
  /** As written in the case (e.g. 'DTAP', 'PCV'). */
  readonly vaccineGroup: string;
  readonly doses: readonly CdsiCaseDose[];
  readonly expected: {
    readonly seriesStatus: string;
    readonly earliest: IsoDate | null;
    readonly recommended: IsoDate | null;
    readonly pastDue: IsoDate | null;
  };
}

export interface CdsiCaseOutput {
  readonly id: string;
  readonly vaccineGroup: string;
  readonly seriesStatus: string;
  readonly doses: readonly { readonly status: string | null; readonly reason: string | null }[];
  readonly forecast: {
    readonly earliest: IsoDate | null;
    readonly recommended: IsoDate | null;
    readonly pastDue: IsoDate | null;
  };
}

export class CdsiCaseError extends Error {}

function field(row: Record<string, unknown>, key: string): string | undefined {
  const v = row[key];
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

function date(row: Record<string, unknown>, key: string, required: boolean): IsoDate | null {
  const v = field(row, key);
  if (v === undefined) {
    if (required) throw new CdsiCaseError(`${key} is missing`);
    return null;
  }
  if (!isIsoDate(v)) throw new CdsiCaseError(`${key} is not a date (YYYY-MM-DD): "${v}"`);
  return v;
}

/** One test case from its parsed JSON object. Throws CdsiCaseError when a needed field is missing or malformed. */
export function parseCdsiCase(value: unknown): CdsiCase {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CdsiCaseError('a test case must be a JSON object');
  }
  const row = value as Record<string, unknown>;
  const id = field(row, 'CDC_Test_ID');
  if (id === undefined) throw new CdsiCaseError('CDC_Test_ID is missing');
  const birthDate = date(row, 'DOB', true) as IsoDate;
  const assessmentDate = date(row, 'Assessment_Date', true) as IsoDate;
  const vaccineGroup = field(row, 'Vaccine_Group');
  if (vaccineGroup === undefined) throw new CdsiCaseError('Vaccine_Group is missing');
  const doses: CdsiCaseDose[] = [];
  for (let n = 1; n <= 20; n++) {
    const d = date(row, `Date_Administered_${n}`, false);
    if (d === null) continue;
    const cvx = field(row, `CVX_${n}`);
    if (cvx === undefined) throw new CdsiCaseError(`CVX_${n} is missing for Date_Administered_${n}`);
    const mvx = field(row, `MVX_${n}`);
    const name = field(row, `Vaccine_Name_${n}`);
    const expectedStatus = field(row, `Evaluation_Status_${n}`);
    const expectedReason = field(row, `Evaluation_Reason_${n}`);
    doses.push({
      date: d,
      cvx,
      ...(mvx !== undefined ? { mvx } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(expectedStatus !== undefined ? { expectedStatus } : {}),
      ...(expectedReason !== undefined ? { expectedReason } : {}),
    });
  }
  return {
    id,
    name: field(row, 'Test_Case_Name') ?? '',
    birthDate,
    gender: field(row, 'gender') ?? field(row, 'Gender') ?? '',
    assessmentDate,
    vaccineGroup,
    doses,
    expected: {
      seriesStatus: field(row, 'Series_Status') ?? '',
      earliest: date(row, 'Earliest_Date', false),
      recommended: date(row, 'Recommended_Date', false),
      pastDue: date(row, 'Past_Due_Date', false),
    },
  };
}

/** Lower case, punctuation and spacing folded: "Interval: too Soon" = "interval too soon". */
export function normaliseLabel(value: string | null | undefined): string {
  return (value ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9+]+/g, ' ')
    .trim();
}

const GROUP_ALIASES: Record<string, string> = {
  dtap: 'DTaP/Tdap/Td',
  tdap: 'DTaP/Tdap/Td',
  td: 'DTaP/Tdap/Td',
  pol: 'Polio',
  ipv: 'Polio',
  hib: 'Hib',
  pcv: 'Pneumococcal',
  pneumo: 'Pneumococcal',
  var: 'Varicella',
  vzv: 'Varicella',
  rota: 'Rotavirus',
  mcv: 'Meningococcal',
  mcv4: 'Meningococcal',
  menacwy: 'Meningococcal',
  menb: 'Meningococcal B',
  flu: 'Influenza',
  hepa: 'HepA',
  hepb: 'HepB',
  je: 'Japanese Encephalitis',
  yf: 'Yellow Fever',
  mpox: 'Orthopoxvirus',
};

/** The data's vaccine group for a test case label ('DTAP' → 'DTaP/Tdap/Td'); undefined when unknown. */
export function resolveVaccineGroup(data: ScheduleData, label: string): string | undefined {
  const key = label.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const alias = GROUP_ALIASES[key];
  if (alias !== undefined && data.vaccineGroups.some((g) => g.name === alias)) return alias;
  return data.vaccineGroups.find((g) => g.name.toLowerCase().replace(/[^a-z0-9]+/g, '') === key)?.name;
}

/** Runs one case through the engine, as of its assessment date. */
export function runCdsiCase(data: ScheduleData, c: CdsiCase): CdsiCaseOutput {
  const group = resolveVaccineGroup(data, c.vaccineGroup);
  const doses: DoseInput[] = c.doses.map((d) => ({
    date: d.date,
    cvx: d.cvx,
    ...(d.mvx ? { mvx: d.mvx } : {}),
  }));
  const patient = { birthDate: c.birthDate, gender: c.gender };
  let results = evaluateAndForecast(data, patient, doses, c.assessmentDate, {
    vaccineGroups: group ? [group] : [],
  });
  const mine = results.find((r) => r.vaccineGroup === group);
  if (c.doses.some((_, i) => !mine?.doses.some((d) => d.index === i))) {
    // Some dose belongs to another group (e.g. influenza in a varicella case): judge it there.
    results = evaluateAndForecast(data, patient, doses, c.assessmentDate);
  }
  return {
    id: c.id,
    vaccineGroup: c.vaccineGroup,
    seriesStatus: mine?.seriesStatus ?? 'Not Recommended',
    doses: c.doses.map((_, i) => doseOutcome(results, mine, i)),
    forecast: {
      earliest: mine?.forecast.earliest ?? null,
      recommended: mine?.forecast.recommended ?? null,
      pastDue: mine?.forecast.pastDue ?? null,
    },
  };
}

/** A dose's judgement in the case's vaccine group, else in the group it belongs to (e.g. an influenza dose in a varicella case). */
function doseOutcome(
  results: readonly VaccineGroupResult[],
  mine: VaccineGroupResult | undefined,
  index: number,
): { status: string | null; reason: string | null } {
  const hit =
    mine?.doses.find((d) => d.index === index) ??
    results.flatMap((r) => r.doses).find((d) => d.index === index);
  if (!hit) return { status: null, reason: null };
  return { status: hit.status, reason: hit.reason ?? null };
}

export interface CdsiMismatch {
  readonly field: string;
  readonly expected: string | null;
  readonly actual: string | null;
}

/** Differences between the expected outcome and ours; empty means the case passes. */
export function compareCdsiCase(c: CdsiCase, out: CdsiCaseOutput): CdsiMismatch[] {
  const misses: CdsiMismatch[] = [];
  c.doses.forEach((d, i) => {
    const got = out.doses[i];
    if (d.expectedStatus !== undefined && normaliseLabel(d.expectedStatus) !== normaliseLabel(got?.status)) {
      misses.push({ field: `dose ${i + 1} status`, expected: d.expectedStatus, actual: got?.status ?? null });
    }
    if (d.expectedReason !== undefined && normaliseLabel(d.expectedReason) !== normaliseLabel(got?.reason)) {
      misses.push({ field: `dose ${i + 1} reason`, expected: d.expectedReason, actual: got?.reason ?? null });
    }
  });
  if (normaliseLabel(c.expected.seriesStatus) !== normaliseLabel(out.seriesStatus)) {
    misses.push({ field: 'series status', expected: c.expected.seriesStatus, actual: out.seriesStatus });
  }
  for (const key of ['earliest', 'recommended', 'pastDue'] as const) {
    if (c.expected[key] !== out.forecast[key]) {
      misses.push({ field: key, expected: c.expected[key], actual: out.forecast[key] });
    }
  }
  return misses;
}
