/** The rules behind the location's supply forms: delivery discrepancies and cold-chain excursions. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkExcursion, lineDiscrepancy, STORAGE_RANGE } from '../../../src/domain/supply/forms.js';

const note = { quantity: 50, batchNumber: 'B-1', expiryDate: '2027-03-31' };

describe('lineDiscrepancy', () => {
  it.each([
    ['as on the note', { quantity: 50 }, 0, false, false, false],
    [
      'same batch and expiry typed in',
      { quantity: 50, batchNumber: ' B-1 ', expiryDate: '2027-03-31' },
      0,
      false,
      false,
      false,
    ],
    ['two short', { quantity: 48 }, -2, false, false, true],
    ['one extra', { quantity: 51 }, 1, false, false, true],
    ['other batch', { quantity: 50, batchNumber: 'B-2' }, 0, true, false, true],
    ['other expiry', { quantity: 50, expiryDate: '2027-01-31' }, 0, false, true, true],
  ])('%s', (_name, received, quantity, batchDiffers, expiryDiffers, isDiscrepancy) => {
    expect(lineDiscrepancy(note, received)).toEqual({ quantity, batchDiffers, expiryDiffers, isDiscrepancy });
  });

  it('does not count an expiry the note did not state as a difference', () => {
    expect(
      lineDiscrepancy({ ...note, expiryDate: null }, { quantity: 50, expiryDate: '2027-01-31' })
        .isDiscrepancy,
    ).toBe(false);
  });

  it('is a discrepancy exactly when quantity, batch or expiry differ (property)', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.boolean(), (delivered, received, otherBatch) => {
        const d = lineDiscrepancy(
          { quantity: delivered, batchNumber: 'A', expiryDate: null },
          { quantity: received, batchNumber: otherBatch ? 'B' : 'A' },
        );
        expect(d.quantity).toBe(received - delivered);
        expect(d.isDiscrepancy).toBe(received !== delivered || otherBatch);
      }),
    );
  });
});

describe('checkExcursion', () => {
  const rules = (e: Parameters<typeof checkExcursion>[0]) => checkExcursion(e).map((v) => v.rule);
  it.each([
    ['too warm', { maxTemperature: 12, durationMinutes: 90 }, []],
    ['frozen', { minTemperature: -1.5, durationMinutes: 30 }, []],
    ['both measured, too warm', { minTemperature: 4, maxTemperature: 9, durationMinutes: 30 }, []],
    ['nothing measured', { durationMinutes: 30 }, ['temperature-required']],
    [
      'within range',
      { minTemperature: 2, maxTemperature: 8, durationMinutes: 30 },
      ['outside-storage-range'],
    ],
    ['min above max', { minTemperature: 10, maxTemperature: 9, durationMinutes: 30 }, ['min-not-above-max']],
    ['no duration', { maxTemperature: 12 }, ['duration-required']],
  ])('%s', (_name, excursion, expected) => {
    expect(rules(excursion)).toEqual(expected);
  });

  it('accepts a reading exactly when it leaves +2 … +8 °C (property)', () => {
    const temp = fc.integer({ min: -300, max: 300 }).map((t) => t / 10);
    fc.assert(
      fc.property(temp, temp, fc.integer({ min: 1, max: 10_000 }), (a, b, durationMinutes) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        const outside = min < STORAGE_RANGE.min || max > STORAGE_RANGE.max;
        expect(checkExcursion({ minTemperature: min, maxTemperature: max, durationMinutes })).toHaveLength(
          outside ? 0 : 1,
        );
      }),
    );
  });
});
