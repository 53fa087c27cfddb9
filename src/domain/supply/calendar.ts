/**
 * Working days for the supply procedures: the discrepancy report "within one working day" after a
 * delivery (annex B 7) and the inventory on the last working day of May and November (annex B1).
 * Working day: Monday–Friday except Dutch national public holidays (New Year, Good Friday is not
 * one, Easter Monday, King's Day, Liberation Day in lustrum years, Ascension Day, Whit Monday,
 * Christmas and Boxing Day). Pure.
 */
import { addDays, fromEpochDay, toEpochDay, daysInMonth, type IsoDate } from '../dates/index.js';

/** Easter Sunday (Gregorian, anonymous algorithm / Meeus). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function publicHolidays(year: number): Set<IsoDate> {
  const y = String(year).padStart(4, '0');
  const easter = easterSunday(year);
  // King's Day is 27 April, or the 26th when the 27th is a Sunday.
  const kingsDay = weekday(`${y}-04-27`) === 7 ? `${y}-04-26` : `${y}-04-27`;
  const days = [
    `${y}-01-01`,
    addDays(easter, 1),
    kingsDay,
    addDays(easter, 39),
    addDays(easter, 50),
    `${y}-12-25`,
    `${y}-12-26`,
  ];
  if (year % 5 === 0) days.push(`${y}-05-05`);
  return new Set(days);
}

/** ISO weekday: 1 Monday … 7 Sunday. */
export function weekday(date: IsoDate): number {
  // 1970-01-01 was a Thursday (4).
  return ((((toEpochDay(date) + 3) % 7) + 7) % 7) + 1;
}

export function isWorkingDay(date: IsoDate): boolean {
  return weekday(date) <= 5 && !publicHolidays(Number(date.slice(0, 4))).has(date);
}

/** The n-th working day after `date` (n ≥ 1). */
export function addWorkingDays(date: IsoDate, n: number): IsoDate {
  let day = toEpochDay(date);
  let left = n;
  while (left > 0) {
    day += 1;
    if (isWorkingDay(fromEpochDay(day))) left -= 1;
  }
  return fromEpochDay(day);
}

export function lastWorkingDayOfMonth(year: number, month: number): IsoDate {
  let date = `${String(year).padStart(4, '0')}-${pad(month)}-${pad(daysInMonth(year, month))}`;
  while (!isWorkingDay(date)) date = addDays(date, -1);
  return date;
}

/** The national inventory days (annex B1): last working day of May and of November. */
export function inventoryDays(year: number): [IsoDate, IsoDate] {
  return [lastWorkingDayOfMonth(year, 5), lastWorkingDayOfMonth(year, 11)];
}

/** The inventory day on or before `date` (the period's closing count). */
export function inventoryDayOnOrBefore(date: IsoDate): IsoDate {
  const year = Number(date.slice(0, 4));
  const candidates = [...inventoryDays(year - 1), ...inventoryDays(year)].filter((d) => d <= date);
  return candidates[candidates.length - 1]!;
}
