/**
 * Dates on which the consent decision changes (SPEC R-C5; seed 001 §3.17: re-evaluate on the 12th and
 * 16th birthday and on every new registration). Later work uses this for repair messages and sweeps.
 */
import { addDays, nthBirthday, parseIsoDate } from '../dates/index.js';
import type { IsoDate } from '../dates/index.js';
import { evaluateConsent } from './decision.js';
import type { ConsentDecision, ConsentInput } from './types.js';

export type TransitionCause =
  'birthday-12' | 'birthday-16' | 'birthday-18' | 'record' | 'record-end' | 'competence';

export interface ConsentTransition {
  /** The first day on which `decision` holds. */
  readonly date: IsoDate;
  readonly decision: ConsentDecision;
  /** The decision on the day before. */
  readonly previous: ConsentDecision;
  /** The main reason; when several events fall on one day, the first in {@link CAUSE_PRIORITY}. */
  readonly cause: TransitionCause;
  /** Every kind of event on that day. */
  readonly causes: readonly TransitionCause[];
}

/** A birthday changes who decides, so it explains a change best; a new record beats its predecessor's end. */
export const CAUSE_PRIORITY: readonly TransitionCause[] = [
  'birthday-12',
  'birthday-16',
  'birthday-18',
  'record',
  'record-end',
  'competence',
];

/**
 * Every date in [from, to] (inclusive) on which the decision differs from the day before.
 *
 * The decision only depends on the age band, on which records have started or ended and on the latest
 * competence judgement, so it can only change on a birthday, a record date (1536), an end date (1607)
 * or a judgement date: those are the only days evaluated. The birth date itself has no day before and
 * is never a transition.
 */
export function consentTransitions(
  input: ConsentInput,
  period: { readonly from: IsoDate; readonly to: IsoDate },
): ConsentTransition[] {
  parseIsoDate(period.from);
  parseIsoDate(period.to);
  if (period.to < period.from)
    throw new RangeError(`period ends (${period.to}) before it starts (${period.from})`);
  const birthDate = input.youth.birthDate;
  const firstDay = addDays(birthDate, 1);
  const from = period.from > firstDay ? period.from : firstDay;

  const candidates = new Map<IsoDate, Set<TransitionCause>>();
  const add = (date: IsoDate | null | undefined, cause: TransitionCause): void => {
    if (date == null || date < from || date > period.to) return;
    const causes = candidates.get(date);
    if (causes) causes.add(cause);
    else candidates.set(date, new Set([cause]));
  };
  add(nthBirthday(birthDate, 12), 'birthday-12');
  add(nthBirthday(birthDate, 16), 'birthday-16');
  add(nthBirthday(birthDate, 18), 'birthday-18');
  for (const record of input.records) {
    add(record.date, 'record');
    add(record.endDate, 'record-end');
  }
  for (const judgement of input.competence ?? []) add(judgement.date, 'competence');

  const transitions: ConsentTransition[] = [];
  for (const date of [...candidates.keys()].sort()) {
    const decision = evaluateConsent(input, date).decision;
    const previous = evaluateConsent(input, addDays(date, -1)).decision;
    if (decision === previous) continue;
    const kinds = candidates.get(date) ?? new Set<TransitionCause>();
    const causes = CAUSE_PRIORITY.filter((c) => kinds.has(c));
    transitions.push({ date, decision, previous, cause: causes[0] ?? 'record', causes });
  }
  return transitions;
}
