/**
 * A session's cohort (seed 001 §4.8 "selectie van jeugdigen"): youth born in a date range, living in
 * one of the chosen municipalities (none chosen: all), and — when asked — only those for whom a
 * session vaccine is due by the schedule on a session date. What is due comes from the schedule
 * engine with the doses this dossier holds.
 */
import { compareIsoDates } from '../dates/index.js';
import type { IsoDate } from '../dates/index.js';
import { evaluateAndForecast, rvpSchedule } from '../schedule/index.js';

export interface CohortCriteria {
  birthFrom: IsoDate;
  birthTo: IsoDate;
  municipalityCodes: readonly string[];
}

export function inCohort(
  client: { kind: 'youth' | 'client'; birthDate: IsoDate; municipalityCode: string | null },
  criteria: CohortCriteria,
): boolean {
  return (
    client.kind === 'youth' &&
    compareIsoDates(client.birthDate, criteria.birthFrom) >= 0 &&
    compareIsoDates(client.birthDate, criteria.birthTo) <= 0 &&
    (criteria.municipalityCodes.length === 0 ||
      (client.municipalityCode !== null && criteria.municipalityCodes.includes(client.municipalityCode)))
  );
}

export type DueStatus = 'due' | 'given' | 'too-early' | 'not-due';

export interface DueVaccine {
  vaccineType: string;
  status: DueStatus;
  /** For 'too-early': the first date a dose may be given. */
  earliest: IsoDate | null;
}

/**
 * For each session vaccine (W0422) on `date`: `given` when the dossier has it on that date already;
 * `due` when the schedule recommends it and the earliest date has come; `too-early` when it is
 * recommended later; otherwise `not-due` (complete, aged out, or not in the schedule).
 */
export function dueAtSession(
  person: { birthDate: IsoDate; gender?: string },
  doses: ReadonlyArray<{ date: IsoDate; vaccineType: string }>,
  vaccineTypes: readonly string[],
  date: IsoDate,
): DueVaccine[] {
  const before = doses.filter((d) => compareIsoDates(d.date, date) < 0);
  const groups =
    compareIsoDates(date, person.birthDate) < 0
      ? []
      : evaluateAndForecast(
          rvpSchedule,
          { birthDate: person.birthDate, ...(person.gender ? { gender: person.gender } : {}) },
          before.map((d) => ({ date: d.date, vaccineCode: d.vaccineType })),
          date,
          { detail: false },
        );
  return vaccineTypes.map((vaccineType) => {
    if (doses.some((d) => d.date === date && d.vaccineType === vaccineType)) {
      return { vaccineType, status: 'given', earliest: null };
    }
    const open = groups.filter(
      (g) => g.seriesStatus === 'Not complete' && g.forecast.recommendedVaccines.includes(vaccineType),
    );
    const earliest = open
      .map((g) => g.forecast.earliest)
      .filter((e): e is string => e !== null)
      .sort(compareIsoDates);
    if (earliest.length === 0) return { vaccineType, status: 'not-due', earliest: null };
    if (compareIsoDates(earliest[0]!, date) <= 0)
      return { vaccineType, status: 'due', earliest: earliest[0]! };
    return { vaccineType, status: 'too-early', earliest: earliest[0]! };
  });
}

/** Check-in at a glance: may the nurse vaccinate, or must the youth go to the desk first? */
export type CheckInAdvice = 'vaccinate' | 'desk' | 'nothing-due' | 'done' | 'not-vaccinated';

/**
 * "First consent, then vaccinate": without a registered decision the youth goes to the desk first —
 * a registered "no" is a decision (the vaccination is then sent anonymously), so it does not stop the
 * vaccination. Consent for the exchange is not consent for the vaccination itself.
 */
export function checkInAdvice(input: {
  missing: readonly string[];
  due: readonly DueVaccine[];
  notVaccinatedReason: string | null;
}): CheckInAdvice {
  const due = input.due.some((d) => d.status === 'due');
  if (!due && input.due.some((d) => d.status === 'given')) return 'done';
  if (input.notVaccinatedReason) return 'not-vaccinated';
  if (!due) return 'nothing-due';
  return input.missing.filter((m) => m !== 'custodians-unknown').length > 0 ? 'desk' : 'vaccinate';
}
