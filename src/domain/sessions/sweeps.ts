/**
 * Selection rules of the sweeps (veegacties, seed 001 §4.9–4.11) and of a session's consent requests
 * (§4.8), pure: dates are passed in. Birthdays follow `nthBirthday` (29 February turns a year older on
 * 1 March in a common year), windows are whole calendar days, both ends included unless said.
 */
import {
  addDays,
  addMonths,
  compareIsoDates,
  formatIsoDate,
  nthBirthday,
  parseIsoDate,
} from '../dates/index.js';
import type { IsoDate } from '../dates/index.js';
import { evaluateConsent, type ConsentDecision, type ConsentInput, YOUTH } from '../consent/index.js';

export const SWEEP_KINDS = ['turned-12', 'turning-16', 'no-consent', 'non-responders'] as const;
export type SweepKind = (typeof SWEEP_KINDS)[number];

export interface DateWindow {
  from: IsoDate;
  to: IsoDate;
}

/**
 * The `months` whole calendar months before the month of `referenceDate`: the monthly job on any day
 * of March looks at February (months = 1). Also the run's period label ('YYYY-MM' of the last month).
 */
export function previousMonths(referenceDate: IsoDate, months = 1): DateWindow & { period: string } {
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`months must be >= 1, got ${months}`);
  const { year, month } = parseIsoDate(referenceDate);
  const firstOfThisMonth = formatIsoDate({ year, month, day: 1 });
  const from = addMonths(firstOfThisMonth, -months);
  const to = addDays(firstOfThisMonth, -1);
  return { from, to, period: to.slice(0, 7) };
}

export const inWindow = (date: IsoDate, window: DateWindow): boolean =>
  compareIsoDates(date, window.from) >= 0 && compareIsoDates(date, window.to) <= 0;

/** §4.9: the youth turned 12 in the window; from that day their own consent counts. */
export function turnedTwelveIn(birthDate: IsoDate, window: DateWindow): boolean {
  return inWindow(nthBirthday(birthDate, 12), window);
}

/** §4.10: the 16th birthday is after `today` and at most `months` calendar months ahead. */
export function turnsSixteenWithin(birthDate: IsoDate, today: IsoDate, months: number): IsoDate | null {
  const birthday = nthBirthday(birthDate, 16);
  if (compareIsoDates(birthday, today) <= 0) return null;
  return compareIsoDates(birthday, addMonths(today, months)) <= 0 ? birthday : null;
}

export interface DecisionChange {
  birthday: IsoDate;
  now: ConsentDecision;
  then: ConsentDecision;
}

/**
 * §4.10: with the records as they stand today, does the overall decision change on the 16th birthday
 * (custodians' records stop counting)? Null when the birthday is outside the window or nothing changes.
 */
export function decisionChangeAtSixteen(
  input: ConsentInput,
  today: IsoDate,
  months: number,
): DecisionChange | null {
  const birthday = turnsSixteenWithin(input.youth.birthDate, today, months);
  if (!birthday) return null;
  const now = evaluateConsent(input, today).decision;
  const then = evaluateConsent(input, birthday).decision;
  return now === then ? null : { birthday, now, then };
}

/** Whose registration the decision still lacks (§4.11 "toestemming nog niet geregistreerd"). */
export type MissingParty =
  | 'custodians' // no custodian has registered yes or no
  | 'other-custodian' // one custodian said yes with source 04: the other's consent is required
  | 'custodians-unknown' // no custodian is known: nobody can give the custodians' consent
  | 'youth' // 12+, competent, and no own record (source 01)
  | 'legal-representative'; // 12+, judged not competent, and no record of the representative (05)

/**
 * The parties whose registration (yes or no) the decision tree needs on `on` and does not have. A
 * registered "no" is a registration: the youth is not missing anything, the answer is just no.
 */
export function missingRegistrations(input: ConsentInput, on: IsoDate): MissingParty[] {
  const evaluation = evaluateConsent(input, on);
  const active = evaluation.activeRecords;
  const missing: MissingParty[] = [];
  if (evaluation.ageBand !== '16-plus') {
    const custodial = active.filter(
      (r) => (r.source === '03' || r.source === '04') && input.custodians.includes(r.by),
    );
    if (input.custodians.length === 0) missing.push('custodians-unknown');
    else if (custodial.length === 0) missing.push('custodians');
    else if (
      custodial.every((r) => r.agreed) &&
      custodial.some((r) => r.source === '04') &&
      input.custodians.some((c) => !custodial.some((r) => r.by === c))
    ) {
      missing.push('other-custodian');
    }
  }
  if (evaluation.ageBand !== 'under-12') {
    if (evaluation.competent === false) {
      if (!active.some((r) => r.source === '05')) missing.push('legal-representative');
    } else if (!active.some((r) => r.source === '01' && r.by === YOUTH)) {
      missing.push('youth');
    }
  }
  return missing;
}

/**
 * §4.8–4.11 "onderneem actie op non-respons": a letter went out at least `graceDays` ago, its card was
 * not returned, and no consent was registered for the youth on or after the letter's date.
 */
export function isNonResponder(
  request: { issuedOn: IsoDate; answered: boolean },
  lastRegistrationOn: IsoDate | null,
  today: IsoDate,
  graceDays: number,
): boolean {
  if (request.answered) return false;
  if (compareIsoDates(addDays(request.issuedOn, graceDays), today) > 0) return false;
  return lastRegistrationOn === null || compareIsoDates(lastRegistrationOn, request.issuedOn) < 0;
}
