/**
 * The decision tree for exchange consent (beslisboom v1.3; SPEC R-C1, R-C3, R-C4; seed 001 §3.5, §3.16,
 * §3.17, Bijlage 4 and 5). Pure: no I/O, no clock. docs/consent.md explains the conventions.
 */
import { ageInYears, nthBirthday, parseIsoDate } from '../dates/index.js';
import type { IsoDate } from '../dates/index.js';
import {
  SOURCE_CUSTODIAN_ALONE,
  SOURCE_CUSTODIAN_BOTH,
  SOURCE_LEGAL_REPRESENTATIVE,
  SOURCE_YOUTH,
  YOUTH,
} from './types.js';
import type {
  AgeBand,
  CompetenceJudgement,
  ConsentEvaluation,
  ConsentInput,
  ConsentRecord,
  ConsentSource,
  IgnoredReason,
  IgnoredRecord,
  PathStep,
} from './types.js';

/** The role in which a record was given; a person can hold two (a parent as custodian and as 05). */
type Capacity = 'youth' | 'custodian' | 'legal-representative';

export const QUESTIONS = {
  age12: 'Is de cliënt/jeugdige 12 jaar of ouder?',
  age16: 'Is de cliënt/jeugdige 16 jaar of ouder?',
  competent: 'Is de cliënt/jeugdige wilsbekwaam?',
  ownConsent: 'Is er een geregistreerd akkoord van de cliënt/jeugdige (bron 01)?',
  representative: 'Is er een geregistreerd akkoord van de wettelijk vertegenwoordiger (bron 05)?',
  custodianKnown: 'Is er een gezaghebbende bekend?',
  allCustodians: 'Is er een geregistreerd akkoord van alle gezaghebbenden (beide, of de enige)?',
  oneCustodianMissing:
    'Is er een akkoord van een gezaghebbende, terwijl van de andere gezaghebbende geen toestemming is geregistreerd?',
  inAgreement:
    'Is de toestemming volgens de JGZ-professional in overeenstemming met die van de andere gezaghebbende (bron 03)?',
} as const;

const SOURCE_LABELS: Record<ConsentSource, string> = {
  '01': 'cliënt/jeugdige',
  '03': 'gezaghebbende, geen toestemming van andere gezaghebbende vereist',
  '04': 'gezaghebbende, toestemming van andere gezaghebbende vereist',
  '05': 'wettelijk vertegenwoordiger namens jeugdige',
};

function capacityOf(source: ConsentSource): Capacity {
  if (source === SOURCE_YOUTH) return 'youth';
  if (source === SOURCE_LEGAL_REPRESENTATIVE) return 'legal-representative';
  return 'custodian';
}

function instant(timestamp: string | undefined): number {
  const ms = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A total order on records, oldest first, so "the newest record" never depends on the order in which
 * records arrive. Date (1536) first; on the same day the later registration wins; failing that a "no"
 * counts as newer than a "yes" (privacy by default, R-C1); the rest only makes the order total.
 */
export function compareConsentRecords(a: ConsentRecord, b: ConsentRecord): number {
  return (
    cmp(a.date, b.date) ||
    cmp(instant(a.registeredAt), instant(b.registeredAt)) ||
    cmp(a.agreed ? 0 : 1, b.agreed ? 0 : 1) ||
    cmp(a.source, b.source) ||
    cmp(a.endDate ?? '\uffff', b.endDate ?? '\uffff') ||
    cmp(a.by, b.by) ||
    cmp(a.id ?? '', b.id ?? '') ||
    cmp(a.registeredAt ?? '', b.registeredAt ?? '')
  );
}

/**
 * The judgement that holds on `date`: the latest one on or before it. Two judgements on one day that
 * disagree resolve to "not competent" (the cautious reading, so the order of arrival cannot matter).
 */
export function competenceJudgementOn(
  judgements: readonly CompetenceJudgement[],
  date: IsoDate,
): CompetenceJudgement | undefined {
  let best: CompetenceJudgement | undefined;
  for (const j of judgements) {
    if (j.date > date) continue;
    if (
      best === undefined ||
      j.date > best.date ||
      (j.date === best.date && best.competent && !j.competent)
    ) {
      best = j;
    }
  }
  return best;
}

/** Without a judgement a youth of 12+ counts as competent (R-C3). */
export function isCompetentOn(judgements: readonly CompetenceJudgement[], date: IsoDate): boolean {
  return competenceJudgementOn(judgements, date)?.competent ?? true;
}

export function ageBandOf(age: number): AgeBand {
  return age < 12 ? 'under-12' : age < 16 ? '12-15' : '16-plus';
}

interface Screened {
  readonly active: ConsentRecord[];
  readonly ignored: IgnoredRecord[];
}

/** Sorts out which records count on `date` and why the others do not. */
function screenRecords(
  input: ConsentInput,
  custodians: ReadonlySet<string>,
  date: IsoDate,
  noun: string,
): Screened {
  const judgements = input.competence ?? [];
  const twelfth = nthBirthday(input.youth.birthDate, 12);
  const who = (by: string): string => (by === YOUTH ? noun : by);
  const ignored: IgnoredRecord[] = [];
  const ignore = (record: ConsentRecord, reason: IgnoredReason, explanation: string): void => {
    ignored.push({ record, reason, explanation });
  };
  const groups = new Map<string, ConsentRecord[]>();

  const sorted = [...input.records].sort(compareConsentRecords);
  for (const record of sorted) {
    if (record.date > date) {
      ignore(record, 'after-evaluation-date', `Nee: vastgelegd na de peildatum ${date}.`);
      continue;
    }
    const capacity = capacityOf(record.source);
    if (capacity === 'youth' && record.by !== YOUTH) {
      ignore(
        record,
        'source-person-mismatch',
        `Nee: bron 01 (cliënt/jeugdige) is alleen voor ${noun} zelf; ${record.by} kan daarmee geen toestemming geven.`,
      );
      continue;
    }
    if (capacity !== 'youth' && record.by === YOUTH) {
      ignore(
        record,
        'source-person-mismatch',
        `Nee: bron ${record.source} is voor de ${SOURCE_LABELS[record.source]}; ${noun} zelf geeft toestemming met bron 01.`,
      );
      continue;
    }
    if (capacity === 'custodian' && !custodians.has(record.by)) {
      ignore(
        record,
        'not-a-custodian',
        `Nee: ${record.by} heeft geen gezag; een ouder zonder gezag kan geen toestemming geven.`,
      );
      continue;
    }
    const key = `${capacity}\u0000${record.by}`;
    const group = groups.get(key);
    if (group) group.push(record);
    else groups.set(key, [record]);
  }

  const active: ConsentRecord[] = [];
  for (const group of groups.values()) {
    // Already sorted oldest first: the newest record of a person in a capacity replaces the older ones,
    // whether or not their end date (1607) was filled in (R-C2).
    const latest = group[group.length - 1];
    if (latest === undefined) continue;
    for (const older of group.slice(0, -1)) {
      if (older.endDate != null && older.endDate <= date) {
        ignore(older, 'ended', `Nee: beëindigd per ${older.endDate}.`);
      } else {
        ignore(
          older,
          'superseded',
          `Nee: vervangen door een nieuwere registratie van ${who(latest.by)} (${latest.date}).`,
        );
      }
    }
    if (latest.endDate != null && latest.endDate <= date) {
      ignore(latest, 'ended', `Nee: beëindigd per ${latest.endDate}.`);
    } else if (capacityOf(latest.source) === 'youth' && latest.date < twelfth) {
      ignore(
        latest,
        'youth-under-12',
        `Nee: vastgelegd toen ${noun} jonger dan 12 jaar was; tot 12 jaar beslissen de gezaghebbenden.`,
      );
    } else if (capacityOf(latest.source) === 'youth' && !isCompetentOn(judgements, latest.date)) {
      const j = competenceJudgementOn(judgements, latest.date);
      ignore(
        latest,
        'youth-not-competent',
        `Nee: ${noun} was toen wilsonbekwaam geacht (oordeel van ${j?.date ?? latest.date}).`,
      );
    } else {
      active.push(latest);
    }
  }

  active.sort(compareConsentRecords);
  ignored.sort((a, b) => compareConsentRecords(a.record, b.record));
  return { active, ignored };
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} en ${items[items.length - 1] ?? ''}`;
}

/**
 * Evaluates the decision tree on `evaluationDate` (the "peildatum").
 * Throws RangeError for an invalid date or an evaluation date before the birth date.
 */
export function evaluateConsent(input: ConsentInput, evaluationDate: IsoDate): ConsentEvaluation {
  const birthDate = input.youth.birthDate;
  parseIsoDate(evaluationDate);
  parseIsoDate(birthDate);
  for (const r of input.records) {
    parseIsoDate(r.date);
    if (r.endDate != null) parseIsoDate(r.endDate);
  }
  const judgements = input.competence ?? [];
  for (const j of judgements) parseIsoDate(j.date);
  if (evaluationDate < birthDate) {
    throw new RangeError(`evaluation date ${evaluationDate} is before birth date ${birthDate}`);
  }

  const D = evaluationDate;
  const age = ageInYears(birthDate, D);
  const ageBand = ageBandOf(age);
  const noun = age >= 18 ? 'de cliënt' : 'de jeugdige';
  const custodians = [...new Set(input.custodians)];
  const custodianSet = new Set(custodians);
  const { active, ignored } = screenRecords(input, custodianSet, D, noun);

  const path: PathStep[] = [];
  const step = (question: string, answer: string): void => {
    path.push({ question, answer });
  };
  const who = (by: string): string => (by === YOUTH ? noun : by);
  for (const i of ignored) {
    step(
      `Telt de registratie van ${who(i.record.by)} (bron ${i.record.source}, ${i.record.date}) mee?`,
      i.explanation,
    );
  }

  const activeOf = (capacity: Capacity): ConsentRecord[] =>
    active.filter((r) => capacityOf(r.source) === capacity);
  const status = (r: ConsentRecord): string =>
    `${who(r.by)} is ${r.agreed ? 'akkoord' : 'niet akkoord'} (bron ${r.source}, ${r.date})`;

  const competent = ageBand === 'under-12' ? null : isCompetentOn(judgements, D);

  /** The youth's own say, or the legal representative's (05) when the youth is judged not competent. */
  const youthAgrees = (): boolean => {
    const judgement = competenceJudgementOn(judgements, D);
    const representatives = activeOf('legal-representative');
    const own = activeOf('youth')[0];
    if (competent === false) {
      step(
        QUESTIONS.competent,
        `Nee: wilsonbekwaam geacht op ${judgement?.date ?? D}; de wettelijk vertegenwoordiger (bron 05) beslist namens ${noun}.` +
          (own ? ` De eigen registratie van ${noun} telt daarom niet mee.` : ''),
      );
      const refusals = representatives.filter((r) => !r.agreed);
      const yes = representatives.filter((r) => r.agreed);
      if (refusals.length > 0) {
        step(QUESTIONS.representative, `Nee: ${refusals.map(status).join('; ')}.`);
        return false;
      }
      if (yes.length > 0) {
        step(QUESTIONS.representative, `Ja: ${yes.map(status).join('; ')}.`);
        return true;
      }
      step(
        QUESTIONS.representative,
        'Nee: er is geen toestemming van een wettelijk vertegenwoordiger geregistreerd.',
      );
      return false;
    }
    const why =
      judgement === undefined
        ? `Ja: er is geen oordeel vastgelegd; zonder oordeel geldt ${noun} van 12 jaar of ouder als wilsbekwaam.`
        : `Ja: wilsbekwaam geacht op ${judgement.date}.`;
    step(
      QUESTIONS.competent,
      why +
        (representatives.length > 0
          ? ' Registraties van een wettelijk vertegenwoordiger (bron 05) tellen daarom niet mee.'
          : ''),
    );
    if (own?.agreed) {
      step(QUESTIONS.ownConsent, `Ja: ${status(own)}.`);
      return true;
    }
    step(
      QUESTIONS.ownConsent,
      own ? `Nee: ${status(own)}.` : `Nee: van ${noun} is geen toestemming geregistreerd.`,
    );
    return false;
  };

  /** "The custodians decide" (R-C4; seed 001 §3.17 and Bijlage 4). */
  const custodiansAgree = (): boolean => {
    if (custodians.length === 0) {
      step(
        QUESTIONS.custodianKnown,
        'Nee: er is geen gezaghebbende bekend, dus de gezaghebbenden kunnen geen toestemming geven.',
      );
      return false;
    }
    step(QUESTIONS.custodianKnown, `Ja: ${list(custodians)}.`);
    const custodianRecords = activeOf('custodian');
    const states = custodians.map((c) => ({
      custodian: c,
      record: custodianRecords.find((r) => r.by === c),
    }));
    const describe = (s: (typeof states)[number]): string =>
      s.record ? status(s.record) : `van ${s.custodian} is geen toestemming geregistreerd`;

    if (states.every((s) => s.record?.agreed === true)) {
      step(QUESTIONS.allCustodians, `Ja: ${states.map(describe).join('; ')}.`);
      return true;
    }
    step(QUESTIONS.allCustodians, `Nee: ${states.map(describe).join('; ')}.`);

    const refusals = states.filter((s) => s.record?.agreed === false);
    if (refusals.length > 0) {
      step(
        QUESTIONS.oneCustodianMissing,
        `Nee: ${refusals.map(describe).join('; ')}; een weigering van een gezaghebbende betekent geen toestemming.`,
      );
      return false;
    }
    const agreeing = states.filter((s) => s.record?.agreed === true);
    const missing = states.filter((s) => s.record === undefined).map((s) => s.custodian);
    if (agreeing.length === 0) {
      step(QUESTIONS.oneCustodianMissing, 'Nee: van geen enkele gezaghebbende is een akkoord geregistreerd.');
      return false;
    }
    step(
      QUESTIONS.oneCustodianMissing,
      `Ja: ${agreeing.map(describe).join('; ')}; van ${list(missing)} is geen toestemming geregistreerd.`,
    );
    const alone = agreeing.find((s) => s.record?.source === SOURCE_CUSTODIAN_ALONE);
    if (alone) {
      step(
        QUESTIONS.inAgreement,
        `Ja: ${alone.custodian} gaf akkoord met bron 03 (geen toestemming van andere gezaghebbende vereist).`,
      );
      return true;
    }
    step(
      QUESTIONS.inAgreement,
      `Nee: ${list(agreeing.map((s) => s.custodian))} gaf akkoord met bron ${SOURCE_CUSTODIAN_BOTH} ` +
        `(toestemming van andere gezaghebbende vereist); ook ${list(missing)} moet akkoord geven.`,
    );
    return false;
  };

  let consent: boolean;
  if (ageBand === 'under-12') {
    step(QUESTIONS.age12, `Nee: ${age} jaar op ${D}; de gezaghebbenden beslissen.`);
    consent = custodiansAgree();
  } else if (ageBand === '12-15') {
    step(QUESTIONS.age12, `Ja: ${age} jaar op ${D}.`);
    step(QUESTIONS.age16, `Nee: ${age} jaar; ${noun} en de gezaghebbenden moeten allebei akkoord zijn.`);
    consent = youthAgrees() && custodiansAgree();
  } else {
    step(QUESTIONS.age12, `Ja: ${age} jaar op ${D}.`);
    step(
      QUESTIONS.age16,
      `Ja: ${age} jaar; vanaf 16 jaar beslist alleen ${noun} zelf, ` +
        'registraties van gezaghebbenden (bron 03/04) tellen niet meer mee.',
    );
    consent = youthAgrees();
  }

  return {
    evaluationDate: D,
    decision: consent ? 'toestemming' : 'geen-toestemming',
    path,
    activeRecords: active,
    ignoredRecords: ignored,
    ageOnEvaluationDate: age,
    ageBand,
    competent,
  };
}

/** Splits a valid YYYY-MM-DD date into numbers without allocating; anything else throws as parseIsoDate does. */
function datePart(value: string, out: Int32Array): void {
  const c = (i: number) => value.charCodeAt(i) - 48;
  if (value.length === 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45) {
    const y = c(0) * 1000 + c(1) * 100 + c(2) * 10 + c(3);
    const m = c(5) * 10 + c(6);
    const d = c(8) * 10 + c(9);
    let digits = true;
    for (let i = 0; i < 10; i++) {
      if (i !== 4 && i !== 7 && (c(i) < 0 || c(i) > 9)) digits = false;
    }
    if (digits && y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= monthLength(y, m)) {
      out[0] = y;
      out[1] = m;
      out[2] = d;
      return;
    }
  }
  parseIsoDate(value); // throws the calendar's own RangeError
  throw new RangeError(`not a date: ${value}`);
}

function monthLength(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const birthParts = new Int32Array(3);
const dateParts = new Int32Array(3);
const scratch = new Int32Array(3);

/** ageInYears on numbers: a 29 February birthday falls on 1 March in other years (nthBirthday). */
function ageOn(b: Int32Array, d: Int32Array): number {
  let age = (d[0] ?? 0) - (b[0] ?? 0);
  let bm = b[1] ?? 0;
  let bd = b[2] ?? 0;
  const y = d[0] ?? 0;
  if (bm === 2 && bd === 29 && monthLength(y, 2) === 28) {
    bm = 3;
    bd = 1;
  }
  const dm = d[1] ?? 0;
  if (dm < bm || (dm === bm && (d[2] ?? 0) < bd)) age--;
  return age;
}

function custodiansAgreeFast(custodians: readonly string[], latest: ConsentRecord[], D: IsoDate): boolean {
  if (custodians.length === 0) return false;
  let all = true;
  let anyYes = false;
  let alone = false;
  for (const c of custodians) {
    let r: ConsentRecord | undefined;
    for (const x of latest) {
      if (x.by === c) {
        r = x;
        break;
      }
    }
    if (r === undefined || (r.endDate != null && r.endDate <= D)) {
      all = false;
      continue;
    }
    if (!r.agreed) return false;
    anyYes = true;
    if (r.source === SOURCE_CUSTODIAN_ALONE) alone = true;
  }
  return all || (anyYes && alone);
}

function youthAgreesFast(
  judgements: readonly CompetenceJudgement[],
  youth: ConsentRecord | undefined,
  representatives: ConsentRecord[],
  D: IsoDate,
): boolean {
  if (!isCompetentOn(judgements, D)) {
    let yes = false;
    for (const r of representatives) {
      if (r.endDate != null && r.endDate <= D) continue;
      if (!r.agreed) return false;
      yes = true;
    }
    return yes;
  }
  return youth?.agreed === true;
}

/** Keeps the newest record per person in `list` (few entries: a linear scan beats a Map). */
function keepNewest(list: ConsentRecord[], record: ConsentRecord): void {
  for (let i = 0; i < list.length; i++) {
    const other = list[i]!;
    if (other.by === record.by) {
      if (compareConsentRecords(record, other) > 0) list[i] = record;
      return;
    }
  }
  list.push(record);
}

/**
 * The decision alone, for bulk use (re-evaluating every dossier, the exchange's nightly checks):
 * the same tree as {@link evaluateConsent} (a property test holds them equal) without building the
 * explanation or parsing dates into objects. Throws RangeError where evaluateConsent does.
 */
export function decideConsent(input: ConsentInput, evaluationDate: IsoDate): boolean {
  const birthDate = input.youth.birthDate;
  const D = evaluationDate;
  datePart(D, dateParts);
  datePart(birthDate, birthParts);
  const records = input.records;
  for (const r of records) {
    datePart(r.date, scratch);
    if (r.endDate != null) datePart(r.endDate, scratch);
  }
  const judgements = input.competence ?? [];
  for (const j of judgements) datePart(j.date, scratch);
  if (D < birthDate) throw new RangeError(`evaluation date ${D} is before birth date ${birthDate}`);
  const age = ageOn(birthParts, dateParts);
  const custodians = input.custodians;

  // The newest counting record per (capacity, person): what screenRecords keeps as "latest".
  let youth: ConsentRecord | undefined;
  const representatives: ConsentRecord[] = [];
  const custodianLatest: ConsentRecord[] = [];
  for (const record of records) {
    if (record.date > D) continue;
    const source = record.source;
    if (source === SOURCE_YOUTH) {
      if (record.by !== YOUTH) continue;
      if (youth === undefined || compareConsentRecords(record, youth) > 0) youth = record;
    } else if (record.by === YOUTH) {
      continue;
    } else if (source === SOURCE_LEGAL_REPRESENTATIVE) {
      keepNewest(representatives, record);
    } else if (custodians.includes(record.by)) {
      keepNewest(custodianLatest, record);
    }
  }
  if (youth !== undefined) {
    if (
      (youth.endDate != null && youth.endDate <= D) ||
      youth.date < nthBirthday(birthDate, 12) ||
      !isCompetentOn(judgements, youth.date)
    ) {
      youth = undefined;
    }
  }
  if (age < 12) return custodiansAgreeFast(custodians, custodianLatest, D);
  if (age < 16) {
    return (
      youthAgreesFast(judgements, youth, representatives, D) &&
      custodiansAgreeFast(custodians, custodianLatest, D)
    );
  }
  return youthAgreesFast(judgements, youth, representatives, D);
}
