import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideConsent, evaluateConsent } from '../../src/domain/consent/decision.js';
import type { ConsentInput, ConsentSource } from '../../src/domain/consent/index.js';
import { fromEpochDay, toEpochDay } from '../../src/domain/dates/index.js';

// decideConsent is the allocation-free twin of evaluateConsent used by the consent benchmark and bulk
// re-evaluation: it must give the same decision for every input, including where rules interact.
const YEAR = 365;
const scenario = fc
  .record({
    birth: fc.integer({ min: toEpochDay('1995-01-01'), max: toEpochDay('2015-12-31') }),
    age: fc.oneof(
      fc.integer({ min: 12 * YEAR - 40, max: 12 * YEAR + 40 }),
      fc.integer({ min: 16 * YEAR - 40, max: 16 * YEAR + 40 }),
      fc.integer({ min: 0, max: 20 * YEAR }),
    ),
    custodians: fc.oneof(fc.constant(['a', 'b']), fc.constant(['a']), fc.subarray(['a', 'b'])),
  })
  .chain(({ birth, age, custodians }) => {
    const centre = birth + age;
    const day = fc.integer({ min: -200, max: 200 }).map((d) => fromEpochDay(centre + d));
    const record = fc.record({
      agreed: fc.constantFrom(true, true, false),
      by: fc.constantFrom('youth', 'youth', 'a', 'a', 'b', 'p', 'r'),
      source: fc.constantFrom<ConsentSource>('01', '03', '04', '05'),
      date: day,
      endDate: fc.option(day, { nil: null }),
      registeredAt: fc.option(fc.constantFrom('2020-01-01T10:00:00Z', '2020-01-01T11:00:00Z'), {
        nil: undefined,
      }),
    });
    return fc.record({
      input: fc.record({
        youth: fc.constant({ birthDate: fromEpochDay(birth) }),
        custodians: fc.constant(custodians),
        competence: fc.array(fc.record({ date: day, competent: fc.boolean() }), { maxLength: 2 }),
        records: fc.array(record, { maxLength: 7 }),
      }) as fc.Arbitrary<ConsentInput>,
      date: fc.constant(fromEpochDay(centre)),
    });
  });

describe('decideConsent (bulk fast path)', () => {
  it('gives the same decision as evaluateConsent', () => {
    fc.assert(
      fc.property(scenario, ({ input, date }) => {
        expect(decideConsent(input, date)).toBe(evaluateConsent(input, date).decision === 'toestemming');
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects what evaluateConsent rejects', () => {
    const input: ConsentInput = { youth: { birthDate: '2015-02-30' }, custodians: [], records: [] };
    expect(() => evaluateConsent(input, '2020-01-01')).toThrow(RangeError);
    expect(() => decideConsent(input, '2020-01-01')).toThrow(RangeError);
    const before: ConsentInput = { youth: { birthDate: '2015-01-01' }, custodians: [], records: [] };
    expect(() => decideConsent(before, '2014-12-31')).toThrow(RangeError);
  });
});
