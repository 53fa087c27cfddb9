/**
 * Day numbers and CDSi durations ("6 weeks - 4 days", "3 months + 4 weeks").
 *
 * The engine works on integer day numbers (days since 1970-01-01) so a patient's evaluation does no
 * string parsing or Date allocation; ISO strings appear only at the edges.
 */
import { fromEpochDay, toEpochDay, type IsoDate } from '../dates/index.js';

/** A day number: days since 1970-01-01. */
export type Day = number;

/** Far past and far future, the Logic Specification's defaults for absent dates (LS 4.6 §3, 01/01/1900 and 12/31/2999). */
export const DAY_MIN: Day = toEpochDay('1900-01-01');
export const DAY_MAX: Day = toEpochDay('2999-12-31');

/** Day number of an ISO date. Fast path for well-formed 'YYYY-MM-DD'; anything else goes through the strict parser (and throws). */
export function toDay(date: IsoDate): Day {
  if (date.length === 10 && date.charCodeAt(4) === 45 && date.charCodeAt(7) === 45) {
    const y = digits(date, 0, 4);
    const m = digits(date, 5, 7);
    const d = digits(date, 8, 10);
    if (y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= monthLength(y, m)) return fromCivil(y, m, d);
  }
  return toEpochDay(date);
}

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * ISO date of a day number (years 1–9999). Memoised: every patient's results repeat the same few
 * thousand dates, and building the string was a visible share of a bulk run. Bounded, so an odd caller
 * cannot grow it without limit.
 */
export function toIso(day: Day): IsoDate {
  const i = day - ISO_CACHE_FROM;
  if (i >= 0 && i < ISO_CACHE_SIZE) {
    let iso = isoCache[i];
    if (iso === undefined) {
      iso = formatIso(day);
      isoCache[i] = iso;
    }
    return iso;
  }
  return formatIso(day);
}

// 1900-01-01 up to (not including) 2150-01-01: every date a patient can have; a flat array is the
// cheapest lookup. Other days are formatted each time.
const ISO_CACHE_FROM: Day = -25567;
const ISO_CACHE_SIZE = 91_311;
const isoCache: (IsoDate | undefined)[] = new Array<IsoDate | undefined>(ISO_CACHE_SIZE);

function formatIso(day: Day): IsoDate {
  const [y, m, d] = civil(day);
  if (y < 1 || y > 9999) return fromEpochDay(day);
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** A CDSi time period, kept as calendar months plus days because months are not a fixed length. */
export interface Duration {
  readonly months: number;
  readonly days: number;
  /**
   * RVP extension: count from 1 January of the year in which the person reaches `months / 12` years
   * ("in the year of turning 10"), written "calendar year 10". CDSi has no such age.
   */
  readonly calendarYear?: boolean;
  /** The text it came from, for explanations. */
  readonly text: string;
}

const TERM = /^([+-]?)\s*(\d+)\s*(year|month|week|day)s?$/i;

/**
 * Parses "N unit [(+|-) N unit]…" with units years, months, weeks and days (singular or plural).
 * Returns undefined for an empty value; throws for anything else it cannot read.
 */
export function parseDuration(text: string | undefined): Duration | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  // Interned: equal texts share one object, so per-patient caches keyed by duration hit across series.
  let d = interned.get(trimmed);
  if (!d) {
    d = Object.freeze(readDuration(trimmed));
    interned.set(trimmed, d);
  }
  return d;
}

const interned = new Map<string, Duration>();

function readDuration(trimmed: string): Duration {
  const text = trimmed;
  let months = 0;
  let days = 0;
  let rest = trimmed;
  const calendar = /^calendar year\s+(\d+)\s*/i.exec(trimmed);
  if (calendar) {
    months = 12 * Number(calendar[1]);
    rest = trimmed.slice(calendar[0].length);
    if (rest === '') return { months, days, calendarYear: true, text: trimmed };
  }
  // Split before every sign that joins two terms ("6 weeks - 4 days" → "6 weeks", "- 4 days").
  const terms = rest.split(/\s+(?=[+-]\s*\d)/);
  for (const term of terms) {
    const m = TERM.exec(term.trim());
    if (!m) throw new Error(`cannot read duration "${text}"`);
    const sign = m[1] === '-' ? -1 : 1;
    const n = sign * Number(m[2]);
    const unit = (m[3] ?? '').toLowerCase();
    if (unit === 'year') months += 12 * n;
    else if (unit === 'month') months += n;
    else if (unit === 'week') days += 7 * n;
    else days += n;
  }
  return calendar ? { months, days, calendarYear: true, text: trimmed } : { months, days, text: trimmed };
}

/** Year, month (1-12), day from a day number (Hinnant's civil_from_days; integers only). */
function civil(day: Day): [number, number, number] {
  civilInto(day);
  return [cy, cm, cd];
}

// civilInto's results: date arithmetic runs millions of times in a bulk run, so no array per call.
let cy = 0;
let cm = 0;
let cd = 0;

function civilInto(day: Day): void {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  cy = yoe + era * 400 + (m <= 2 ? 1 : 0);
  cm = m;
  cd = d;
}

/** Day number of a year/month/day; the day may run past the month's end (it then rolls over). */
function fromCivil(year: number, month: number, day: number): Day {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function monthLength(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Adds calendar months. LS 4.6 §3 (date rules): a day missing in the target month moves to the 1st of the next month. */
export function addMonthsToDay(day: Day, months: number): Day {
  if (months === 0) return day;
  civilInto(day);
  const y = cy;
  const m = cm;
  const d = cd;
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = index - ty * 12 + 1;
  const length = monthLength(ty, tm);
  if (d > length) return fromCivil(ty, tm, 1) + length;
  return fromCivil(ty, tm, d);
}

/** LS 4.6 §3: months (and years) first, then weeks and days. */
export function addDuration(day: Day, duration: Duration): Day {
  if (duration.calendarYear) {
    const years = Math.trunc(duration.months / 12);
    civilInto(day);
    const start = fromCivil(cy + years, 1, 1);
    return addMonthsToDay(start, duration.months - 12 * years) + duration.days;
  }
  return addMonthsToDay(day, duration.months) + duration.days;
}

/** Parses 'YYYYMMDD' (supporting data) or 'MM/DD/YYYY' (immunity birth dates) or ISO. */
export function parseDataDate(text: string | undefined): Day | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '') return undefined;
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (m) return toDay(`${m[1]}-${m[2]}-${m[3]}`);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  if (m) return toDay(`${m[3]}-${(m[1] ?? '').padStart(2, '0')}-${(m[2] ?? '').padStart(2, '0')}`);
  return toDay(t);
}
