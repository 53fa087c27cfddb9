/**
 * Coverage indicators (vaccinatiegraad) as the RIVM measures them: per birth cohort, the share of
 * children who had the required number of *valid* doses before an age limit (the "vaccinatiegraad met
 * leeftijdsgrens"). Sources and the choices we made are in docs/coverage.md; pure, no I/O.
 */
import { addMonths, nthBirthday, type IsoDate } from '../dates/index.js';

export type AgeGroup = 'zuigelingen' | 'kleuters' | 'schoolkinderen' | 'adolescenten';

export interface CoverageIndicator {
  /** Stable id used in the API, CSV and the per-person bitmask (`bit`). */
  readonly code: string;
  /** Position in `coverage_person.met`; never reuse a bit for another meaning. */
  readonly bit: number;
  /** Dutch label for pages and reports. */
  readonly label: string;
  readonly ageGroup: AgeGroup;
  /** Doses count only when given before this birthday (years). */
  readonly ageLimitYears: number;
  /** …and from this age (months): an adolescent dose given at 14 months does not count. */
  readonly fromAgeMonths: number;
  /** W0422 vaccine types whose valid doses count. */
  readonly vaccineTypes: readonly string[];
  /** Valid doses (on distinct days) needed. */
  readonly doses: number;
  /** Cohorts (birth dates) the indicator applies to. */
  readonly bornFrom?: IsoDate;
  readonly bornBefore?: IsoDate;
  /** Denominator: everyone, or girls only (W0023 gender '2'). */
  readonly population: 'all' | 'female';
}

/** The indicators, after RIVM's yearly report "Vaccinatiegraad en jaarverslag RVP" (docs/coverage.md). */
export const COVERAGE_INDICATORS: readonly CoverageIndicator[] = [
  {
    code: 'dktp-hib-hepb-basic',
    bit: 0,
    label: 'DKTP-Hib-HepB basisimmuun (2 doses) op 2 jaar',
    ageGroup: 'zuigelingen',
    ageLimitYears: 2,
    fromAgeMonths: 0,
    vaccineTypes: ['11'],
    doses: 2,
    population: 'all',
  },
  {
    code: 'dktp-hib-hepb-complete',
    bit: 1,
    label: 'DKTP-Hib-HepB volledig (3 doses) op 2 jaar',
    ageGroup: 'zuigelingen',
    ageLimitYears: 2,
    fromAgeMonths: 0,
    vaccineTypes: ['11'],
    doses: 3,
    population: 'all',
  },
  {
    code: 'pneu-complete',
    bit: 2,
    label: 'Pneumokokken volledig (3 doses) op 2 jaar',
    ageGroup: 'zuigelingen',
    ageLimitYears: 2,
    fromAgeMonths: 0,
    vaccineTypes: ['08'],
    doses: 3,
    population: 'all',
  },
  {
    code: 'bmr-1',
    bit: 3,
    label: 'BMR 1e vaccinatie op 2 jaar',
    ageGroup: 'zuigelingen',
    ageLimitYears: 2,
    fromAgeMonths: 0,
    vaccineTypes: ['04'],
    doses: 1,
    population: 'all',
  },
  {
    code: 'menacwy-infant',
    bit: 4,
    label: 'MenACWY (14 maanden) op 2 jaar',
    ageGroup: 'zuigelingen',
    ageLimitYears: 2,
    fromAgeMonths: 0,
    vaccineTypes: ['28'],
    doses: 1,
    population: 'all',
  },
  {
    code: 'rota',
    bit: 5,
    label: 'Rotavirus (2 doses) op 1 jaar',
    ageGroup: 'zuigelingen',
    ageLimitYears: 1,
    fromAgeMonths: 0,
    vaccineTypes: ['29'],
    doses: 2,
    bornFrom: '2024-01-01',
    population: 'all',
  },
  {
    code: 'dktp-preschool',
    bit: 6,
    label: 'Kleuterboost DKTP/DKT op 6 jaar',
    ageGroup: 'kleuters',
    ageLimitYears: 6,
    fromAgeMonths: 36,
    vaccineTypes: ['27', '13'],
    doses: 1,
    population: 'all',
  },
  {
    code: 'dtp-school',
    bit: 7,
    label: 'DTP (9 jaar) op 10 jaar',
    ageGroup: 'schoolkinderen',
    ageLimitYears: 10,
    fromAgeMonths: 96,
    vaccineTypes: ['02'],
    doses: 1,
    bornBefore: '2016-01-01',
    population: 'all',
  },
  {
    code: 'bmr-2',
    bit: 8,
    label: 'BMR 2e vaccinatie op 10 jaar',
    ageGroup: 'schoolkinderen',
    ageLimitYears: 10,
    fromAgeMonths: 0,
    vaccineTypes: ['04'],
    doses: 2,
    population: 'all',
  },
  {
    code: 'menacwy-adolescent',
    bit: 9,
    label: 'MenACWY (14 jaar) op 15 jaar',
    ageGroup: 'adolescenten',
    ageLimitYears: 15,
    fromAgeMonths: 120,
    vaccineTypes: ['28'],
    doses: 1,
    population: 'all',
  },
  {
    code: 'dtp-adolescent',
    bit: 10,
    label: 'DTP (14 jaar) op 15 jaar',
    ageGroup: 'adolescenten',
    ageLimitYears: 15,
    fromAgeMonths: 120,
    vaccineTypes: ['02'],
    doses: 1,
    bornFrom: '2016-01-01',
    population: 'all',
  },
  {
    code: 'hpv-girls',
    bit: 11,
    label: 'HPV volledig (meisjes) op 15 jaar',
    ageGroup: 'adolescenten',
    ageLimitYears: 15,
    fromAgeMonths: 108,
    vaccineTypes: ['09'],
    doses: 2,
    bornBefore: '2012-01-01',
    population: 'female',
  },
  {
    code: 'hpv',
    bit: 12,
    label: 'HPV volledig (meisjes en jongens) op 15 jaar',
    ageGroup: 'adolescenten',
    ageLimitYears: 15,
    fromAgeMonths: 108,
    vaccineTypes: ['09'],
    doses: 2,
    bornFrom: '2012-01-01',
    population: 'all',
  },
];

export const indicatorByCode = (code: string): CoverageIndicator | undefined =>
  COVERAGE_INDICATORS.find((i) => i.code === code);

/** One registered dose of a person, with the registry's validity judgement. */
export interface JudgedDose {
  readonly vaccineType: string;
  readonly date: IsoDate;
  readonly valid: boolean;
}

/** The window in which a person's doses count for an indicator: [from, before). */
export function doseWindow(
  indicator: CoverageIndicator,
  birthDate: IsoDate,
): { from: IsoDate; before: IsoDate } {
  return {
    from: addMonths(birthDate, indicator.fromAgeMonths),
    before: nthBirthday(birthDate, indicator.ageLimitYears),
  };
}

/** Whether the indicator applies to a person at all (cohort and population). */
export function appliesTo(indicator: CoverageIndicator, birthDate: IsoDate, gender: string): boolean {
  if (indicator.bornFrom !== undefined && birthDate < indicator.bornFrom) return false;
  if (indicator.bornBefore !== undefined && birthDate >= indicator.bornBefore) return false;
  return indicator.population === 'all' || gender === '2';
}

/**
 * The indicators a person met, as a bitmask (bit = `indicator.bit`): enough valid doses of the
 * indicator's vaccines, on distinct days, inside its window. Whether the indicator applies to the
 * person's cohort is decided when counting (the denominator), not here.
 */
export function indicatorsMet(birthDate: IsoDate, doses: readonly JudgedDose[]): number {
  let met = 0;
  for (const indicator of COVERAGE_INDICATORS) {
    const { from, before } = doseWindow(indicator, birthDate);
    const days = new Set<string>();
    for (const d of doses) {
      if (d.valid && indicator.vaccineTypes.includes(d.vaccineType) && d.date >= from && d.date < before) {
        days.add(d.date);
      }
    }
    if (days.size >= indicator.doses) met |= 1 << indicator.bit;
  }
  return met;
}

/**
 * The latest birth year whose whole cohort has passed the indicator's age limit on `referenceDate`
 * (RIVM: reference date 1 January; the cohort born in year Y is measured at age 2 on 1 January Y+3).
 */
export function latestCohort(indicator: CoverageIndicator, referenceDate: IsoDate): number {
  const year = Number(referenceDate.slice(0, 4));
  // Born on 31 December Y, the last child reaches the limit on 31 December Y + limit.
  const lastBirthdayReached = (y: number) =>
    `${String(y + indicator.ageLimitYears).padStart(4, '0')}-12-31` < referenceDate;
  return lastBirthdayReached(year - indicator.ageLimitYears)
    ? year - indicator.ageLimitYears
    : year - indicator.ageLimitYears - 1;
}

/** Whether the cohort (birth year) is in scope of the indicator at all. */
export function cohortApplies(indicator: CoverageIndicator, cohort: number): boolean {
  if (indicator.bornFrom !== undefined && `${cohort}-12-31` < indicator.bornFrom) return false;
  if (indicator.bornBefore !== undefined && `${cohort}-01-01` >= indicator.bornBefore) return false;
  return true;
}
