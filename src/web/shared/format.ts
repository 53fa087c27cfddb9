/** Formatting for Dutch user-facing text. Dates from the API are ISO `YYYY-MM-DD` (calendar dates). */

const isoDate = /^(\d{4})-(\d{2})-(\d{2})/;

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function parseIsoDate(value: string): CalendarDate | null {
  const match = isoDate.exec(value);
  if (!match) return null;
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

function today(now: Date): CalendarDate {
  return { year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `2021-03-15` → `15-03-2021`; anything unparseable is returned as it is, empty stays empty. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const date = parseIsoDate(value);
  return date ? `${pad(date.day)}-${pad(date.month)}-${date.year}` : value;
}

/** Whole months between the birth date and `now` (calendar based, no time zones involved). */
export function ageInMonths(birthDate: string, now: Date = new Date()): number | null {
  const birth = parseIsoDate(birthDate);
  if (!birth) return null;
  const t = today(now);
  let months = (t.year - birth.year) * 12 + (t.month - birth.month);
  if (t.day < birth.day) months -= 1;
  return months;
}

/** Age in whole years, or null for an invalid date. */
export function ageInYears(birthDate: string, now: Date = new Date()): number | null {
  const months = ageInMonths(birthDate, now);
  return months === null ? null : Math.floor(months / 12);
}

/**
 * Age as a JGZ professional says it: babies in weeks or months, toddlers in years and months, then
 * years ("6 weken", "8 maanden", "1 jaar en 3 maanden", "14 jaar").
 */
export function formatAge(birthDate: string, now: Date = new Date()): string {
  const months = ageInMonths(birthDate, now);
  const birth = parseIsoDate(birthDate);
  if (months === null || !birth) return '';
  if (months < 0) return '';
  if (months < 2) {
    const days = Math.floor(
      (Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) -
        Date.UTC(birth.year, birth.month - 1, birth.day)) /
        86_400_000,
    );
    const weeks = Math.floor(days / 7);
    return weeks === 1 ? '1 week' : `${weeks} weken`;
  }
  if (months < 12) return `${months} maanden`;
  const years = Math.floor(months / 12);
  const rest = months % 12;
  if (years < 2 && rest > 0) return `1 jaar en ${rest} ${rest === 1 ? 'maand' : 'maanden'}`;
  return `${years} jaar`;
}

export interface PersonName {
  givenName?: string | null;
  prefix?: string | null;
  familyName?: string | null;
}

/** "Jan van der Berg". */
export function formatName(person: PersonName): string {
  return [person.givenName, person.prefix, person.familyName]
    .map((part) => part?.trim())
    .filter((part): part is string => Boolean(part))
    .join(' ');
}

const numberFormat = new Intl.NumberFormat('nl-NL');

/** 1234567 → "1.234.567". */
export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

/** "123456782" → "1234.56.782", the way a BSN is usually shown. */
export function formatBsn(bsn: string | null | undefined): string {
  if (!bsn) return '';
  return /^\d{9}$/.test(bsn) ? `${bsn.slice(0, 4)}.${bsn.slice(4, 6)}.${bsn.slice(6)}` : bsn;
}

const genders: Record<string, string> = {
  '0': 'onbekend',
  '1': 'man',
  '2': 'vrouw',
  '3': 'niet gespecificeerd',
  male: 'man',
  female: 'vrouw',
  m: 'man',
  f: 'vrouw',
  v: 'vrouw',
  other: 'niet gespecificeerd',
  unknown: 'onbekend',
};

/** BDS W0023 code (or an English word) → Dutch. */
export function formatGender(value: string | null | undefined): string {
  if (!value) return 'onbekend';
  return genders[value.toLowerCase()] ?? value;
}

const kinds: Record<string, string> = { youth: 'jeugdige', client: 'cliënt' };

export function formatKind(value: string): string {
  return kinds[value] ?? value;
}

const relations: Record<string, string> = {
  mother: 'moeder',
  father: 'vader',
  parent: 'ouder',
  'legal-parent': 'juridisch ouder',
  guardian: 'voogd',
  'legal-representative': 'wettelijk vertegenwoordiger',
  'foster-parent': 'pleegouder',
  foster_parent: 'pleegouder',
  'step-parent': 'stiefouder',
  other: 'anders',
};

export function formatRelation(value: string | null | undefined): string {
  if (!value) return '';
  return relations[value.toLowerCase()] ?? value;
}

const roles: Record<string, string> = {
  'jgz-professional': 'JGZ-professional',
  'jgz-planner': 'planner JGZ',
  'jgz-admin': 'beheerder JGZ',
  'registry-analyst': 'analist RIVM',
  'municipality-officer': 'medewerker gemeente',
  nurse: 'jeugdverpleegkundige',
  doctor: 'jeugdarts',
  physician: 'jeugdarts',
  assistant: 'doktersassistent',
  planner: 'planner',
  admin: 'beheerder',
  'registry-staff': 'medewerker RIVM-DVP',
  staff: 'medewerker',
  analyst: 'analist',
  municipality: 'gemeente',
};

export function formatRole(value: string): string {
  return roles[value.toLowerCase()] ?? value;
}

/** "Dorpsstraat 12a-2" from the BRP address parts (house number, letter, addition). */
export function formatStreetLine(address: {
  street?: string | null;
  houseNumber?: string | number | null;
  houseLetter?: string | null;
  houseNumberAddition?: string | null;
}): string {
  const number = [address.houseNumber, address.houseLetter].filter(
    (p) => p !== null && p !== undefined && p !== '',
  );
  let line = [address.street, number.join('')].filter(Boolean).join(' ');
  if (address.houseNumberAddition) line += `-${address.houseNumberAddition}`;
  return line;
}

/** "1234AB" → "1234 AB". */
export function formatPostcode(value: string | null | undefined): string {
  if (!value) return '';
  const compact = value.replace(/\s+/g, '').toUpperCase();
  return /^\d{4}[A-Z]{2}$/.test(compact) ? `${compact.slice(0, 4)} ${compact.slice(4)}` : value;
}

const dossierStatuses: Record<string, string> = { '01': 'actief', '02': 'gesloten' };

/** BDS W0002 dossier status. */
export function formatDossierStatus(value: string | null | undefined): string {
  if (!value) return '';
  return dossierStatuses[value] ?? value;
}

const DUTCH_TIME_ZONE = 'Europe/Amsterdam';

function zonedParts(date: Date, timeZone: string): Record<string, string> {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  return Object.fromEntries(parts.map((part) => [part.type, part.value]));
}

/** Today's calendar date in the Netherlands, `YYYY-MM-DD` (the date the services use too). */
export function todayIso(now: Date = new Date(), timeZone: string = DUTCH_TIME_ZONE): string {
  const p = zonedParts(now, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** An instant (`2025-03-01T09:30:00Z`) as Dutch local time: `01-03-2025 10:30`. */
export function formatDateTime(value: string | null | undefined, timeZone: string = DUTCH_TIME_ZONE): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const p = zonedParts(date, timeZone);
  return `${p.day}-${p.month}-${p.year} ${p.hour}:${p.minute}`;
}
