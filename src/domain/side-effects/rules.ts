import { compareIsoDates, daysBetween, type IsoDate } from '../dates/index.js';
import {
  codesOf,
  OUTCOMES,
  REACTIONS,
  SERIOUSNESS,
  type OutcomeCode,
  type ReactionCode,
  type ReporterCode,
  type SeriousnessCode,
} from './codes.js';

export interface SideEffectInput {
  reportedOn: IsoDate;
  reporter: ReporterCode;
  onsetDate: IsoDate;
  reactions: ReactionCode[];
  description: string;
  seriousness: SeriousnessCode[];
  outcome: OutcomeCode;
}

export interface SideEffectViolation {
  field: string;
  rule: string;
  message: string;
}

/** How long after a vaccination a reaction is still recorded against it (Lareb takes later ones too, by phone). */
export const MAX_ONSET_DAYS = 90;

/**
 * The rules for recording a reported side effect against one vaccination. Pure: the dates of the
 * vaccination and today are passed in. Returns every violation, each naming its field and rule.
 */
export function checkSideEffect(
  input: SideEffectInput,
  context: { vaccinationDate: IsoDate; today: IsoDate },
): SideEffectViolation[] {
  const errors: SideEffectViolation[] = [];
  const { vaccinationDate, today } = context;
  if (compareIsoDates(input.onsetDate, vaccinationDate) < 0) {
    errors.push({
      field: 'onsetDate',
      rule: 'onset-not-before-vaccination',
      message: 'De bijwerking kan niet vóór de vaccinatie begonnen zijn.',
    });
  } else if (daysBetween(vaccinationDate, input.onsetDate) > MAX_ONSET_DAYS) {
    errors.push({
      field: 'onsetDate',
      rule: 'onset-within-90-days',
      message: `Een bijwerking wordt hier geregistreerd tot ${MAX_ONSET_DAYS} dagen na de vaccinatie; meld latere klachten rechtstreeks bij Lareb.`,
    });
  }
  if (compareIsoDates(input.onsetDate, today) > 0) {
    errors.push({
      field: 'onsetDate',
      rule: 'no-future-date',
      message: 'De begindatum ligt in de toekomst.',
    });
  }
  if (compareIsoDates(input.reportedOn, today) > 0) {
    errors.push({
      field: 'reportedOn',
      rule: 'no-future-date',
      message: 'De meldingsdatum ligt in de toekomst.',
    });
  } else if (compareIsoDates(input.reportedOn, input.onsetDate) < 0) {
    errors.push({
      field: 'reportedOn',
      rule: 'reported-not-before-onset',
      message: 'De melding kan niet vóór het begin van de bijwerking gedaan zijn.',
    });
  }
  const reactionCodes = codesOf(REACTIONS);
  if (input.reactions.length === 0) {
    errors.push({
      field: 'reactions',
      rule: 'at-least-one-reaction',
      message: 'Kies ten minste één reactie.',
    });
  } else if (input.reactions.some((r) => !reactionCodes.has(r))) {
    errors.push({ field: 'reactions', rule: 'known-reaction', message: 'Onbekende reactie.' });
  } else if (new Set(input.reactions).size !== input.reactions.length) {
    errors.push({ field: 'reactions', rule: 'unique-reactions', message: 'Een reactie staat er dubbel in.' });
  }
  if (input.seriousness.some((s) => !codesOf(SERIOUSNESS).has(s))) {
    errors.push({ field: 'seriousness', rule: 'known-seriousness', message: 'Onbekend ernstcriterium.' });
  }
  // E2B: a fatal outcome is always serious with "death" as criterion, and "death" needs that outcome.
  const fatal = input.outcome === 'fatal';
  if (fatal !== input.seriousness.includes('death')) {
    errors.push({
      field: 'seriousness',
      rule: 'death-matches-fatal-outcome',
      message: 'Het ernstcriterium "Overlijden" hoort bij de afloop "Overleden", en omgekeerd.',
    });
  }
  if (!codesOf(OUTCOMES).has(input.outcome)) {
    errors.push({ field: 'outcome', rule: 'known-outcome', message: 'Onbekende afloop.' });
  }
  if (input.description.trim().length === 0) {
    errors.push({ field: 'description', rule: 'required', message: 'Beschrijf wat er gemeld is.' });
  }
  return errors;
}
