import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  ageInYears,
  compareIsoDates,
  daysBetween,
  daysInMonth,
  formatIsoDate,
  fromEpochDay,
  isIsoDate,
  isLeapYear,
  isoDateInZone,
  isoDateProblem,
  isoDateSchema,
  nextWallClockTime,
  nthBirthday,
  parseIsoDate,
  toEpochDay,
} from '../../../src/domain/dates/index.js';

/** Epoch day via Date in UTC (setUTCFullYear, so years below 100 are not shifted to 19xx). */
function utcEpochDay(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.round(d.getTime() / 86_400_000);
}

const anyDay = fc.integer({ min: toEpochDay('0001-01-01'), max: toEpochDay('9999-12-31') });
const recentDay = fc.integer({ min: toEpochDay('1900-01-01'), max: toEpochDay('2100-12-31') });

describe('ISO dates', () => {
  it.each(['2021-01-01', '2020-02-29', '2000-02-29', '2021-12-31', '0001-01-01', '9999-12-31'])(
    '%s is valid',
    (d) => {
      expect(isIsoDate(d)).toBe(true);
    },
  );

  it.each([
    '2021-02-29',
    '1900-02-29',
    '2021-02-30',
    '2021-04-31',
    '2021-13-01',
    '2021-00-10',
    '2021-01-00',
    '0000-01-01',
    '2021-1-01',
    '20210101',
    '2021-01-01T00:00:00Z',
    ' 2021-01-01',
    '',
  ])('%s is not', (d) => {
    expect(isIsoDate(d)).toBe(false);
    expect(() => parseIsoDate(d)).toThrow(RangeError);
  });

  it('explains why a date is invalid', () => {
    expect(isoDateProblem('2021-02-30')).toBe('2021-02-30 is not a calendar date: February 2021 has 28 days');
    expect(isoDateProblem('2021-13-01')).toBe('2021-13-01 is not a calendar date: month must be 01-12');
    expect(isoDateProblem('1-1-2021')).toBe('must be a date in the form YYYY-MM-DD, got "1-1-2021"');
    expect(isoDateProblem(20210101)).toBe('must be a date string (YYYY-MM-DD)');
    expect(isoDateProblem('2024-02-29')).toBeNull();
  });

  it('knows leap years and month lengths', () => {
    expect([1900, 2000, 2020, 2021, 2100].map(isLeapYear)).toEqual([false, true, true, false, false]);
    expect(daysInMonth(2021, 2)).toBe(28);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2021, 4)).toBe(30);
    expect(daysInMonth(2021, 12)).toBe(31);
  });

  it('parses, formats and compares', () => {
    expect(parseIsoDate('2021-03-04')).toEqual({ year: 2021, month: 3, day: 4 });
    expect(formatIsoDate({ year: 21, month: 3, day: 4 })).toBe('0021-03-04');
    expect(() => formatIsoDate({ year: 2021, month: 2, day: 29 })).toThrow(RangeError);
    expect(compareIsoDates('2021-01-02', '2021-01-10')).toBe(-1);
    expect(compareIsoDates('2021-01-10', '2021-01-10')).toBe(0);
    expect(compareIsoDates('2022-01-01', '2021-12-31')).toBe(1);
  });

  it('zod schema rejects impossible dates with the reason', () => {
    expect(isoDateSchema.safeParse('2020-02-29').success).toBe(true);
    const result = isoDateSchema.safeParse('2021-02-30');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      '2021-02-30 is not a calendar date: February 2021 has 28 days',
    );
    expect(isoDateSchema.safeParse(undefined).error?.issues[0]?.message).toBe('is required');
  });
});

describe('day arithmetic', () => {
  it('counts days from 1970-01-01', () => {
    expect(toEpochDay('1970-01-01')).toBe(0);
    expect(toEpochDay('1969-12-31')).toBe(-1);
    expect(toEpochDay('2000-03-01')).toBe(11017);
    expect(fromEpochDay(19_000)).toBe('2022-01-08');
  });

  it('agrees with Date in UTC over the whole range', () => {
    fc.assert(
      fc.property(anyDay, (n) => {
        const date = fromEpochDay(n);
        const { year, month, day } = parseIsoDate(date);
        expect(utcEpochDay(year, month, day)).toBe(n);
        expect(toEpochDay(date)).toBe(n);
      }),
    );
  });

  it('adds days across months, years and leap days', () => {
    expect(addDays('2021-02-28', 1)).toBe('2021-03-01');
    expect(addDays('2020-02-28', 1)).toBe('2020-02-29');
    expect(addDays('2021-12-31', 1)).toBe('2022-01-01');
    expect(addDays('2021-03-01', -1)).toBe('2021-02-28');
    expect(daysBetween('2021-01-01', '2022-01-01')).toBe(365);
    expect(daysBetween('2020-01-01', '2021-01-01')).toBe(366);
    expect(() => addDays('9999-12-31', 1)).toThrow(RangeError);
    expect(() => addDays('2021-01-01', 0.5)).toThrow(RangeError);
  });

  it('addDays and daysBetween are inverse', () => {
    fc.assert(
      fc.property(recentDay, fc.integer({ min: -20_000, max: 20_000 }), (n, k) => {
        const d = fromEpochDay(n);
        expect(daysBetween(d, addDays(d, k))).toBe(k);
        expect(addDays(addDays(d, k), -k)).toBe(d);
      }),
    );
  });

  it('adds months, clamping to the end of a shorter month', () => {
    expect(addMonths('2021-01-31', 1)).toBe('2021-02-28');
    expect(addMonths('2020-01-31', 1)).toBe('2020-02-29');
    expect(addMonths('2021-01-15', 14)).toBe('2022-03-15');
    expect(addMonths('2021-03-31', -1)).toBe('2021-02-28');
    expect(addMonths('2021-01-15', -13)).toBe('2019-12-15');
    expect(addMonths('2020-02-29', 12)).toBe('2021-02-28');
  });
});

describe('birthdays and ages', () => {
  it('counts the birthday itself as the new age', () => {
    expect(ageInYears('2010-05-20', '2022-05-19')).toBe(11);
    expect(ageInYears('2010-05-20', '2022-05-20')).toBe(12);
    expect(ageInYears('2010-05-20', '2010-05-20')).toBe(0);
    expect(ageInYears('2010-12-31', '2011-01-01')).toBe(0);
    expect(() => ageInYears('2010-05-20', '2010-05-19')).toThrow(RangeError);
  });

  it('29 February: a year older on 1 March in non-leap years, on 29 February in leap years', () => {
    expect(nthBirthday('2008-02-29', 1)).toBe('2009-03-01');
    expect(nthBirthday('2008-02-29', 4)).toBe('2012-02-29');
    expect(nthBirthday('2008-02-29', 18)).toBe('2026-03-01');
    expect(nthBirthday('2088-02-29', 12)).toBe('2100-03-01'); // 2100 is not a leap year
    expect(ageInYears('2008-02-29', '2009-02-28')).toBe(0);
    expect(ageInYears('2008-02-29', '2009-03-01')).toBe(1);
    expect(ageInYears('2008-02-29', '2020-02-28')).toBe(11);
    expect(ageInYears('2008-02-29', '2020-02-29')).toBe(12);
    expect(ageInYears('2088-02-29', '2100-02-28')).toBe(11);
    expect(ageInYears('2088-02-29', '2100-03-01')).toBe(12);
  });

  it('ageInYears turns n exactly on nthBirthday', () => {
    fc.assert(
      fc.property(recentDay, fc.integer({ min: 1, max: 100 }), (n, years) => {
        const birth = fromEpochDay(n);
        const birthday = nthBirthday(birth, years);
        expect(ageInYears(birth, birthday)).toBe(years);
        expect(ageInYears(birth, addDays(birthday, -1))).toBe(years - 1);
      }),
    );
  });
});

describe('isoDateInZone', () => {
  it('gives the Dutch calendar date of an instant, summer and winter time', () => {
    expect(isoDateInZone(new Date('2021-06-30T21:59:59Z'))).toBe('2021-06-30');
    expect(isoDateInZone(new Date('2021-06-30T22:00:00Z'))).toBe('2021-07-01');
    expect(isoDateInZone(new Date('2021-12-31T23:00:00Z'))).toBe('2022-01-01');
    expect(isoDateInZone(new Date('2021-12-31T23:00:00Z'), 'UTC')).toBe('2021-12-31');
    expect(() => isoDateInZone(new Date('nonsense'))).toThrow(RangeError);
  });
});

describe('nextWallClockTime', () => {
  const next = (hhmm: string, now: string) => {
    const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
    return nextWallClockTime(hour, minute, new Date(now)).toISOString();
  };
  it.each([
    // [Dutch HH:MM, now (UTC), next moment (UTC), why]
    [
      '02:00',
      '2026-11-23T00:30:00.000Z',
      '2026-11-23T01:00:00.000Z',
      'winter: 01:30 CET, half an hour to go',
    ],
    ['01:30', '2026-11-23T00:30:00.000Z', '2026-11-24T00:30:00.000Z', 'exactly now: the next day'],
    [
      '02:00',
      '2026-11-23T01:30:00.000Z',
      '2026-11-24T01:00:00.000Z',
      'a UTC server at 01:30 is already past 02:00 Dutch',
    ],
    ['02:00', '2026-07-01T23:30:00.000Z', '2026-07-02T00:00:00.000Z', 'summer: 01:30 CEST'],
    [
      '00:15',
      '2026-12-07T23:30:00.000Z',
      '2026-12-08T23:15:00.000Z',
      'after midnight Dutch, before midnight UTC',
    ],
    ['23:00', '2026-12-07T12:00:00.000Z', '2026-12-07T22:00:00.000Z', 'later the same Dutch day'],
    [
      '02:00',
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      'clocks go forward: 02:00 is 03:00 CEST',
    ],
    [
      '02:30',
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
      'a skipped time comes as late as the clock jumped (03:30 CEST)',
    ],
    [
      '02:30',
      '2026-10-24T23:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
      'clocks go back: the first 02:30 (CEST)',
    ],
    [
      '02:30',
      '2026-10-25T00:30:00.001Z',
      '2026-10-26T01:30:00.000Z',
      'not the second 02:30 (CET) of that night',
    ],
    ['03:00', '2026-10-25T00:30:00.000Z', '2026-10-25T02:00:00.000Z', 'the longer night: 03:00 CET'],
  ])('%s after %s is %s (%s)', (hhmm, now, expected) => {
    expect(next(hhmm, now)).toBe(expected);
  });

  it('is always within 25 hours and the Dutch clock then reads the time asked for, once per Dutch date', () => {
    const clock = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Amsterdam',
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
    });
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (nowMs, hour, minute) => {
          const now = new Date(nowMs);
          const at = nextWallClockTime(hour, minute, now);
          const wait = at.getTime() - nowMs;
          expect(wait).toBeGreaterThan(0);
          expect(wait).toBeLessThanOrEqual(25 * 3_600_000);
          const reads = clock.format(at);
          const asked = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
          // Only a time in the hour skipped when the clocks go forward reads one hour later.
          if (reads !== asked) expect(reads).toBe(`${String(hour + 1).padStart(2, '0')}:${asked.slice(3)}`);
          // Once per date: the run after this one is on a later Dutch date.
          const after = nextWallClockTime(hour, minute, at);
          expect(isoDateInZone(after) > isoDateInZone(at)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
