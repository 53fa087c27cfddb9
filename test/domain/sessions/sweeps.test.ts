import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  fromEpochDay,
  nthBirthday,
  toEpochDay,
  type IsoDate,
} from '../../../src/domain/dates/index.js';
import { evaluateConsent, type ConsentInput, type ConsentRecord } from '../../../src/domain/consent/index.js';
import {
  decisionChangeAtSixteen,
  isNonResponder,
  missingRegistrations,
  previousMonths,
  turnedTwelveIn,
  turnsSixteenWithin,
} from '../../../src/domain/sessions/index.js';

describe('previousMonths: the window of the monthly run', () => {
  it.each([
    ['2026-03-01', 1, '2026-02-01', '2026-02-28', '2026-02'],
    ['2026-03-31', 1, '2026-02-01', '2026-02-28', '2026-02'],
    ['2028-03-15', 1, '2028-02-01', '2028-02-29', '2028-02'],
    ['2026-01-01', 1, '2025-12-01', '2025-12-31', '2025-12'],
    ['2026-01-20', 3, '2025-10-01', '2025-12-31', '2025-12'],
    ['2026-05-31', 1, '2026-04-01', '2026-04-30', '2026-04'],
  ] as const)('on %s, %i month(s): %s … %s (%s)', (ref, months, from, to, period) => {
    expect(previousMonths(ref, months)).toEqual({ from, to, period });
  });

  it('refuses a window of no months', () => {
    expect(() => previousMonths('2026-03-01', 0)).toThrow(RangeError);
  });
});

describe('turnedTwelveIn: birthdays around the month boundaries', () => {
  const february2026 = previousMonths('2026-03-10');
  const february2028 = previousMonths('2028-03-10');
  it.each([
    ['2014-01-31', february2026, false], // turned 12 on 31 January: the run before
    ['2014-02-01', february2026, true], // first day of the month
    ['2014-02-28', february2026, true], // last day of a common February
    ['2014-03-01', february2026, false], // the month after
    ['2016-02-29', february2028, true], // born on 29 February, turns 12 on 29 February 2028 (leap year)
    ['2016-02-28', february2028, true],
    ['2016-03-01', february2028, false],
    ['2016-01-31', february2028, false],
  ] as const)('born %s: %o → %s', (birthDate, window, expected) => {
    expect(turnedTwelveIn(birthDate, window)).toBe(expected);
  });

  it('a 29 February birthday in a common year counts in March (nthBirthday)', () => {
    // Born 2088-02-29: the 12th birthday would be 2100-02-29, which does not exist (2100 is common).
    expect(turnedTwelveIn('2088-02-29', previousMonths('2100-03-05'))).toBe(false);
    expect(turnedTwelveIn('2088-02-29', previousMonths('2100-04-05'))).toBe(true);
  });
});

describe('turnsSixteenWithin: the next N months, today excluded', () => {
  it.each([
    ['2010-11-23', '2026-11-23', 3, null], // turns 16 today: already changed
    ['2010-11-24', '2026-11-23', 3, '2026-11-24'], // tomorrow
    ['2011-02-23', '2026-11-23', 3, '2027-02-23'], // exactly three months ahead
    ['2011-02-24', '2026-11-23', 3, null], // one day too late
    ['2010-02-28', '2026-01-31', 1, '2026-02-28'], // 31 Jan + 1 month = 28 Feb (clamped)
    ['2010-03-01', '2026-01-31', 1, null],
    ['2012-02-29', '2028-01-31', 1, '2028-02-29'], // 29 Feb in a leap year
    ['2084-02-29', '2100-01-31', 1, null], // 2100-02-29 does not exist: turns 16 on 1 March
    ['2084-02-29', '2100-01-31', 2, '2100-03-01'],
  ] as const)('born %s, on %s, %i month(s) → %s', (birthDate, today, months, expected) => {
    expect(turnsSixteenWithin(birthDate, today, months)).toBe(expected);
  });
});

const custodianYes = (by: string, date: IsoDate, source: '03' | '04' = '03'): ConsentRecord => ({
  agreed: true,
  by,
  source,
  date,
});
const youth = (agreed: boolean, date: IsoDate): ConsentRecord => ({
  agreed,
  by: 'youth',
  source: '01',
  date,
});

describe('decisionChangeAtSixteen (§4.10)', () => {
  const birthDate = '2011-01-15';
  const today = '2026-12-01';
  it('custodian said no, the youth yes: from no consent to consent on the birthday', () => {
    const input: ConsentInput = {
      youth: { birthDate },
      custodians: ['a'],
      records: [{ agreed: false, by: 'a', source: '03', date: '2023-01-01' }, youth(true, '2023-06-01')],
    };
    expect(decisionChangeAtSixteen(input, today, 2)).toEqual({
      birthday: '2027-01-15',
      now: 'geen-toestemming',
      then: 'toestemming',
    });
  });
  it('both agree: nothing changes, nobody is selected', () => {
    const input: ConsentInput = {
      youth: { birthDate },
      custodians: ['a'],
      records: [custodianYes('a', '2020-01-01'), youth(true, '2023-06-01')],
    };
    expect(decisionChangeAtSixteen(input, today, 2)).toBeNull();
  });
  it('birthday beyond the window: not selected', () => {
    const input: ConsentInput = {
      youth: { birthDate },
      custodians: ['a'],
      records: [{ agreed: false, by: 'a', source: '03', date: '2023-01-01' }, youth(true, '2023-06-01')],
    };
    expect(decisionChangeAtSixteen(input, today, 1)).toBeNull();
  });
});

describe('missingRegistrations (§4.11)', () => {
  const on = '2026-06-01';
  it.each([
    [
      'under 12, nothing registered',
      { birthDate: '2018-01-01', custodians: ['a', 'b'], records: [] },
      ['custodians'],
    ],
    [
      'under 12, one custodian 03 yes',
      { birthDate: '2018-01-01', custodians: ['a', 'b'], records: [custodianYes('a', '2020-01-01')] },
      [],
    ],
    [
      'under 12, one custodian 04 yes, other silent',
      { birthDate: '2018-01-01', custodians: ['a', 'b'], records: [custodianYes('a', '2020-01-01', '04')] },
      ['other-custodian'],
    ],
    [
      'under 12, a registered no is a registration',
      {
        birthDate: '2018-01-01',
        custodians: ['a'],
        records: [{ agreed: false, by: 'a', source: '03', date: '2020-01-01' } as ConsentRecord],
      },
      [],
    ],
    [
      'under 12, no custodian known',
      { birthDate: '2018-01-01', custodians: [], records: [] },
      ['custodians-unknown'],
    ],
    [
      '13, custodians yes, own consent missing',
      { birthDate: '2013-01-01', custodians: ['a'], records: [custodianYes('a', '2020-01-01')] },
      ['youth'],
    ],
    [
      '13, a yes from before the 12th birthday does not count',
      {
        birthDate: '2013-01-01',
        custodians: ['a'],
        records: [custodianYes('a', '2020-01-01'), youth(true, '2024-06-01')],
      },
      ['youth'],
    ],
    ['13, nothing', { birthDate: '2013-01-01', custodians: ['a'], records: [] }, ['custodians', 'youth']],
    [
      '17, custodian records no longer count',
      { birthDate: '2009-01-01', custodians: ['a'], records: [custodianYes('a', '2020-01-01')] },
      ['youth'],
    ],
  ] as const)('%s → %o', (_name, c, expected) => {
    const input: ConsentInput = {
      youth: { birthDate: c.birthDate },
      custodians: c.custodians,
      records: c.records,
    };
    expect(missingRegistrations(input, on)).toEqual(expected);
  });

  it('13 and judged not competent: the legal representative is missing', () => {
    const input: ConsentInput = {
      youth: { birthDate: '2013-01-01' },
      custodians: ['a'],
      competence: [{ date: '2025-05-01', competent: false }],
      records: [custodianYes('a', '2020-01-01')],
    };
    expect(missingRegistrations(input, on)).toEqual(['legal-representative']);
  });
});

describe('isNonResponder', () => {
  it.each([
    [{ issuedOn: '2026-05-01', answered: false }, null, '2026-05-15', 14, true],
    [{ issuedOn: '2026-05-01', answered: false }, null, '2026-05-14', 14, false], // grace not over
    [{ issuedOn: '2026-05-01', answered: true }, null, '2026-06-15', 14, false], // card returned
    [{ issuedOn: '2026-05-01', answered: false }, '2026-05-01', '2026-06-15', 14, false], // registered that day
    [{ issuedOn: '2026-05-01', answered: false }, '2026-04-30', '2026-06-15', 14, true], // registered before
    [{ issuedOn: '2026-01-31', answered: false }, null, '2026-02-14', 14, true], // across the month end
  ] as const)('%o, last registration %s, on %s, %i days → %s', (request, last, today, grace, expected) => {
    expect(isNonResponder(request, last, today, grace)).toBe(expected);
  });
});

// Properties over random birthdays, windows and records.
const DAY0 = toEpochDay('2000-01-01');
const date = (min = 0, max = 12_000) => fc.integer({ min, max }).map((d) => fromEpochDay(DAY0 + d));

describe('properties', () => {
  it('every youth turns 12 in exactly one monthly window', () => {
    fc.assert(
      fc.property(date(0, 9000), (birthDate) => {
        const birthday = nthBirthday(birthDate, 12);
        // Scan the monthly runs of the 14 months around the birthday: exactly one selects the youth.
        const runs = Array.from({ length: 14 }, (_, i) => addDays(birthday.slice(0, 8) + '01', (i - 6) * 31));
        const periods = new Set(runs.map((r) => previousMonths(r).period));
        const hits = [...periods].filter((p) => {
          const ref = addDays(`${p}-01`, 40).slice(0, 8) + '01';
          return turnedTwelveIn(birthDate, previousMonths(ref));
        });
        expect(hits).toEqual([birthday.slice(0, 7)]);
      }),
    );
  });

  it('a youth turning 16 within n months is also within n+1 months, and the birthday is after today', () => {
    fc.assert(
      fc.property(
        date(0, 9000),
        date(5000, 12_000),
        fc.integer({ min: 1, max: 12 }),
        (birthDate, today, n) => {
          const hit = turnsSixteenWithin(birthDate, today, n);
          if (hit) {
            expect(hit > today).toBe(true);
            expect(turnsSixteenWithin(birthDate, today, n + 1)).toBe(hit);
          }
        },
      ),
    );
  });

  const recordArb = fc.record({
    agreed: fc.boolean(),
    by: fc.constantFrom('youth', 'a', 'b'),
    day: fc.integer({ min: 0, max: 6000 }),
    source: fc.constantFrom('01', '03', '04', '05' as const),
  });

  it('with consent nothing is missing; without any record something is', () => {
    fc.assert(
      fc.property(
        date(0, 6000),
        fc.subarray(['a', 'b']),
        fc.array(recordArb, { maxLength: 5 }),
        fc.integer({ min: 0, max: 8000 }),
        (birthDate, custodians, raw, after) => {
          const on = addDays(birthDate, after);
          const records: ConsentRecord[] = raw
            .map((r) => ({
              agreed: r.agreed,
              by: r.by,
              source: r.by === 'youth' ? ('01' as const) : r.source === '01' ? ('03' as const) : r.source,
              date: addDays(birthDate, Math.min(r.day, after)),
            }))
            .filter((r) => r.date <= on);
          const input: ConsentInput = { youth: { birthDate }, custodians, records };
          const missing = missingRegistrations(input, on);
          if (evaluateConsent(input, on).decision === 'toestemming') expect(missing).toEqual([]);
          expect(missingRegistrations({ ...input, records: [] }, on).length).toBeGreaterThan(0);
          expect(decisionChangeAtSixteen({ ...input, records: [] }, on, 12)).toBeNull();
        },
      ),
    );
  });

  it('a non-responder stays one until answered or registered', () => {
    fc.assert(
      fc.property(
        date(),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (issuedOn, grace, wait) => {
          const today = addDays(issuedOn, grace + wait);
          expect(isNonResponder({ issuedOn, answered: false }, null, today, grace)).toBe(true);
          expect(isNonResponder({ issuedOn, answered: true }, null, today, grace)).toBe(false);
          expect(isNonResponder({ issuedOn, answered: false }, issuedOn, today, grace)).toBe(false);
        },
      ),
    );
  });
});
