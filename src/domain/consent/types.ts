import type { IsoDate } from '../dates/index.js';

/** BDS element numbers of consent record group G115 (SPEC R-C2). */
export const BDS_CONSENT = {
  agreed: 1533, // Akkoord
  sourcePerson: 1534, // Naam bron
  sourceKind: 1535, // Bron toestemming gegevensuitwisseling RVP (W0691)
  date: 1536, // Datum
  endDate: 1607, // Einddatum
} as const;

/**
 * BDS 1535 value list W0691 (from 2022-01-01; seed 001 §3.16):
 * 01 client/youth · 03 custodian, other custodian's consent not required ·
 * 04 custodian, other custodian's consent required · 05 legal representative on behalf of the youth.
 */
export const CONSENT_SOURCES = ['01', '03', '04', '05'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export const SOURCE_YOUTH: ConsentSource = '01';
export const SOURCE_CUSTODIAN_ALONE: ConsentSource = '03';
export const SOURCE_CUSTODIAN_BOTH: ConsentSource = '04';
export const SOURCE_LEGAL_REPRESENTATIVE: ConsentSource = '05';

/** The person id that stands for the youth/client themself in `by` (BDS 1534). */
export const YOUTH = 'youth';

/** One consent record (BDS group G115). Records are evidence: never edited, only superseded. */
export interface ConsentRecord {
  readonly id?: string;
  /** BDS 1533: yes/no. */
  readonly agreed: boolean;
  /** BDS 1534: who gave (or refused) consent; a person id, or {@link YOUTH}. */
  readonly by: string;
  /** BDS 1535. */
  readonly source: ConsentSource;
  /** BDS 1536: from this date on the record counts. */
  readonly date: IsoDate;
  /** BDS 1607: the record no longer counts on this date (exclusive end). Missing means open-ended. */
  readonly endDate?: IsoDate | null;
  /** When the record was entered (ISO timestamp); breaks ties between records of the same day. */
  readonly registeredAt?: string;
}

/** A professional's judgement of the youth's competence (wilsbekwaamheid, SPEC R-C3). */
export interface CompetenceJudgement {
  readonly date: IsoDate;
  readonly competent: boolean;
  readonly by?: string;
  readonly note?: string;
}

/** Everything the decision tree needs about one youth or client. */
export interface ConsentInput {
  readonly youth: { readonly birthDate: IsoDate };
  /** Ids of every person with custody now (0, 1 or 2). A parent without custody is simply not listed. */
  readonly custodians: readonly string[];
  /** Competence judgements; none means a youth of 12+ counts as competent. */
  readonly competence?: readonly CompetenceJudgement[];
  readonly records: readonly ConsentRecord[];
}

export type ConsentDecision = 'toestemming' | 'geen-toestemming';
export type AgeBand = 'under-12' | '12-15' | '16-plus';

/** One question of the decision tree and the answer given, in plain Dutch for the professional. */
export interface PathStep {
  readonly question: string;
  readonly answer: string;
}

/** Why a record does not count on the evaluation date. */
export type IgnoredReason =
  | 'after-evaluation-date' // dated after the evaluation date: it did not exist yet
  | 'source-person-mismatch' // 01 from someone other than the youth, or the youth with 03/04/05
  | 'not-a-custodian' // 03/04 from a person without custody
  | 'superseded' // a newer record of the same person in the same capacity replaces it
  | 'ended' // its end date (1607) is on or before the evaluation date
  | 'youth-under-12' // the youth's own record, given before their 12th birthday
  | 'youth-not-competent'; // the youth's own record, given while judged not competent

export interface IgnoredRecord {
  readonly record: ConsentRecord;
  readonly reason: IgnoredReason;
  /** The same in plain Dutch, as it appears in the path. */
  readonly explanation: string;
}

export interface ConsentEvaluation {
  readonly evaluationDate: IsoDate;
  readonly decision: ConsentDecision;
  readonly path: readonly PathStep[];
  /** Valid, current records on the evaluation date (whether or not the age band uses them). */
  readonly activeRecords: readonly ConsentRecord[];
  readonly ignoredRecords: readonly IgnoredRecord[];
  readonly ageOnEvaluationDate: number;
  readonly ageBand: AgeBand;
  /** Competence on the evaluation date; null under 12, where it plays no part. */
  readonly competent: boolean | null;
}
