/**
 * Exchange consent (SPEC §3, R-C1..R-C8) as the dossier front end uses it: the API calls, their types,
 * and the pure helpers behind the consent page (Dutch labels, source filtering, mapping the server's
 * field errors onto the form). The decision itself is always the server's; nothing here decides.
 */
import { request, type FieldError } from '../shared/api.js';
import { formatDate } from '../shared/format.js';
import type { MappedErrors } from '../shared/form-errors.js';

export type Decision = 'toestemming' | 'geen-toestemming';
export type ConsentSource = '01' | '03' | '04' | '05';
export type AgeBand = 'under-12' | '12-15' | '16-plus';
export type PersonRole = 'client' | 'custodian' | 'parent-without-custody' | 'legal-representative';
export type ConsentMethod = 'written' | 'verbal' | 'phone' | 'portal' | 'other';

export const CONSENT_SOURCES: readonly ConsentSource[] = ['01', '03', '04', '05'];
export const CONSENT_METHODS: readonly ConsentMethod[] = ['written', 'verbal', 'phone', 'portal', 'other'];
/** `sourcePersonId` of the client/youth themself (BDS 1534). */
export const SELF = 'self';

export interface PathStep {
  question: string;
  answer: string;
}

/** A record as the decision tree sees it: `by` is a person id or `youth`. */
export interface DomainRecord {
  id?: string;
  agreed: boolean;
  by: string;
  source: ConsentSource;
  date: string;
  endDate?: string | null;
  registeredAt?: string;
}

export interface Evaluation {
  evaluationDate: string;
  decision: Decision;
  path: PathStep[];
  activeRecords: DomainRecord[];
  ignoredRecords: { record: DomainRecord; reason: string; explanation: string }[];
  ageOnEvaluationDate: number;
  ageBand: AgeBand;
  /** null under 12 (not judged then). */
  competent: boolean | null;
}

export interface ConsentPerson {
  /** `self` for the client/youth. */
  id: string;
  name: string;
  role: PersonRole;
}

export interface StoredRecord {
  id: string;
  agreed: boolean;
  sourcePerson: ConsentPerson;
  source: ConsentSource;
  date: string;
  endDate: string | null;
  method: ConsentMethod | null;
  note: string | null;
  organisationUra: string;
  registeredBy: { id: string; name: string | null };
  registeredAt: string;
}

export interface MayConsent {
  personId: string;
  name: string;
  sources: ConsentSource[];
}

export interface UpcomingBirthday {
  date: string;
  age: 12 | 16;
  decisionNow: string;
  decisionThen: string;
  explanation: string;
}

export interface ConsentOverview {
  clientId: string;
  evaluation: Evaluation;
  whoMayConsent: MayConsent[];
  upcoming: UpcomingBirthday[];
  persons: ConsentPerson[];
  records: StoredRecord[];
}

export interface CompetenceJudgement {
  id: string;
  date: string;
  competent: boolean;
  explanation: string;
  registeredBy: { id: string; name: string | null };
  registeredAt: string;
}

export type TransitionCause =
  'birthday-12' | 'birthday-16' | 'birthday-18' | 'record' | 'record-end' | 'competence';

export interface Transition {
  date: string;
  decision: Decision;
  previous: Decision;
  cause: TransitionCause | string;
  causes: (TransitionCause | string)[];
}

export interface ConsentHistory {
  clientId: string;
  records: StoredRecord[];
  judgements: CompetenceJudgement[];
  transitions: Transition[];
}

export interface NewConsentRecord {
  agreed: boolean;
  sourcePersonId: string;
  source: ConsentSource;
  date: string;
  method?: ConsentMethod;
  note?: string;
}

export interface NewCompetenceJudgement {
  date: string;
  competent: boolean;
  explanation: string;
}

const clientPath = (clientId: string): string => `api/clients/${encodeURIComponent(clientId)}`;

export function getConsent(clientId: string, on?: string, signal?: AbortSignal): Promise<ConsentOverview> {
  return request(`${clientPath(clientId)}/consent`, { query: { on }, signal });
}

export function getConsentHistory(clientId: string, signal?: AbortSignal): Promise<ConsentHistory> {
  return request(`${clientPath(clientId)}/consent/history`, { signal });
}

export function registerConsent(
  clientId: string,
  body: NewConsentRecord,
): Promise<{ record: StoredRecord; evaluation: Evaluation; ended: string[]; repairsQueued?: number }> {
  return request(`${clientPath(clientId)}/consent-records`, { method: 'POST', body });
}

export function registerCompetence(
  clientId: string,
  body: NewCompetenceJudgement,
): Promise<{ judgement: CompetenceJudgement; evaluation: Evaluation; repairsQueued?: number }> {
  return request(`${clientPath(clientId)}/competence-judgements`, { method: 'POST', body });
}

/**
 * After a change from no consent to consent, the service re-sends the vaccinations this organisation
 * sent anonymously, now with personal data (R-C5). Empty when nothing was queued.
 */
export function repairsText(repairsQueued: number | undefined): string {
  if (!repairsQueued) return '';
  const what =
    repairsQueued === 1
      ? '1 eerder zonder persoonsgegevens verstuurd contactmoment wordt'
      : `${repairsQueued} eerder zonder persoonsgegevens verstuurde contactmomenten worden`;
  return ` ${what} vandaag opnieuw verstuurd, nu met persoonsgegevens (herstel).`;
}

// Labels -------------------------------------------------------------------------------------------

export function decisionLabel(decision: string): string {
  return decision === 'toestemming' ? 'Toestemming' : 'Geen toestemming';
}

/** BDS 1535 (W0691), as a professional reads it. */
export const sourceLabels: Record<ConsentSource, string> = {
  '01': 'cliënt/jeugdige zelf',
  '03': 'gezaghebbende – toestemming van de andere gezaghebbende niet vereist',
  '04': 'gezaghebbende – toestemming van de andere gezaghebbende wel vereist',
  '05': 'wettelijk vertegenwoordiger namens de jeugdige',
};

/** Short form for tables. */
export const sourceShortLabels: Record<ConsentSource, string> = {
  '01': 'zelf',
  '03': 'gezaghebbende, alleen',
  '04': 'gezaghebbende, samen',
  '05': 'wettelijk vertegenwoordiger',
};

export function sourceLabel(source: string): string {
  return source in sourceLabels ? `${source} – ${sourceLabels[source as ConsentSource]}` : source;
}

export const methodLabels: Record<ConsentMethod, string> = {
  written: 'schriftelijk',
  verbal: 'mondeling',
  phone: 'telefonisch',
  portal: 'via het portaal',
  other: 'anders',
};

export function methodLabel(method: string | null | undefined): string {
  if (!method) return '';
  return methodLabels[method as ConsentMethod] ?? method;
}

export function roleLabel(role: PersonRole, kind: 'youth' | 'client' = 'youth'): string {
  switch (role) {
    case 'client':
      return kind === 'client' ? 'cliënt zelf' : 'jeugdige zelf';
    case 'custodian':
      return 'gezaghebbende';
    case 'parent-without-custody':
      return 'ouder zonder gezag';
    case 'legal-representative':
      return 'wettelijk vertegenwoordiger';
  }
}

const causeLabels: Record<TransitionCause, string> = {
  'birthday-12': '12e verjaardag',
  'birthday-16': '16e verjaardag',
  'birthday-18': '18e verjaardag',
  record: 'nieuwe registratie',
  'record-end': 'einde van een registratie',
  competence: 'beoordeling van de wilsbekwaamheid',
};

export function causeLabel(cause: string): string {
  return causeLabels[cause as TransitionCause] ?? cause;
}

/** "Op 12-03-2024 werd het besluit ‘toestemming’ (oorzaak: 12e verjaardag)." */
export function transitionText(transition: Transition): string {
  const causes = transition.causes.length > 0 ? transition.causes : [transition.cause];
  return (
    `Op ${formatDate(transition.date)} werd het besluit ‘${decisionLabel(transition.decision).toLowerCase()}’ ` +
    `(oorzaak: ${causes.map(causeLabel).join(', ')}).`
  );
}

export interface AgeBandText {
  /** "Onder 12 jaar: de gezaghebbenden beslissen" */
  title: string;
  explanation: string;
}

/** Who decides in this age band (R-C4), in one line and in a few sentences. */
export function ageBandText(ageBand: AgeBand, kind: 'youth' | 'client' = 'youth', age?: number): AgeBandText {
  if (kind === 'client' || (age !== undefined && age >= 18)) {
    return {
      title: 'Cliënt van 18 jaar of ouder: alleen de cliënt beslist',
      explanation:
        'Alleen de eigen toestemming van de cliënt (bron 01) telt. Is de cliënt wilsonbekwaam beoordeeld, ' +
        'dan beslist de wettelijk vertegenwoordiger (bron 05).',
    };
  }
  switch (ageBand) {
    case 'under-12':
      return {
        title: 'Onder 12 jaar: de gezaghebbenden beslissen',
        explanation:
          'Er is toestemming als elke gezaghebbende akkoord is, of als één gezaghebbende akkoord is met ' +
          'bron 03 en geen andere gezaghebbende heeft geweigerd. Een weigering van een gezaghebbende ' +
          'betekent geen toestemming; een ouder zonder gezag kan geen toestemming geven.',
      };
    case '12-15':
      return {
        title: '12 tot 16 jaar: gezaghebbenden én jeugdige',
        explanation:
          'De gezaghebbenden én de jeugdige zelf (bron 01) moeten allebei akkoord zijn. Is de jeugdige ' +
          'wilsonbekwaam beoordeeld, dan geeft de wettelijk vertegenwoordiger (bron 05) toestemming ' +
          'namens de jeugdige.',
      };
    case '16-plus':
      return {
        title: '16 jaar en ouder: alleen de jeugdige',
        explanation:
          'Alleen de jeugdige zelf beslist (bron 01); registraties van gezaghebbenden tellen niet meer mee. ' +
          'Is de jeugdige wilsonbekwaam beoordeeld, dan beslist de wettelijk vertegenwoordiger (bron 05).',
      };
  }
}

// Readable path --------------------------------------------------------------------------------------

const uuidPattern = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const isoDatePattern = /\b(\d{4})-(\d{2})-(\d{2})\b/g;

/**
 * The decision tree names persons by id and dates as ISO dates; a professional reads names and
 * dd-mm-jjjj. Unknown ids become "een onbekende persoon".
 */
export function readableText(text: string, persons: readonly ConsentPerson[]): string {
  const names = new Map(persons.map((person) => [person.id.toLowerCase(), person.name]));
  return text
    .replace(uuidPattern, (id) => names.get(id.toLowerCase()) ?? 'een onbekende persoon')
    .replace(isoDatePattern, (_match, year: string, month: string, day: string) => `${day}-${month}-${year}`);
}

export function readablePath(path: readonly PathStep[], persons: readonly ConsentPerson[]): PathStep[] {
  return path.map((step) => ({
    question: readableText(step.question, persons),
    answer: readableText(step.answer, persons),
  }));
}

// The registration form -------------------------------------------------------------------------------

/** The sources a person's role allows in principle (BDS 1535); the server judges the rest. */
const sourcesByRole: Record<PersonRole, ConsentSource[]> = {
  client: ['01'],
  custodian: ['03', '04'],
  // Offered so that the server's refusal can be shown: a parent without custody cannot consent.
  'parent-without-custody': ['03', '04'],
  'legal-representative': ['05'],
};

/**
 * The sources to offer for the chosen person: what the server says this person may use now, otherwise
 * what the person's role allows in principle (the registration is then refused with the reason).
 * Without a person, all sources.
 */
export function sourcesFor(personId: string, overview: Pick<ConsentOverview, 'whoMayConsent' | 'persons'>) {
  if (!personId) return [...CONSENT_SOURCES];
  const allowed = overview.whoMayConsent.find((m) => m.personId === personId);
  if (allowed && allowed.sources.length > 0) return [...allowed.sources];
  const person = overview.persons.find((p) => p.id === personId);
  return person ? [...sourcesByRole[person.role]] : [...CONSENT_SOURCES];
}

export function mayConsentNow(personId: string, overview: Pick<ConsentOverview, 'whoMayConsent'>): boolean {
  return overview.whoMayConsent.some((m) => m.personId === personId);
}

export interface ConsentFormValues {
  personId: string;
  agreed: 'yes' | 'no' | null;
  source: string;
  date: string;
  method: string;
  note: string;
}

/** Nothing is pre-selected (R-C1): no person, no yes/no, no source, no date. */
export const emptyConsentForm: ConsentFormValues = {
  personId: '',
  agreed: null,
  source: '',
  date: '',
  method: '',
  note: '',
};

export type ConsentFormField = 'personId' | 'agreed' | 'source' | 'date' | 'method' | 'note';
export type CompetenceFormField = 'date' | 'competent' | 'explanation';

/** `body.sourcePersonId` → `personId`; the server's field names onto the form's. */
const consentFieldOf: Record<string, ConsentFormField> = {
  sourcePersonId: 'personId',
  agreed: 'agreed',
  source: 'source',
  date: 'date',
  method: 'method',
  note: 'note',
};

const competenceFieldOf: Record<string, CompetenceFormField> = {
  date: 'date',
  competent: 'competent',
  explanation: 'explanation',
};

export type { MappedErrors };

function mapErrors<F extends string>(
  errors: readonly FieldError[],
  fields: Record<string, F>,
): MappedErrors<F> {
  const byField: Partial<Record<F, string[]>> = {};
  const other: string[] = [];
  for (const error of errors) {
    const name = error.field.replace(/^body\.?/, '').split(/[.[]/)[0] ?? '';
    const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (field) (byField[field] ??= []).push(error.message);
    else other.push(error.message);
  }
  return { byField, other };
}

export function mapConsentErrors(errors: readonly FieldError[]): MappedErrors<ConsentFormField> {
  return mapErrors(errors, consentFieldOf);
}

export function mapCompetenceErrors(errors: readonly FieldError[]): MappedErrors<CompetenceFormField> {
  return mapErrors(errors, competenceFieldOf);
}

/**
 * What must be chosen before the server is asked (the server checks it again). Only "not chosen":
 * every rule of the law is the server's to judge, so its refusal and reason reach the professional.
 */
export function missingConsentFields(values: ConsentFormValues): FieldError[] {
  const errors: FieldError[] = [];
  const missing = (field: string, message: string) => errors.push({ field, rule: 'required', message });
  if (!values.personId) missing('body.sourcePersonId', 'Kies de persoon die de toestemming gaf of weigerde.');
  if (values.agreed === null)
    missing('body.agreed', 'Kies of de persoon toestemming gaf (ja) of weigerde (nee).');
  if (!values.source) missing('body.source', 'Kies de bron van de toestemming.');
  if (!values.date) missing('body.date', 'Vul de datum in waarop de toestemming is gegeven of geweigerd.');
  return errors;
}

export function toConsentRequest(values: ConsentFormValues): NewConsentRecord {
  const body: NewConsentRecord = {
    agreed: values.agreed === 'yes',
    sourcePersonId: values.personId,
    source: values.source as ConsentSource,
    date: values.date,
  };
  if (values.method) body.method = values.method as ConsentMethod;
  if (values.note.trim()) body.note = values.note.trim();
  return body;
}

export interface CompetenceFormValues {
  date: string;
  competent: 'yes' | 'no' | null;
  explanation: string;
}

export const emptyCompetenceForm: CompetenceFormValues = { date: '', competent: null, explanation: '' };

export function missingCompetenceFields(values: CompetenceFormValues): FieldError[] {
  const errors: FieldError[] = [];
  const missing = (field: string, message: string) => errors.push({ field, rule: 'required', message });
  if (!values.date) missing('body.date', 'Vul de datum van de beoordeling in.');
  if (values.competent === null) missing('body.competent', 'Kies of de jeugdige wilsbekwaam is.');
  if (!values.explanation.trim()) {
    missing('body.explanation', 'Beschrijf de bijzonderheden van de wilsontwikkeling.');
  }
  return errors;
}
