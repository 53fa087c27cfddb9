import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  checkPlausibility,
  computeLoss,
  easterSunday,
  inventoryDays,
  projectStock,
  totalLoss,
} from '../../../src/domain/supply/index.js';

describe('vaccine loss (annex B2): D = A + B − C, loss = D − E', () => {
  it.each([
    {
      name: 'ordinary period, loss below 1%',
      input: {
        openingStock: 200,
        delivered: 1000,
        closingStock: 150,
        administeredPersonalised: 950,
        administeredAnonymous: 95,
        knownLoss: 2,
      },
      expected: {
        administrativeUse: 1050,
        accountedUse: 1045,
        loss: 5,
        knownLoss: 2,
        unknownLoss: 3,
        lossPercent: 0.48,
        flagged: false,
        negative: false,
      },
    },
    {
      name: 'cold-chain incident: loss above 1% flagged, mostly known',
      input: {
        openingStock: 100,
        delivered: 500,
        closingStock: 80,
        administeredPersonalised: 480,
        administeredAnonymous: 10,
        knownLoss: 25,
      },
      expected: {
        administrativeUse: 520,
        accountedUse: 490,
        loss: 30,
        knownLoss: 25,
        unknownLoss: 5,
        lossPercent: 5.77,
        flagged: true,
        negative: false,
      },
    },
    {
      name: 'exactly 1% is not above 1%',
      input: {
        openingStock: 0,
        delivered: 100,
        closingStock: 0,
        administeredPersonalised: 99,
        administeredAnonymous: 0,
        knownLoss: 0,
      },
      expected: {
        administrativeUse: 100,
        accountedUse: 99,
        loss: 1,
        knownLoss: 0,
        unknownLoss: 1,
        lossPercent: 1,
        flagged: false,
        negative: false,
      },
    },
    {
      name: 'negative loss: more registered than used',
      input: {
        openingStock: 50,
        delivered: 100,
        closingStock: 40,
        administeredPersonalised: 100,
        administeredAnonymous: 15,
        knownLoss: 3,
      },
      expected: {
        administrativeUse: 110,
        accountedUse: 115,
        loss: -5,
        knownLoss: 0,
        unknownLoss: -5,
        lossPercent: -4.55,
        flagged: false,
        negative: true,
      },
    },
  ])('$name', ({ input, expected }) => {
    const result = computeLoss({ vaccineType: '11', ...input });
    expect(result).toMatchObject(expected);
    expect(result.explanation === null).toBe(!expected.negative && input.knownLoss <= expected.loss);
  });

  it('refuses negative or fractional quantities', () => {
    const base = {
      vaccineType: '11',
      openingStock: 0,
      delivered: 0,
      closingStock: 0,
      administeredPersonalised: 0,
      administeredAnonymous: 0,
      knownLoss: 0,
    };
    expect(() => computeLoss({ ...base, delivered: -1 })).toThrow(RangeError);
    expect(() => computeLoss({ ...base, delivered: 1.5 })).toThrow(RangeError);
  });

  it('known + unknown = loss, and D − E = loss, for any input; totals add up', () => {
    const q = fc.nat(10_000);
    fc.assert(
      fc.property(fc.array(fc.tuple(q, q, q, q, q, q), { minLength: 1, maxLength: 5 }), (rows) => {
        const results = rows.map(([a, b, c, p, an, k]) =>
          computeLoss({
            vaccineType: 'x',
            openingStock: a,
            delivered: b,
            closingStock: c,
            administeredPersonalised: p,
            administeredAnonymous: an,
            knownLoss: k,
          }),
        );
        for (const r of results) {
          expect(r.knownLoss + r.unknownLoss).toBe(r.loss);
          expect(r.administrativeUse - r.accountedUse).toBe(r.loss);
          expect(r.knownLoss).toBeGreaterThanOrEqual(0);
        }
        expect(totalLoss(results).loss).toBe(results.reduce((s, r) => s + r.loss, 0));
      }),
    );
  });
});

describe('working days and inventory days', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
  ])('Easter %i is %s', (year, date) => expect(easterSunday(year)).toBe(date));

  it.each([
    // 2025: 31 May is a Saturday → Friday 30 May; 30 November a Sunday → Friday 28 November.
    [2025, ['2025-05-30', '2025-11-28']],
    // 2026: 31 May Sunday, 29 May Friday; 30 November Monday.
    [2026, ['2026-05-29', '2026-11-30']],
    // 2024: 31 May Friday; 30 November Saturday → 29 November.
    [2024, ['2024-05-31', '2024-11-29']],
  ])('inventory days %i', (year, days) => expect(inventoryDays(year)).toEqual(days));

  it.each([
    ['2025-05-28', '2025-05-30'], // Wednesday → Ascension Thursday skipped → Friday
    ['2025-12-24', '2025-12-29'], // Christmas and Boxing Day, weekend
    ['2025-11-21', '2025-11-24'], // Friday → Monday
  ])('one working day after %s is %s', (from, to) => expect(addWorkingDays(from, 1)).toBe(to));
});

describe('inventory plausibility', () => {
  it.each([
    {
      counted: 95,
      previousCount: 100,
      delivered: 200,
      administered: 200,
      knownLoss: 0,
      plausible: true,
      expected: 100,
    },
    {
      counted: 60,
      previousCount: 100,
      delivered: 200,
      administered: 200,
      knownLoss: 0,
      plausible: false,
      expected: 100,
    },
    {
      counted: 400,
      previousCount: 100,
      delivered: 200,
      administered: 0,
      knownLoss: 0,
      plausible: false,
      expected: 300,
    },
    {
      counted: 10,
      previousCount: 0,
      delivered: 10,
      administered: 0,
      knownLoss: 0,
      plausible: true,
      expected: 10,
    },
  ])('counted $counted, expected $expected → plausible $plausible', ({ plausible, expected, ...input }) => {
    const result = checkPlausibility(input);
    expect(result.plausible).toBe(plausible);
    expect(result.expected).toBe(expected);
  });
});

describe('stock scenarios (seed 004)', () => {
  it('projects need from births, schedule and uptake and compares with stock', () => {
    const births = new Map([
      ['2025-10', 100],
      ['2025-11', 120],
    ]);
    const [bmr] = projectStock({
      birthsByMonth: births,
      fromMonth: '2026-12',
      months: 2,
      defaultUptake: 0.9,
      stock: { '04': 500 },
      safetyMonths: 1,
      schedule: [{ vaccineType: '04', ageMonths: 14 }],
    });
    // Born Oct 2025 reach 14 months in Dec 2026, born Nov 2025 in Jan 2027.
    expect(bmr!.needByMonth).toEqual([
      { month: '2026-12', need: 90 },
      { month: '2027-01', need: 108 },
    ]);
    expect(bmr!.totalNeed).toBe(198);
    expect(bmr!.safetyStock).toBe(99);
    expect(bmr!.balance).toBe(500 - 198 - 99);
    expect(bmr!.outcome).toBe('surplus');
  });

  it('a vaccine in stock but not scheduled is all surplus; too little stock is a shortfall', () => {
    const result = projectStock({
      birthsByMonth: new Map([['2026-01', 1000]]),
      fromMonth: '2026-04',
      months: 1,
      defaultUptake: 1,
      stock: { '11': 10, '98': 7 },
      safetyMonths: 0,
      schedule: [{ vaccineType: '11', ageMonths: 3 }],
    });
    expect(result.find((r) => r.vaccineType === '11')).toMatchObject({
      totalNeed: 1000,
      outcome: 'shortfall',
      balance: -990,
    });
    expect(result.find((r) => r.vaccineType === '98')).toMatchObject({
      totalNeed: 0,
      outcome: 'surplus',
      balance: 7,
    });
  });
});
