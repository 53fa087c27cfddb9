/**
 * Who gets a personalised consent-request letter (seed 001 §4.8): the custodians for a youth under 16,
 * the youth from 12 — both for 12 to 15 — and the legal representative instead of a youth judged not
 * competent. Only the parties whose registration is missing are written to; when nothing is missing
 * (a letter asked for anyway) everyone whose consent counts at that age is.
 */
import { ageInYears } from '../dates/index.js';
import type { IsoDate } from '../dates/index.js';
import type { MissingParty } from './sweeps.js';

export interface Person {
  id: string;
  name: string;
}

export interface RecipientInput {
  birthDate: IsoDate;
  on: IsoDate;
  competent: boolean;
  custodians: readonly Person[];
  legalRepresentatives: readonly Person[];
  youth: Person;
  missing: readonly MissingParty[];
}

export type RecipientRole = 'custodian' | 'youth' | 'legal-representative';
export interface Recipient extends Person {
  role: RecipientRole;
}

export function letterRecipients(input: RecipientInput): Recipient[] {
  const age = ageInYears(input.birthDate, input.on);
  const counts = {
    custodians: age < 16,
    youth: age >= 12 && input.competent,
    representative: age >= 12 && !input.competent,
  };
  const relevant = input.missing.filter((m) => m !== 'custodians-unknown');
  const want = (party: 'custodians' | 'youth' | 'representative'): boolean =>
    counts[party] &&
    (relevant.length === 0 ||
      (party === 'custodians' && (relevant.includes('custodians') || relevant.includes('other-custodian'))) ||
      (party === 'youth' && relevant.includes('youth')) ||
      (party === 'representative' && relevant.includes('legal-representative')));
  const result: Recipient[] = [];
  if (want('custodians')) result.push(...input.custodians.map((p) => ({ ...p, role: 'custodian' as const })));
  if (want('youth')) result.push({ ...input.youth, role: 'youth' });
  if (want('representative')) {
    result.push(...input.legalRepresentatives.map((p) => ({ ...p, role: 'legal-representative' as const })));
  }
  return result;
}
