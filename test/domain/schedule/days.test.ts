import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, toEpochDay } from '../../../src/domain/dates/index.js';
import { addDuration, parseDuration, toDay, toIso } from '../../../src/domain/schedule/index.js';

const add = (date: string, text: string) => toIso(addDuration(toDay(date), parseDuration(text)!));

describe('CDSi durations', () => {
  it.each([
    ['6 weeks - 4 days', { months: 0, days: 38 }],
    ['3 months + 4 weeks', { months: 3, days: 28 }],
    ['1 year - 4 days', { months: 12, days: -4 }],
    ['19 years', { months: 228, days: 0 }],
    [' 13 years', { months: 156, days: 0 }],
    ['0 days', { months: 0, days: 0 }],
    ['20 days - 4 days', { months: 0, days: 16 }],
  ])('reads "%s"', (text, expected) => {
    expect(parseDuration(text)).toMatchObject(expected);
  });

  it('treats an empty value as absent and rejects what it cannot read', () => {
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration(undefined)).toBeUndefined();
    expect(() => parseDuration('a while')).toThrow(/cannot read duration/);
  });

  it.each([
    ['2000-01-15', '6 months - 4 days', '2000-07-11'],
    // LS 4.6 date rule: a day missing in the target month moves to the 1st of the next month.
    ['2020-01-31', '1 month', '2020-03-01'],
    ['2020-02-29', '1 year', '2021-03-01'],
    ['2020-12-31', '2 months', '2021-03-01'],
    ['2020-08-31', '6 months', '2021-03-01'],
    // RVP extension: from 1 January of the year of turning N.
    ['2015-09-20', 'calendar year 10', '2025-01-01'],
    ['2015-09-20', 'calendar year 10 + 6 months', '2025-07-01'],
  ])('%s + %s = %s', (date, text, expected) => {
    expect(add(date, text)).toBe(expected);
  });

  it('agrees with calendar month arithmetic whenever the day exists in the target month', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2100 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: -240, max: 240 }),
        (y, m, d, months) => {
          const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const text = `${Math.abs(months)} months`;
          const dur = parseDuration(months < 0 ? `0 days - ${text}` : text)!;
          expect(toIso(addDuration(toDay(iso), dur))).toBe(addMonths(iso, months));
        },
      ),
    );
  });

  it('adds weeks and days as whole days', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: toEpochDay('1950-01-01'), max: toEpochDay('2090-01-01') }),
        fc.nat(400),
        (day, n) => {
          expect(addDuration(day, parseDuration(`${n} days`)!)).toBe(day + n);
          expect(addDuration(day, parseDuration(`${n} weeks`)!)).toBe(day + 7 * n);
        },
      ),
    );
  });
});
