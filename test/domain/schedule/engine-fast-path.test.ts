/**
 * The engine's bulk-speed paths (docs/performance.md, "Schedule engine"): twin antigens evaluated once
 * (diphtheria/tetanus, measles/mumps/rubella in the RVP), ages shared per birth date, ISO strings from a
 * cache. Each must give exactly the answers of the plain path, on random histories.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseDuration,
  toIso,
  type AntigenSeries,
  type DoseInput,
  type ScheduleData,
  type SeriesDose,
} from '../../../src/domain/schedule/index.js';
import {
  evaluateAndForecast,
  evaluateAndForecastUnshared,
  explainAntigen,
} from '../../../src/domain/schedule/engine.js';
import { RVP_MATERNAL_PERTUSSIS, rvpSchedule } from '../../../src/domain/schedule/rvp.js';

const DAY = 86_400_000;
const iso = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
// W0422 codes of the RVP plus ones outside it, a one-digit code (read as '0n') and padding.
const CODES = ['11', '08', '29', '04', '28', '27', '02', '09', '13', '30', '98', '77', '4', ' 02 '];

const patientArb = fc.record({
  born: fc.integer({ min: 12_000, max: 20_600 }), // 2002-11 … 2026-05
  gender: fc.constantFrom('1', '2', 'F', 'M', undefined),
  maternal: fc.boolean(),
  doses: fc.array(fc.record({ age: fc.integer({ min: -30, max: 6_500 }), code: fc.constantFrom(...CODES) }), {
    maxLength: 16,
  }),
  assessAge: fc.integer({ min: 0, max: 7_000 }),
});

type Person = typeof patientArb extends fc.Arbitrary<infer T> ? T : never;

function inputs(p: Person) {
  const patient = {
    birthDate: iso(p.born),
    ...(p.gender !== undefined ? { gender: p.gender } : {}),
    ...(p.maternal ? { observations: [RVP_MATERNAL_PERTUSSIS] } : {}),
  };
  const doses: DoseInput[] = p.doses.map((d) => ({ date: iso(p.born + d.age), vaccineCode: d.code }));
  return { patient, doses, assessmentDate: iso(p.born + p.assessAge) };
}

describe('schedule engine fast paths equal the plain path', () => {
  it('twin antigens evaluated once give the same results as each antigen on its own (detail, bulk, forecast only)', () => {
    fc.assert(
      fc.property(patientArb, (p) => {
        const { patient, doses, assessmentDate } = inputs(p);
        for (const options of [{}, { detail: false }, { detail: false, doses: false }]) {
          const fast = evaluateAndForecast(rvpSchedule, patient, doses, assessmentDate, options);
          const plain = evaluateAndForecastUnshared(rvpSchedule, patient, doses, assessmentDate, options);
          expect(fast).toEqual(plain);
          expect(JSON.stringify(fast)).toBe(JSON.stringify(plain));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('results do not depend on which patients were evaluated before (shared ages, reused series evaluations)', () => {
    fc.assert(
      fc.property(fc.array(patientArb, { minLength: 2, maxLength: 6 }), (people) => {
        const cases = people.map(inputs);
        // A longer history before a shorter one leaves used entries in the reused evaluations.
        const run = (c: (typeof cases)[number]) =>
          JSON.stringify([
            evaluateAndForecast(rvpSchedule, c.patient, c.doses, c.assessmentDate),
            evaluateAndForecast(rvpSchedule, c.patient, c.doses, c.assessmentDate, { detail: false }),
            explainAntigen(rvpSchedule, c.patient, c.doses, c.assessmentDate, 'Pertussis'),
          ]);
        const forward = cases.map(run);
        const backward = [...cases].reverse().map(run).reverse();
        expect(backward).toEqual(forward);
      }),
      { numRuns: 100 },
    );
  });

  it('a target dose skipped for this patient is not one satisfied for the patient before (reused evaluations)', () => {
    // Dose 1 is skipped from the first birthday; dose 2 must come 6 months after dose 1 when there was one.
    const dose = (doseNumber: number, more: Partial<SeriesDose>): SeriesDose => ({
      doseNumber,
      ages: [],
      intervals: [],
      allowableIntervals: [],
      preferable: [{ code: 'V', vaccineType: 'V' }],
      allowable: [],
      inadvertent: new Set(),
      skips: [],
      recurring: false,
      ...more,
    });
    const series: AntigenSeries = {
      name: 'X two doses',
      antigen: 'X',
      vaccineGroup: 'X',
      type: 'Standard',
      requiredGender: [],
      defaultSeries: true,
      productPath: false,
      seriesGroupName: 'Standard',
      seriesGroup: '1',
      seriesPriority: 'A',
      seriesPreference: 1,
      indications: [],
      doses: [
        dose(1, {
          skips: [
            {
              context: 'Both',
              setLogic: 'OR',
              sets: [
                {
                  id: '1',
                  description: 'from the first birthday',
                  conditionLogic: 'AND',
                  conditions: [
                    {
                      type: 'Age',
                      beginAge: parseDuration('1 year'),
                      doseCount: 0,
                      doseType: 'Total',
                      doseCountLogic: 'greater than',
                      seriesGroups: [],
                    },
                  ],
                },
              ],
            },
          ],
        }),
        dose(2, {
          intervals: [
            {
              from: { kind: 'targetDose', doseNumber: 1 },
              absMinInt: parseDuration('6 months'),
              minInt: parseDuration('6 months'),
              priorityOverride: false,
            },
          ],
        }),
      ],
    };
    const data: ScheduleData = {
      name: 'test',
      antigens: new Map([['X', { antigen: 'X', series: [series], immunityByBirthDate: [] }]]),
      vaccineGroups: [{ name: 'X', administerFullVaccineGroup: false, antigens: ['X'] }],
      vaccineCodes: new Map([['V', { code: 'V', description: 'V', associations: [{ antigen: 'X' }] }]]),
      liveVirusConflicts: new Map(),
    };
    const infant = { birthDate: '2020-01-01' };
    const toddler = { birthDate: '2019-01-01' };
    const infantDose = [{ date: '2020-03-01', vaccineCode: 'V' }];
    const toddlerDose = [{ date: '2020-03-15', vaccineCode: 'V' }];
    const alone = evaluateAndForecast(data, toddler, toddlerDose, '2020-04-01');
    expect(alone[0]?.doses[0]?.status).toBe('Valid');
    evaluateAndForecast(data, infant, infantDose, '2020-04-01');
    expect(evaluateAndForecast(data, toddler, toddlerDose, '2020-04-01')).toEqual(alone);
  });

  it('listing only some doses lists them exactly as the full evaluation does, and no others', () => {
    fc.assert(
      fc.property(patientArb, fc.array(fc.boolean(), { maxLength: 16 }), (p, listed) => {
        const { patient, doses, assessmentDate } = inputs(p);
        const listDose = (index: number) => listed[index] === true;
        for (const options of [{}, { detail: false }, { detail: false, vaccineGroups: ['DKT', 'BMR'] }]) {
          const all = evaluateAndForecast(rvpSchedule, patient, doses, assessmentDate, options);
          const some = evaluateAndForecast(rvpSchedule, patient, doses, assessmentDate, {
            ...options,
            listDose,
          });
          expect(some).toEqual(all.map((g) => ({ ...g, doses: g.doses.filter((d) => listDose(d.index)) })));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('doses given out of date order are judged as when given in order (the sort is skipped only for sorted input)', () => {
    fc.assert(
      fc.property(patientArb, (p) => {
        const { patient, doses, assessmentDate } = inputs(p);
        const order = doses
          .map((d, i) => ({ d, i }))
          .sort((a, b) => (a.d.date < b.d.date ? -1 : a.d.date > b.d.date ? 1 : a.i - b.i));
        const sorted = order.map((x) => x.d);
        const a = evaluateAndForecast(rvpSchedule, patient, doses, assessmentDate);
        const b = evaluateAndForecast(rvpSchedule, patient, sorted, assessmentDate);
        // The same judgements, pointing back at each list's own positions.
        const back = (r: typeof b) =>
          r.map((g) => ({
            ...g,
            doses: g.doses
              .map((d) => ({ ...d, index: order[d.index]?.i ?? -1 }))
              .sort((x, y) => x.index - y.index),
          }));
        expect(back(b)).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it('cached ISO dates equal freshly formatted ones, inside and outside the cached range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -700_000, max: 2_900_000 }), (day) => {
        expect(toIso(day)).toBe(iso(day));
        expect(toIso(day)).toBe(iso(day)); // second call: from the cache
      }),
      { numRuns: 2_000 },
    );
  });
});
