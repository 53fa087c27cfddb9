import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COVERAGE_INDICATORS,
  coverageSignal,
  estimateWithAnonymous,
  indicatorByCode,
  indicatorsMet,
  latestCohort,
  percentage,
  type JudgedDose,
} from '../../../src/domain/coverage/index.js';

const bit = (code: string) => 1 << indicatorByCode(code)!.bit;
const dose = (vaccineType: string, date: string, valid = true): JudgedDose => ({ vaccineType, date, valid });

describe('coverage indicators', () => {
  it('has unique codes and bits that fit a 32-bit integer', () => {
    expect(new Set(COVERAGE_INDICATORS.map((i) => i.code)).size).toBe(COVERAGE_INDICATORS.length);
    expect(new Set(COVERAGE_INDICATORS.map((i) => i.bit)).size).toBe(COVERAGE_INDICATORS.length);
    for (const i of COVERAGE_INDICATORS) expect(i.bit).toBeLessThan(31);
  });

  it.each([
    {
      name: 'infant series 3-5-12 months: basic and complete before the 2nd birthday',
      doses: [
        dose('11', '2022-04-10'),
        dose('11', '2022-06-10'),
        dose('11', '2022-12-10'),
        dose('11', '2023-01-20'),
      ],
      met: ['dktp-hib-hepb-basic', 'dktp-hib-hepb-complete'],
      notMet: ['pneu-complete'],
    },
    {
      name: 'a dose on or after the 2nd birthday does not count',
      doses: [dose('11', '2022-04-10'), dose('11', '2022-06-10'), dose('11', '2024-01-10')],
      met: ['dktp-hib-hepb-basic'],
      notMet: ['dktp-hib-hepb-complete'],
    },
    {
      name: 'invalid doses do not count, nor two on the same day',
      doses: [dose('04', '2022-03-01', false), dose('11', '2022-04-10'), dose('11', '2022-04-10')],
      met: [],
      notMet: ['bmr-1', 'dktp-hib-hepb-basic'],
    },
    {
      name: 'MenACWY at 14 months counts for infants, not for adolescents',
      doses: [dose('28', '2023-03-15')],
      met: ['menacwy-infant'],
      notMet: ['menacwy-adolescent'],
    },
  ])('$name (born 2022-01-10)', ({ doses, met, notMet }) => {
    const mask = indicatorsMet('2022-01-10', doses);
    for (const code of met) expect(mask & bit(code), code).not.toBe(0);
    for (const code of notMet) expect(mask & bit(code), code).toBe(0);
  });

  it.each([
    ['2025-01-01', 'bmr-1', 2022],
    ['2024-12-31', 'bmr-1', 2021],
    ['2025-07-01', 'menacwy-adolescent', 2009],
  ])('on %s the latest full cohort for %s is %i', (on, code, cohort) => {
    expect(latestCohort(indicatorByCode(code)!, on)).toBe(cohort);
  });

  it('more valid doses never meet fewer indicators (monotone)', () => {
    const doseArb = fc.record({
      vaccineType: fc.constantFrom('11', '08', '04', '28', '09', '02', '27'),
      date: fc
        .integer({ min: 0, max: 365 * 16 })
        .map((d) => new Date(Date.UTC(2010, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)),
      valid: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(doseArb, { maxLength: 20 }), doseArb, (doses, extra) => {
        const before = indicatorsMet('2010-01-01', doses);
        const after = indicatorsMet('2010-01-01', [...doses, extra]);
        expect(after & before).toBe(before);
      }),
    );
  });
});

describe('anonymous estimate (ratio method)', () => {
  it.each([
    { population: 100, vaccinated: 80, personalised: 240, anonymous: 30, dosesRequired: 3, expected: 90 },
    { population: 100, vaccinated: 80, personalised: 240, anonymous: 0, dosesRequired: 3, expected: 80 },
    { population: 100, vaccinated: 95, personalised: 100, anonymous: 50, dosesRequired: 1, expected: 100 },
    { population: 50, vaccinated: 0, personalised: 0, anonymous: 12, dosesRequired: 3, expected: 4 },
  ])('$vaccinated of $population with $anonymous/$personalised anonymous doses → $expected', (c) => {
    expect(estimateWithAnonymous(c)).toBe(c.expected);
  });

  it('never lowers coverage and never exceeds the population', () => {
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.nat(1000),
        fc.nat(5000),
        fc.nat(5000),
        fc.integer({ min: 1, max: 4 }),
        (p, v, pd, ad, n) => {
          const vaccinated = Math.min(p, v);
          const e = estimateWithAnonymous({
            population: p,
            vaccinated,
            personalised: pd,
            anonymous: ad,
            dosesRequired: n,
          });
          expect(e).toBeGreaterThanOrEqual(vaccinated);
          expect(e).toBeLessThanOrEqual(p);
        },
      ),
    );
  });

  it('percentage has one decimal and is null for an empty cell', () => {
    expect(percentage(2, 3)).toBe(66.7);
    expect(percentage(0, 0)).toBeNull();
  });
});

describe('falling coverage signal', () => {
  it.each([
    { previous: 95, current: 92.5, thresholdPoints: 2, expected: { kind: 'drop', points: 2.5 } },
    { previous: 95, current: 94, thresholdPoints: 2, expected: null },
    { previous: 95, current: 94, thresholdPoints: 2, floor: 95, expected: { kind: 'below-floor' } },
    { previous: null, current: 80, thresholdPoints: 2, floor: 90, expected: { kind: 'below-floor' } },
    { previous: 95, current: null, thresholdPoints: 2, expected: null },
  ])('$previous → $current', ({ expected, ...input }) => {
    expect(coverageSignal(input)).toEqual(expected);
  });
});
