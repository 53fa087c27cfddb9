/**
 * Vaccinations (SPEC §4, R-V1..R-V7) as the dossier front end uses them: the API calls, their types,
 * and the pure helpers behind the client page: the state of each message to the registry in plain
 * Dutch, the registration and correction forms (required fields, the server's refusals at the
 * field), and the answer of a status query. Which message goes out (4 or 4a) is always the server's
 * choice at send time; nothing here decides.
 */
import { request, type FieldError, type Problem } from '../shared/api.js';
import { mapFieldErrors, type MappedErrors } from '../shared/form-errors.js';
import { formatDate, formatDateTime, todayIso } from '../shared/format.js';
import { deliveryErrorText } from './exchange.js';

// API types ------------------------------------------------------------------------------------------

export interface CodeEntry {
  code: string;
  name: string;
}

export interface CodeLists {
  vaccineTypes: CodeEntry[];
  activityTypes: CodeEntry[];
  objections: CodeEntry[];
}

export type ObjectionCode = '1' | '2' | '98';
export type MessageReason = 'new' | 'correction' | 'cancellation' | 'repair';
export type MessageStateName = 'queued' | 'sent' | 'held' | 'refused' | 'superseded';

export interface Vaccination {
  id: string;
  vaccineType: string;
  date: string;
  batchNumber: string;
  performer: string;
  location: string;
  objection?: string | null;
  status: 'active' | 'cancelled';
}

export interface MessageState {
  version: number;
  reason: MessageReason | string;
  state: MessageStateName | string;
  urgency: 'nightly' | 'immediate' | string;
  sentKind: 'personalised' | 'anonymous' | null;
  sentAt: string | null;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  registryOutcome: 'accepted' | 'duplicate' | 'stale' | 'held' | 'refused' | string | null;
  registryReason: string | null;
}

export interface Activity {
  /** Internal key. */
  id: string;
  /** BDS 1377: the random id that links the activity's messages at the registry. */
  activityId: string;
  activityType: string;
  activityDate: string;
  /** The organisation whose dossier the activity came from (only its own may be changed). */
  originUra: string;
  version: number;
  vaccinations: Vaccination[];
  /** Newest version first. */
  messages: MessageState[];
}

export interface NewVaccination {
  vaccineType: string;
  date: string;
  batchNumber: string;
  performer: string;
  location: string;
  objection?: ObjectionCode | null;
}

export interface NewActivity {
  activityType: string;
  activityDate: string;
  vaccinations: NewVaccination[];
}

export type VaccinationCorrection = Partial<NewVaccination>;

/** One dose as the registry knows it (R-V7), of any organisation. */
export interface RegisteredVaccination {
  organisationUra: string;
  activityId: string;
  vaccineType: string;
  date: string;
  batchNumber: string;
  performer: string;
  location: string;
  /** The registry's validity assessment may be added later (schedule engine); shown when present. */
  [extra: string]: unknown;
}

export interface VaccinationStatus {
  birthDate: string;
  vaccinations: RegisteredVaccination[];
  [extra: string]: unknown;
}

// API calls ------------------------------------------------------------------------------------------

const clientPath = (clientId: string): string => `api/clients/${encodeURIComponent(clientId)}`;
const vaccinationPath = (id: string): string => `api/vaccinations/${encodeURIComponent(id)}`;

export function getCodeLists(signal?: AbortSignal): Promise<CodeLists> {
  return request('api/code-lists', { signal });
}

export function listActivities(clientId: string, signal?: AbortSignal): Promise<{ items: Activity[] }> {
  return request(`${clientPath(clientId)}/activities`, { signal });
}

export function recordActivity(clientId: string, body: NewActivity): Promise<Activity> {
  return request(`${clientPath(clientId)}/activities`, { method: 'POST', body });
}

export function correctVaccination(id: string, body: VaccinationCorrection): Promise<Activity> {
  return request(vaccinationPath(id), { method: 'PATCH', body });
}

export function cancelVaccination(id: string): Promise<Activity> {
  return request(vaccinationPath(id), { method: 'DELETE' });
}

export function getVaccinationStatus(clientId: string, signal?: AbortSignal): Promise<VaccinationStatus> {
  return request(`${clientPath(clientId)}/vaccination-status`, { signal });
}

// Labels ---------------------------------------------------------------------------------------------

/** The name of a code (vaccine, activity type, objection); an unknown code is shown as itself. */
export function codeName(list: readonly CodeEntry[] | undefined, code: string | null | undefined): string {
  if (!code) return '';
  return list?.find((entry) => entry.code === code)?.name ?? `code ${code}`;
}

export const reasonLabels: Record<MessageReason, string> = {
  new: 'nieuwe registratie',
  correction: 'correctie',
  cancellation: 'annulering',
  repair: 'herstel na toestemming',
};

export function reasonLabel(reason: string): string {
  return reasonLabels[reason as MessageReason] ?? reason;
}

/** How a message state looks: waiting (neutral), sent (positive), attention, refused. */
export type MessageTone = 'waiting' | 'ok' | 'attention' | 'error' | 'muted';

export interface MessageStateText {
  text: string;
  tone: MessageTone;
}

const pogingen = (n: number): string => (n === 1 ? '1 poging' : `${n} pogingen`);

/** "14:27" today (in the Netherlands), otherwise "24-11-2026 02:00". */
export function formatMoment(value: string, now: Date = new Date()): string {
  const full = formatDateTime(value);
  const [day, time] = full.split(' ');
  return day === formatDate(todayIso(now)) && time ? time : full;
}

/**
 * The state of one message to the registry, as a professional reads it:
 * "Wacht op nachtelijke verzending", "Verstuurd zonder persoonsgegevens (bericht 4a) op …",
 * "Hersteld: opnieuw verstuurd met persoonsgegevens (bericht 4) op …", "Geweigerd door het register:
 * …", "Op werklijst register: …", "Nieuwe poging om … (2 pogingen): …".
 */
export function messageStateText(message: MessageState, now: Date = new Date()): MessageStateText {
  const reason = message.registryReason?.trim() || 'geen reden opgegeven';
  switch (message.state) {
    case 'queued': {
      if (message.attempts > 0) {
        const error = message.lastError ? `: ${deliveryErrorText(message.lastError)}` : '';
        return {
          text: `Nieuwe poging om ${formatMoment(message.nextAttemptAt, now)} (${pogingen(message.attempts)})${error}`,
          tone: 'attention',
        };
      }
      if (message.urgency === 'immediate') {
        return {
          text:
            message.reason === 'repair'
              ? 'Herstel wacht op verzending (vandaag nog)'
              : 'Wacht op verzending (vandaag nog)',
          tone: 'waiting',
        };
      }
      return { text: 'Wacht op nachtelijke verzending', tone: 'waiting' };
    }
    case 'sent': {
      const personal = message.sentKind === 'personalised';
      const what = personal
        ? 'met persoonsgegevens (bericht 4)'
        : message.sentKind === 'anonymous'
          ? 'zonder persoonsgegevens (bericht 4a)'
          : '';
      const when = message.sentAt ? ` op ${formatDateTime(message.sentAt)}` : '';
      const base =
        message.reason === 'repair'
          ? `Hersteld: opnieuw verstuurd ${what}`.trimEnd()
          : `Verstuurd ${what}`.trimEnd();
      const note =
        message.registryOutcome === 'duplicate'
          ? '. Het register had dit bericht al ontvangen.'
          : message.registryOutcome === 'stale'
            ? '. Het register had al een nieuwere versie en heeft deze niet gebruikt.'
            : '';
      return { text: `${base}${when}${note}`, tone: 'ok' };
    }
    case 'held':
      return { text: `Op werklijst register: ${reason}`, tone: 'attention' };
    case 'refused':
      return { text: `Geweigerd door het register: ${reason}`, tone: 'error' };
    case 'superseded':
      return { text: 'Niet verstuurd: vervangen door een nieuwere versie', tone: 'muted' };
    default:
      return { text: message.state, tone: 'muted' };
  }
}

/** The message of the activity's newest version (what the registry has, or will get). */
export function currentMessage(activity: Pick<Activity, 'messages'>): MessageState | undefined {
  return [...activity.messages].sort((a, b) => b.version - a.version)[0];
}

/** True while a message is about to go out today (a repair after consent): worth looking again soon. */
export function deliveryPending(activities: readonly Pick<Activity, 'messages'>[]): boolean {
  return activities.some((activity) => {
    const message = currentMessage(activity);
    return message?.state === 'queued' && message.urgency === 'immediate' && message.attempts === 0;
  });
}

/** "1 vaccinatie", "2 vaccinaties". */
export function countVaccinations(n: number): string {
  return n === 1 ? '1 vaccinatie' : `${n} vaccinaties`;
}

// The registration form --------------------------------------------------------------------------------

export const FIELD_LIMIT = 50; // BDS 472, 1336, 1452: AN 50 (docs/messages.md)

export type VaccinationFieldName =
  'vaccineType' | 'date' | 'batchNumber' | 'performer' | 'location' | 'objection';
export const VACCINATION_FIELDS: readonly VaccinationFieldName[] = [
  'vaccineType',
  'date',
  'batchNumber',
  'performer',
  'location',
  'objection',
];

export const fieldLabels: Record<VaccinationFieldName | 'activityType' | 'activityDate', string> = {
  activityType: 'Soort contactmoment',
  activityDate: 'Datum contactmoment',
  vaccineType: 'Vaccin',
  date: 'Datum vaccinatie',
  batchNumber: 'Batchnummer',
  performer: 'Uitvoerende instantie',
  location: 'Locatie',
  objection: 'Bezwaar',
};

export interface VaccinationValues {
  vaccineType: string;
  date: string;
  batchNumber: string;
  performer: string;
  location: string;
  objection: string;
}

export interface VaccinationRow extends VaccinationValues {
  /** Stable React key of the row. */
  key: number;
}

export interface ActivityFormValues {
  activityType: string;
  activityDate: string;
  vaccinations: VaccinationRow[];
}

/** Nothing is chosen for the user: no vaccine, no type, no dates. */
export const emptyVaccination: VaccinationValues = {
  vaccineType: '',
  date: '',
  batchNumber: '',
  performer: '',
  location: '',
  objection: '',
};

export function emptyActivityForm(key = 0): ActivityFormValues {
  return { activityType: '', activityDate: '', vaccinations: [{ key, ...emptyVaccination }] };
}

/**
 * Another vaccination at the same contact moment: date, performer and location are usually those of
 * the previous one and are copied; the vaccine and its batch are never guessed.
 */
export function nextVaccinationRow(previous: VaccinationValues | undefined, key: number): VaccinationRow {
  return {
    key,
    ...emptyVaccination,
    date: previous?.date ?? '',
    performer: previous?.performer ?? '',
    location: previous?.location ?? '',
  };
}

/** Form field keys: `activityType`, `activityDate`, `vaccinations[0].date`, `vaccinations`. */
export type ActivityFormField = string;

export const rowField = (index: number, name: VaccinationFieldName): ActivityFormField =>
  `vaccinations[${index}].${name}`;

/** The form's field for a server path such as `body.vaccinations[0].batchNumber`. */
export function activityFieldOf(path: string): ActivityFormField | undefined {
  const name = path.replace(/^body\.?/, '');
  if (name === 'activityType' || name === 'activityDate' || name === 'vaccinations') return name;
  const row = /^vaccinations\[(\d+)\]\.(\w+)/.exec(name);
  if (row && (VACCINATION_FIELDS as readonly string[]).includes(row[2] ?? '')) {
    return rowField(Number(row[1]), row[2] as VaccinationFieldName);
  }
  return undefined;
}

/** The last name in a path: `body.vaccinations[0].batchNumber` → `batchNumber`. */
function lastName(path: string): string {
  return (
    path
      .split('.')
      .at(-1)
      ?.replace(/\[\d+\]$/, '') ?? path
  );
}

/**
 * The schema's own messages are English ("Too big: expected string to have <=50 characters"); a
 * professional gets them in Dutch, named after the field. Rule messages of the service (Dutch) stay.
 */
export function dutchFieldMessage(error: FieldError): string {
  const name = lastName(error.field);
  const label = fieldLabels[name as keyof typeof fieldLabels];
  if (!label) return error.message;
  switch (error.rule) {
    case 'too_big':
      return `${label}: te lang, maximaal ${FIELD_LIMIT} tekens.`;
    case 'too_small':
      return `${label}: vul dit in.`;
    case 'invalid_value':
    case 'invalid_enum_value':
      return `${label}: kies een waarde uit de lijst.`;
    case 'invalid_format':
    case 'invalid_string':
    case 'invalid_date':
      return `${label}: geen geldige datum.`;
    case 'invalid_type':
      return `${label}: ontbreekt of is ongeldig.`;
    default:
      return error.message;
  }
}

export function mapActivityErrors(errors: readonly FieldError[]): MappedErrors<ActivityFormField> {
  return mapFieldErrors(errors, activityFieldOf, dutchFieldMessage);
}

const requiredMessages: Record<Exclude<VaccinationFieldName, 'objection'>, string> = {
  vaccineType: 'Kies het vaccin.',
  date: 'Vul de datum van de vaccinatie in.',
  batchNumber: 'Vul het batchnummer in.',
  performer: 'Vul de uitvoerende instantie in.',
  location: 'Vul de locatie in.',
};

function checkVaccination(values: VaccinationValues, pathOf: (name: VaccinationFieldName) => string) {
  const errors: FieldError[] = [];
  for (const name of ['vaccineType', 'date', 'batchNumber', 'performer', 'location'] as const) {
    const value = values[name].trim();
    if (!value) errors.push({ field: pathOf(name), rule: 'required', message: requiredMessages[name] });
    else if (name !== 'vaccineType' && name !== 'date' && value.length > FIELD_LIMIT) {
      errors.push({
        field: pathOf(name),
        rule: 'max-length',
        message: `${fieldLabels[name]}: te lang, maximaal ${FIELD_LIMIT} tekens (nu ${value.length}).`,
      });
    }
  }
  return errors;
}

/**
 * What must be filled in before the server is asked, with the server's paths. Only "missing" and
 * "too long": dates in the future or before birth are the server's to refuse, with its reason.
 */
export function checkActivityForm(values: ActivityFormValues): FieldError[] {
  const errors: FieldError[] = [];
  if (!values.activityType) {
    errors.push({ field: 'body.activityType', rule: 'required', message: 'Kies het soort contactmoment.' });
  }
  if (!values.activityDate) {
    errors.push({
      field: 'body.activityDate',
      rule: 'required',
      message: 'Vul de datum van het contactmoment in.',
    });
  }
  values.vaccinations.forEach((row, index) => {
    errors.push(...checkVaccination(row, (name) => `body.vaccinations[${index}].${name}`));
  });
  return errors;
}

function toVaccination(values: VaccinationValues): NewVaccination {
  const vaccination: NewVaccination = {
    vaccineType: values.vaccineType,
    date: values.date,
    batchNumber: values.batchNumber.trim(),
    performer: values.performer.trim(),
    location: values.location.trim(),
  };
  if (values.objection) vaccination.objection = values.objection as ObjectionCode;
  return vaccination;
}

export function toActivityRequest(values: ActivityFormValues): NewActivity {
  return {
    activityType: values.activityType,
    activityDate: values.activityDate,
    vaccinations: values.vaccinations.map(toVaccination),
  };
}

// Correcting a vaccination --------------------------------------------------------------------------------

export function correctionValuesOf(vaccination: Vaccination): VaccinationValues {
  return {
    vaccineType: vaccination.vaccineType,
    date: vaccination.date,
    batchNumber: vaccination.batchNumber,
    performer: vaccination.performer,
    location: vaccination.location,
    objection: vaccination.objection ?? '',
  };
}

/** Only what changed is sent; an objection set back to "none" is sent as null. */
export function toCorrection(original: Vaccination, values: VaccinationValues): VaccinationCorrection {
  const before = toVaccination(correctionValuesOf(original));
  const after = toVaccination(values);
  const correction: VaccinationCorrection = {};
  if (after.vaccineType !== before.vaccineType) correction.vaccineType = after.vaccineType;
  if (after.date !== before.date) correction.date = after.date;
  if (after.batchNumber !== before.batchNumber) correction.batchNumber = after.batchNumber;
  if (after.performer !== before.performer) correction.performer = after.performer;
  if (after.location !== before.location) correction.location = after.location;
  if ((after.objection ?? null) !== (before.objection ?? null))
    correction.objection = after.objection ?? null;
  return correction;
}

export function checkCorrection(values: VaccinationValues): FieldError[] {
  return checkVaccination(values, (name) => `body.${name}`);
}

/**
 * The correction form's field for a server path: `body.batchNumber`, and also
 * `body.vaccinations[0].date`, the path the service uses for a refused date in a correction.
 */
export function correctionFieldOf(path: string): VaccinationFieldName | undefined {
  const name = path.replace(/^body\.?/, '').replace(/^vaccinations\[\d+\]\./, '');
  return (VACCINATION_FIELDS as readonly string[]).includes(name)
    ? (name as VaccinationFieldName)
    : undefined;
}

export function mapCorrectionErrors(errors: readonly FieldError[]): MappedErrors<VaccinationFieldName> {
  return mapFieldErrors(errors, correctionFieldOf, dutchFieldMessage);
}

// The status query ----------------------------------------------------------------------------------------

/** The machine-readable rule of a refusal: the first field error's rule, else the problem type's slug. */
export function ruleOf(problem: Problem): string | null {
  const rule = problem.errors?.[0]?.rule;
  if (rule) return rule;
  const slug = /^urn:open-rvp:problem:(.+)$/.exec(problem.type)?.[1];
  return slug ?? null;
}

export type StatusRefusalKind = 'no-consent' | 'registry' | 'unreachable' | 'other';

export interface StatusRefusal {
  kind: StatusRefusalKind;
  rule: string | null;
  /** One line, bold. */
  title: string;
  /** Why, in plain Dutch. */
  explanation: string;
  /** The service's or the registry's own words, when they add something. */
  detail: string | null;
}

const registryRefusals: Record<string, string> = {
  'no-consent-known':
    'Het register heeft (nog) geen toestemming voor deze persoon ontvangen. Het register hoort dat er ' +
    'toestemming is met het eerstvolgende bericht met persoonsgegevens, bijvoorbeeld bij de nachtelijke verzending.',
  unlinked:
    'Deze persoon heeft het register gevraagd de persoonsgegevens te ontkoppelen. Het register geeft ' +
    'daarom geen vaccinatiestatus.',
  'unknown-person': 'Het register kent deze persoon niet (het BSN is niet bekend in het register).',
};

/** Why a status query was not answered (R-C6), from the problem the dossier returned. */
export function statusRefusal(problem: Problem): StatusRefusal {
  const rule = ruleOf(problem);
  const detail = problem.detail && problem.detail !== problem.title ? problem.detail : null;
  if (rule === 'no-consent') {
    return {
      kind: 'no-consent',
      rule,
      title: 'Geen toestemming: de vaccinatiestatus is niet opgevraagd.',
      explanation:
        'Zonder toestemming voor gegevensuitwisseling met het RVP vraagt het dossier de vaccinatiestatus ' +
        'niet op bij het register. Eén toestemming geldt voor beide richtingen: vaccinaties naar het ' +
        'register en de status terug (R-C6).',
      detail: null,
    };
  }
  if (rule === 'registry-unreachable' || problem.status === 502 || problem.status === 0) {
    return {
      kind: 'unreachable',
      rule,
      title: 'Het register is niet bereikbaar.',
      explanation: 'Probeer het later opnieuw.',
      detail: null,
    };
  }
  if (rule === 'no-bsn') {
    return {
      kind: 'other',
      rule,
      title: 'De vaccinatiestatus kan niet worden opgevraagd.',
      explanation: 'Deze cliënt heeft geen BSN; het register zoekt personen op BSN.',
      detail: null,
    };
  }
  if (rule && rule in registryRefusals) {
    return {
      kind: 'registry',
      rule,
      title: 'Het register weigert de statusvraag.',
      explanation: registryRefusals[rule] ?? '',
      detail: detail && !registryRefusals[rule]?.includes(detail) ? detail : null,
    };
  }
  return {
    kind: problem.status === 409 ? 'registry' : 'other',
    rule,
    title: problem.title,
    explanation: detail ?? 'De vaccinatiestatus kon niet worden opgevraagd.',
    detail: null,
  };
}

export interface Validity {
  label: string;
  reason: string | null;
}

const validityLabels: Record<string, string> = {
  valid: 'Geldig',
  'not valid': 'Ongeldig',
  invalid: 'Ongeldig',
  extraneous: 'Overbodig',
  'sub-standard': 'Onder de maat',
  substandard: 'Onder de maat',
  'not evaluated': 'Niet beoordeeld',
};

/** The schedule engine's reasons are CDSi's English words; the known ones in Dutch. */
const cdsiReasons: Record<string, string> = {
  'age: too young': 'Leeftijd: te jong',
  'age: too old': 'Leeftijd: te oud',
  age: 'Leeftijd',
  'interval: too soon': 'Interval: te kort na de vorige dosis',
  interval: 'Interval',
  'live virus conflict': 'Te kort na een ander levend vaccin',
  'series already complete': 'De reeks was al compleet',
  'inadvertent vaccine': 'Onbedoeld vaccin',
  gender: 'Geslacht',
  'not a preferable or allowable vaccine': 'Geen voorkeurs- of toegestaan vaccin',
  'not in the schedule': 'Niet in het vaccinatieschema',
};

export function dutchReason(reason: string): string {
  return reason
    .split(/;\s*/)
    .map((part) => cdsiReasons[part.trim().toLowerCase()] ?? part.trim())
    .join('; ');
}

function validityLabel(value: unknown): string | null {
  if (typeof value === 'boolean') return value ? 'Geldig' : 'Ongeldig';
  if (typeof value === 'string' && value.trim()) return validityLabels[value.trim().toLowerCase()] ?? value;
  return null;
}

function reasonText(source: Record<string, unknown>): string | null {
  const reasons = source.reasons;
  if (Array.isArray(reasons) && reasons.length > 0) return dutchReason(reasons.map(String).join('; '));
  for (const key of ['reason', 'validityReason', 'explanation']) {
    const value = source[key];
    if (typeof value === 'string' && value.trim()) return dutchReason(value);
  }
  return null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The registry's validity assessment of one dose, when the answer carries one (it will, with the
 * schedule engine): `validity` / `evaluation` as a word or an object, `status` ('Valid', 'Not Valid',
 * …) or `valid` (boolean), with a reason where given. Null when there is none.
 */
export function validityOf(vaccination: Record<string, unknown>): Validity | null {
  for (const key of ['validity', 'evaluation', 'assessment']) {
    const value = vaccination[key];
    if (isRecord(value)) {
      const label = validityLabel(value.status ?? value.valid ?? value.result);
      if (label) return { label, reason: reasonText(value) };
    } else {
      const label = validityLabel(value);
      if (label) return { label, reason: reasonText(vaccination) };
    }
  }
  const label = validityLabel(vaccination.status ?? vaccination.valid);
  return label ? { label, reason: reasonText(vaccination) } : null;
}

/** Per vaccine group: the series status and what is due next (the registry's forecast, R-R3). */
export interface GroupForecast {
  vaccineGroup: string;
  seriesStatus: string;
  status: string;
  doseNumber: number | null;
  earliest: string | null;
  recommended: string | null;
  pastDue: string | null;
  latest: string | null;
  vaccines?: CodeEntry[];
}

const isForecast = (value: unknown): value is GroupForecast =>
  isRecord(value) && typeof value.vaccineGroup === 'string' && typeof value.status === 'string';

/** The forecast of a status answer, when the registry sends one (an empty list otherwise). */
export function forecastOf(status: Record<string, unknown>): GroupForecast[] {
  return Array.isArray(status.forecast) ? status.forecast.filter(isForecast) : [];
}

const forecastLabels: Record<string, string> = {
  upcoming: 'Binnenkort',
  due: 'Nu aan de beurt',
  overdue: 'Te laat',
  complete: 'Compleet',
  immune: 'Immuun',
  'aged-out': 'Leeftijd voorbij',
  'not-recommended': 'Niet aanbevolen',
  contraindicated: 'Contra-indicatie',
};

const seriesLabels: Record<string, string> = {
  'not complete': 'Niet compleet',
  complete: 'Compleet',
  immune: 'Immuun',
  'not recommended': 'Niet aanbevolen',
  'aged out': 'Leeftijd voorbij',
  contraindicated: 'Contra-indicatie',
};

const groupLabels: Record<string, string> = {
  pneumococcal: 'Pneumokokken',
  measles: 'Mazelen',
  mumps: 'Bof',
  rubella: 'Rodehond',
  pertussis: 'Kinkhoest',
  diphtheria: 'Difterie',
  tetanus: 'Tetanus',
  'hepatitis b': 'Hepatitis B',
  meningococcal: 'Meningokokken',
};

/** The schedule's vaccine groups, in Dutch where the engine names them in English. */
export function vaccineGroupLabel(group: string): string {
  return groupLabels[group.toLowerCase()] ?? group;
}

export function forecastStatusLabel(status: string): string {
  return forecastLabels[status] ?? status;
}

export function seriesStatusLabel(status: string): string {
  return seriesLabels[status.toLowerCase()] ?? status;
}

/** The forecast's tone: attention for what is due or late. */
export function forecastNeedsAttention(status: string): boolean {
  return status === 'due' || status === 'overdue';
}
