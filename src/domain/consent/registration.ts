/**
 * What the law refuses when a consent record or competence judgement is registered (SPEC R-C2, R-C3;
 * seed 001 §3.5, §3.16). Pure: the dossier calls this inside the transaction that would write.
 */
import { ageInYears, compareIsoDates } from '../dates/index.js';
import type { IsoDate } from '../dates/index.js';
import { isCompetentOn } from './decision.js';
import type { CompetenceJudgement, ConsentSource } from './types.js';

/** Who gives the record (BDS 1534): the client themself, or a person related to them. */
export type SourcePerson =
  | { kind: 'self' }
  | { kind: 'related'; relation: 'parent' | 'guardian' | 'legal-representative'; hasCustody: boolean };

export interface RegistrationSubject {
  kind: 'youth' | 'client';
  birthDate: IsoDate;
  competence: readonly CompetenceJudgement[];
}

export interface RuleViolation {
  field: string;
  rule: string;
  message: string;
}

export interface ConsentRegistration {
  agreed: boolean;
  source: ConsentSource;
  date: IsoDate;
}

const ADULT = 18;

/** Every rule the registration breaks; empty when it may be written. */
export function checkConsentRegistration(
  registration: ConsentRegistration,
  person: SourcePerson,
  subject: RegistrationSubject,
  today: IsoDate,
): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const { source, date } = registration;
  const refuse = (field: string, rule: string, message: string) => violations.push({ field, rule, message });

  if (compareIsoDates(date, today) > 0) {
    refuse('date', 'no-future-date', 'De datum van de toestemming (1536) mag niet in de toekomst liggen.');
  }
  if (compareIsoDates(date, subject.birthDate) < 0) {
    refuse('date', 'not-before-birth', 'De datum van de toestemming ligt vóór de geboortedatum.');
  }
  const age = compareIsoDates(date, subject.birthDate) >= 0 ? ageInYears(subject.birthDate, date) : 0;
  const adultClient = subject.kind === 'client' || age >= ADULT;

  switch (source) {
    case '01':
      if (person.kind !== 'self') {
        refuse('source', 'source-01-only-from-client', 'Bron 01 is alleen voor de cliënt/jeugdige zelf.');
      } else if (age < 12 && !adultClient) {
        refuse(
          'source',
          'source-01-from-12',
          'Een jeugdige kan pas vanaf 12 jaar zelf toestemming geven (bron 01).',
        );
      }
      break;
    case '03':
    case '04':
      if (person.kind !== 'related' || person.relation === 'legal-representative' || !person.hasCustody) {
        refuse(
          'sourcePersonId',
          'source-03-04-only-from-custodian',
          'Bron 03/04 is alleen voor een gezaghebbende; een ouder zonder gezag kan geen toestemming geven.',
        );
      } else if (age >= 16 || adultClient) {
        refuse(
          'source',
          'custodian-consent-until-16',
          'Vanaf 16 jaar beslist de jeugdige zelf; toestemming van gezaghebbenden telt dan niet meer.',
        );
      }
      break;
    case '05':
      if (person.kind !== 'related' || person.relation !== 'legal-representative') {
        refuse(
          'sourcePersonId',
          'source-05-only-from-legal-representative',
          'Bron 05 is alleen voor een wettelijk vertegenwoordiger.',
        );
      } else if ((age < 12 && !adultClient) || isCompetentOn(subject.competence, date)) {
        refuse(
          'source',
          'source-05-only-when-not-competent',
          'Bron 05 geldt alleen voor een jeugdige van 12 jaar of ouder die wilsonbekwaam is beoordeeld.',
        );
      }
      break;
  }
  return violations;
}

/** A competence judgement is only for a youth of 12 or older (or a client), and not in the future. */
export function checkCompetenceJudgement(
  judgement: { date: IsoDate },
  subject: Pick<RegistrationSubject, 'kind' | 'birthDate'>,
  today: IsoDate,
): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (compareIsoDates(judgement.date, today) > 0) {
    violations.push({
      field: 'date',
      rule: 'no-future-date',
      message: 'Een beoordeling kan niet in de toekomst liggen.',
    });
  }
  if (
    subject.kind === 'youth' &&
    (compareIsoDates(judgement.date, subject.birthDate) < 0 ||
      ageInYears(subject.birthDate, judgement.date) < 12)
  ) {
    violations.push({
      field: 'date',
      rule: 'competence-from-12',
      message: 'Wilsbekwaamheid wordt pas vanaf 12 jaar beoordeeld; daaronder beslissen de gezaghebbenden.',
    });
  }
  return violations;
}
