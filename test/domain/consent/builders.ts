import type {
  CompetenceJudgement,
  ConsentInput,
  ConsentRecord,
  ConsentSource,
} from '../../../src/domain/consent/index.js';

/** A consent record with the fields that matter; endDate open unless given. */
export function rec(
  by: string,
  source: ConsentSource,
  agreed: boolean,
  date: string,
  extra: Partial<ConsentRecord> = {},
): ConsentRecord {
  return { agreed, by, source, date, endDate: null, ...extra };
}

export function judged(date: string, competent: boolean): CompetenceJudgement {
  return { date, competent };
}

export function input(
  birthDate: string,
  custodians: string[],
  records: ConsentRecord[],
  competence: CompetenceJudgement[] = [],
): ConsentInput {
  return { youth: { birthDate }, custodians, records, competence };
}

export const FIXTURE_URL = new URL('../../../../shared/fixtures/consent-use-cases.json', import.meta.url);
