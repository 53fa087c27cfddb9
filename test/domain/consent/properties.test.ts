import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, ageInYears, fromEpochDay, toEpochDay } from '../../../src/domain/dates/index.js';
import { consentTransitions, evaluateConsent } from '../../../src/domain/consent/index.js';
import type {
  CompetenceJudgement,
  ConsentInput,
  ConsentRecord,
  ConsentSource,
} from '../../../src/domain/consent/index.js';

// Dates are generated around a "centre" so that records, judgements, birthdays and the evaluation date
// often fall close together; that is where the tree's rules interact.
const DAY = 1;
const YEAR = 365;

interface Scenario {
  readonly input: ConsentInput;
  readonly centre: number; // epoch day
}

const offset = (spread: number) => fc.integer({ min: -spread, max: spread });

const sourceFor = (by: string): fc.Arbitrary<ConsentSource> =>
  by === 'youth'
    ? fc.constantFrom<ConsentSource>('01', '01', '01', '05')
    : by === 'r'
      ? fc.constantFrom<ConsentSource>('05', '05', '01')
      : fc.constantFrom<ConsentSource>('03', '03', '04', '04', '05', '01');

const recordAt = (centre: number): fc.Arbitrary<ConsentRecord> =>
  fc
    .constantFrom('youth', 'youth', 'a', 'a', 'b', 'b', 'p', 'r')
    .chain((by) =>
      fc.record({
        agreed: fc.constantFrom(true, true, true, false), // mostly yes, else consent is too rare to test
        by: fc.constant(by),
        source: sourceFor(by),
        start: offset(200),
        length: fc.oneof(
          { arbitrary: fc.constant(null), weight: 3 },
          { arbitrary: fc.integer({ min: 0, max: 300 }), weight: 1 },
        ),
      }),
    )
    .map(({ agreed, by, source, start, length }) => ({
      agreed,
      by,
      source,
      date: fromEpochDay(centre + start),
      endDate: length === null ? null : fromEpochDay(centre + start + length),
    }));

const judgementAt = (centre: number): fc.Arbitrary<CompetenceJudgement> =>
  fc
    .record({ start: offset(200), competent: fc.constantFrom(true, false, false) })
    .map(({ start, competent }) => ({
      date: fromEpochDay(centre + start),
      competent,
    }));

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    birth: fc.integer({ min: toEpochDay('1995-01-01'), max: toEpochDay('2015-12-31') }),
    // Near the 12th or 16th birthday, or anywhere in the first twenty years.
    age: fc.oneof(
      fc.integer({ min: 12 * YEAR - 60, max: 12 * YEAR + 60 }),
      fc.integer({ min: 16 * YEAR - 60, max: 16 * YEAR + 60 }),
      fc.integer({ min: 0, max: 20 * YEAR }),
    ),
    custodians: fc.oneof(fc.constant(['a', 'b']), fc.constant(['a']), fc.subarray(['a', 'b'])),
  })
  .chain(({ birth, age, custodians }) => {
    const centre = birth + age;
    return fc.record({
      input: fc.record({
        youth: fc.constant({ birthDate: fromEpochDay(birth) }),
        custodians: fc.constant(custodians),
        competence: fc.oneof(fc.constant([]), fc.array(judgementAt(centre), { maxLength: 2 })),
        records: fc.array(recordAt(centre), { maxLength: 8 }),
      }),
      centre: fc.constant(centre),
    });
  });

/** An evaluation date near the centre, never before the birth date. */
const withDate = scenario.chain((s) =>
  fc.integer({ min: -100, max: 300 }).map((o) => {
    const birth = toEpochDay(s.input.youth.birthDate);
    return { ...s, date: fromEpochDay(Math.max(birth, s.centre + o)) };
  }),
);

const decide = (input: ConsentInput, date: string) => evaluateConsent(input, date).decision;
const isCustodianRecord = (r: ConsentRecord) => r.source === '03' || r.source === '04';

describe('decision tree properties', () => {
  it('no records: no consent (R-C1)', () => {
    fc.assert(
      fc.property(withDate, ({ input, date }) => {
        expect(decide({ ...input, records: [] }, date)).toBe('geen-toestemming');
      }),
    );
  });

  it('consent always rests on at least one active yes', () => {
    fc.assert(
      fc.property(withDate, ({ input, date }) => {
        const r = evaluateConsent(input, date);
        if (r.decision === 'toestemming') expect(r.activeRecords.some((x) => x.agreed)).toBe(true);
      }),
    );
  });

  it('from 16 on custodian records (03/04) never matter, competent or not', () => {
    fc.assert(
      fc.property(withDate, ({ input, date }) => {
        fc.pre(ageInYears(input.youth.birthDate, date) >= 16);
        const expected = decide(input, date);
        expect(decide({ ...input, records: input.records.filter((r) => !isCustodianRecord(r)) }, date)).toBe(
          expected,
        );
        const flipped = input.records.map((r) => (isCustodianRecord(r) ? { ...r, agreed: !r.agreed } : r));
        expect(decide({ ...input, records: flipped }, date)).toBe(expected);
      }),
    );
  });

  it('adding a refusal in force never turns no consent into consent', () => {
    const refusal = fc.record({
      by: fc.constantFrom('youth', 'a', 'b', 'p', 'r'),
      source: fc.constantFrom<ConsentSource>('01', '03', '04', '05'),
      back: fc.integer({ min: -30 * DAY, max: 400 }),
    });
    fc.assert(
      fc.property(withDate, refusal, ({ input, date }, { by, source, back }) => {
        fc.pre(decide(input, date) === 'geen-toestemming');
        const no: ConsentRecord = { agreed: false, by, source, date: addDays(date, -back), endDate: null };
        expect(decide({ ...input, records: [...input.records, no] }, date)).toBe('geen-toestemming');
      }),
    );
  });

  it('records and judgements in any order give the same decision and the same path', () => {
    fc.assert(
      fc.property(
        withDate.chain((s) =>
          fc.record({
            s: fc.constant(s),
            records: fc.shuffledSubarray([...s.input.records], { minLength: s.input.records.length }),
            competence: fc.shuffledSubarray([...(s.input.competence ?? [])], {
              minLength: s.input.competence?.length ?? 0,
            }),
          }),
        ),
        ({ s, records, competence }) => {
          const a = evaluateConsent(s.input, s.date);
          const b = evaluateConsent({ ...s.input, records, competence }, s.date);
          expect(b.decision).toBe(a.decision);
          expect(b.path).toEqual(a.path);
          expect(b.activeRecords).toEqual(a.activeRecords);
        },
      ),
    );
  });

  it('records dated after the evaluation date change nothing', () => {
    fc.assert(
      fc.property(withDate, ({ input, date }) => {
        const known = input.records.filter((r) => r.date <= date);
        expect(decide({ ...input, records: known }, date)).toBe(decide(input, date));
      }),
    );
  });
});

describe('transitions agree with evaluating every day', () => {
  it('on small random periods', () => {
    fc.assert(
      fc.property(
        scenario,
        offset(150),
        fc.integer({ min: 0, max: 120 }),
        ({ input, centre }, start, length) => {
          const birth = toEpochDay(input.youth.birthDate);
          const from = fromEpochDay(Math.max(birth, centre + start));
          const to = addDays(from, length);
          const expected = [];
          for (let d = Math.max(toEpochDay(from), birth + 1); d <= toEpochDay(to); d++) {
            const date = fromEpochDay(d);
            const decision = decide(input, date);
            const previous = decide(input, fromEpochDay(d - 1));
            if (decision !== previous) expected.push({ date, decision, previous });
          }
          const actual = consentTransitions(input, { from, to }).map(({ date, decision, previous }) => ({
            date,
            decision,
            previous,
          }));
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
