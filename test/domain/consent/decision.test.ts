import { describe, expect, it } from 'vitest';
import { evaluateConsent } from '../../../src/domain/consent/index.js';
import type { ConsentInput } from '../../../src/domain/consent/index.js';
import { input, judged, rec } from './builders.js';

const decide = (i: ConsentInput, date: string) => evaluateConsent(i, date).decision;
const answers = (i: ConsentInput, date: string) => evaluateConsent(i, date).path.map((s) => s.answer);

describe('privacy by default (R-C1)', () => {
  it('no records means no consent, at every age', () => {
    for (const date of ['2010-01-01', '2021-06-01', '2026-06-01', '2040-01-01']) {
      expect(decide(input('2010-01-01', ['a', 'b'], []), date)).toBe('geen-toestemming');
    }
  });
});

describe('age bands (R-C4; seed 001 §3.5)', () => {
  // Custodian a agrees on her own (03); the youth never registers anything.
  const custodianOnly = input('2010-05-20', ['a', 'b'], [rec('a', '03', true, '2011-01-01')]);
  // The youth agrees; both custodians refuse.
  const youthOnly = input(
    '2006-05-20',
    ['a', 'b'],
    [
      rec('youth', '01', true, '2019-01-01'),
      rec('a', '04', false, '2019-01-01'),
      rec('b', '04', false, '2019-01-01'),
    ],
  );

  it('the day before the 12th birthday the custodians decide alone', () => {
    const r = evaluateConsent(custodianOnly, '2022-05-19');
    expect(r).toMatchObject({
      decision: 'toestemming',
      ageOnEvaluationDate: 11,
      ageBand: 'under-12',
      competent: null,
    });
  });

  it('on the 12th birthday the youth must agree too', () => {
    const r = evaluateConsent(custodianOnly, '2022-05-20');
    expect(r).toMatchObject({
      decision: 'geen-toestemming',
      ageOnEvaluationDate: 12,
      ageBand: '12-15',
      competent: true,
    });
    expect(r.path.map((s) => s.answer)).toContain('Nee: van de jeugdige is geen toestemming geregistreerd.');
  });

  it('the day before the 16th birthday the custodians still count', () => {
    const r = evaluateConsent(youthOnly, '2022-05-19');
    expect(r).toMatchObject({ decision: 'geen-toestemming', ageOnEvaluationDate: 15, ageBand: '12-15' });
  });

  it('on the 16th birthday only the youth counts', () => {
    const r = evaluateConsent(youthOnly, '2022-05-20');
    expect(r).toMatchObject({ decision: 'toestemming', ageOnEvaluationDate: 16, ageBand: '16-plus' });
  });

  it('a custodian yes does not carry over past 16', () => {
    const i = input('2006-05-20', ['a'], [rec('a', '03', true, '2010-01-01')]);
    expect(decide(i, '2018-01-01')).toBe('toestemming');
    expect(decide(i, '2022-05-20')).toBe('geen-toestemming');
  });

  it('clients of 18+ decide themselves; custodian records play no part', () => {
    const i = input(
      '1990-03-03',
      ['a'],
      [rec('youth', '01', true, '2021-01-01'), rec('a', '03', false, '2021-02-01')],
    );
    const r = evaluateConsent(i, '2021-06-01');
    expect(r).toMatchObject({ decision: 'toestemming', ageOnEvaluationDate: 31, ageBand: '16-plus' });
    expect(r.path.at(-1)?.answer).toBe('Ja: de cliënt is akkoord (bron 01, 2021-01-01).');
    expect(decide(input('1990-03-03', [], [rec('youth', '01', false, '2021-01-01')]), '2021-06-01')).toBe(
      'geen-toestemming',
    );
  });
});

describe('29 February births: a year older on 1 March in non-leap years', () => {
  // 2100 is not a leap year, so someone born 2088-02-29 turns 12 on 2100-03-01.
  const i = input('2088-02-29', ['a'], [rec('a', '03', true, '2088-03-10')]);

  it('is still 11 on 28 February', () => {
    expect(evaluateConsent(i, '2100-02-28')).toMatchObject({
      ageOnEvaluationDate: 11,
      ageBand: 'under-12',
      decision: 'toestemming',
    });
  });

  it('turns 12 on 1 March', () => {
    expect(evaluateConsent(i, '2100-03-01')).toMatchObject({
      ageOnEvaluationDate: 12,
      ageBand: '12-15',
      decision: 'geen-toestemming',
    });
  });

  it('turns 18 on 1 March 2026 when born 2008-02-29 and becomes "de cliënt"', () => {
    const j = input('2008-02-29', [], [rec('youth', '01', true, '2024-03-01')]);
    expect(evaluateConsent(j, '2026-02-28').ageOnEvaluationDate).toBe(17);
    expect(evaluateConsent(j, '2026-03-01').ageOnEvaluationDate).toBe(18);
    expect(answers(j, '2026-03-01').at(-1)).toContain('de cliënt');
    expect(answers(j, '2026-02-28').at(-1)).toContain('de jeugdige');
  });

  it('has a real birthday on 29 February in leap years', () => {
    const j = input('2008-02-29', ['a'], [rec('a', '03', true, '2008-03-10')]);
    expect(evaluateConsent(j, '2020-02-28').ageBand).toBe('under-12');
    expect(evaluateConsent(j, '2020-02-29').ageBand).toBe('12-15');
  });
});

describe('the custodians decide (R-C4; seed 001 §3.17, Bijlage 4)', () => {
  const D = '2021-06-01';
  const baby = (custodians: string[], ...records: ReturnType<typeof rec>[]) =>
    input('2021-01-01', custodians, records);

  it('a sole custodian with 03 agrees', () => {
    expect(decide(baby(['a'], rec('a', '03', true, '2021-02-01')), D)).toBe('toestemming');
  });

  it('a sole custodian with 04 agrees: there is no other custodian to wait for', () => {
    const r = evaluateConsent(baby(['a'], rec('a', '04', true, '2021-02-01')), D);
    expect(r.decision).toBe('toestemming');
    expect(r.path.at(-1)).toEqual({
      question: 'Is er een geregistreerd akkoord van alle gezaghebbenden (beide, of de enige)?',
      answer: 'Ja: a is akkoord (bron 04, 2021-02-01).',
    });
  });

  it('one of two custodians with 03 agrees when the other has registered nothing', () => {
    expect(decide(baby(['a', 'b'], rec('a', '03', true, '2021-02-01')), D)).toBe('toestemming');
  });

  it('one of two custodians with 04 is not enough', () => {
    expect(decide(baby(['a', 'b'], rec('a', '04', true, '2021-02-01')), D)).toBe('geen-toestemming');
  });

  it('both custodians agreeing is consent whatever their source kinds', () => {
    expect(
      decide(baby(['a', 'b'], rec('a', '04', true, '2021-02-01'), rec('b', '04', true, '2021-03-01')), D),
    ).toBe('toestemming');
    expect(
      decide(baby(['a', 'b'], rec('a', '03', true, '2021-02-01'), rec('b', '04', true, '2021-03-01')), D),
    ).toBe('toestemming');
  });

  it('an explicit no from any custodian means no consent, even against a 03 yes', () => {
    const r = evaluateConsent(
      baby(['a', 'b'], rec('a', '03', true, '2021-02-01'), rec('b', '03', false, '2021-03-01')),
      D,
    );
    expect(r.decision).toBe('geen-toestemming');
    expect(r.path.at(-1)?.answer).toBe(
      'Nee: b is niet akkoord (bron 03, 2021-03-01); een weigering van een gezaghebbende betekent geen toestemming.',
    );
    expect(decide(baby(['a'], rec('a', '03', false, '2021-02-01')), D)).toBe('geen-toestemming');
  });

  it('no known custodian: the custodians cannot consent', () => {
    const r = evaluateConsent(baby([], rec('x', '03', true, '2021-02-01')), D);
    expect(r.decision).toBe('geen-toestemming');
    expect(r.path.map((s) => s.answer)).toContain(
      'Nee: er is geen gezaghebbende bekend, dus de gezaghebbenden kunnen geen toestemming geven.',
    );
    // 12-15: the youth alone is not enough either; 16+: no custodian needed.
    const teen = input('2008-01-01', [], [rec('youth', '01', true, '2021-01-01')]);
    expect(decide(teen, '2021-06-01')).toBe('geen-toestemming');
    expect(decide(teen, '2024-01-01')).toBe('toestemming');
  });

  it('a parent without custody cannot consent', () => {
    const r = evaluateConsent(baby(['a'], rec('p', '03', true, '2021-02-01')), D);
    expect(r.decision).toBe('geen-toestemming');
    expect(r.ignoredRecords).toEqual([
      expect.objectContaining({ reason: 'not-a-custodian', record: expect.objectContaining({ by: 'p' }) }),
    ]);
    expect(r.path[0]).toEqual({
      question: 'Telt de registratie van p (bron 03, 2021-02-01) mee?',
      answer: 'Nee: p heeft geen gezag; een ouder zonder gezag kan geen toestemming geven.',
    });
    // Nor does it count next to a custodian who used 04.
    expect(
      decide(baby(['a', 'b'], rec('a', '04', true, '2021-02-01'), rec('p', '03', true, '2021-02-01')), D),
    ).toBe('geen-toestemming');
  });

  it('a parent without custody cannot block either', () => {
    expect(
      decide(baby(['a'], rec('a', '03', true, '2021-02-01'), rec('p', '04', false, '2021-03-01')), D),
    ).toBe('toestemming');
  });
});

describe('source kind and source person must match (BDS 1534/1535)', () => {
  it('01 from anyone but the youth is ignored and the path says so', () => {
    const r = evaluateConsent(
      input('2008-01-01', ['a'], [rec('a', '01', true, '2021-01-01'), rec('a', '03', true, '2021-01-01')]),
      '2021-06-01',
    );
    expect(r.decision).toBe('geen-toestemming');
    expect(r.ignoredRecords.map((i) => i.reason)).toEqual(['source-person-mismatch']);
    expect(r.path[0]?.answer).toBe(
      'Nee: bron 01 (cliënt/jeugdige) is alleen voor de jeugdige zelf; a kan daarmee geen toestemming geven.',
    );
  });

  it('the youth cannot consent as custodian or legal representative', () => {
    const r = evaluateConsent(
      input('2004-01-01', [], [rec('youth', '05', true, '2021-01-01')]),
      '2021-06-01',
    );
    expect(r.decision).toBe('geen-toestemming');
    expect(r.ignoredRecords.map((i) => i.reason)).toEqual(['source-person-mismatch']);
  });

  it("the youth's own record from before the 12th birthday does not count", () => {
    const i = input(
      '2010-05-20',
      ['a'],
      [rec('youth', '01', true, '2022-05-19'), rec('a', '03', true, '2011-01-01')],
    );
    const r = evaluateConsent(i, '2022-06-01');
    expect(r.decision).toBe('geen-toestemming');
    expect(r.ignoredRecords.map((x) => x.reason)).toEqual(['youth-under-12']);
    // Given on the birthday itself it counts.
    const j = input(
      '2010-05-20',
      ['a'],
      [rec('youth', '01', true, '2022-05-20'), rec('a', '03', true, '2011-01-01')],
    );
    expect(decide(j, '2022-06-01')).toBe('toestemming');
  });
});

describe('competence (R-C3; seed 001 §3.5, Bijlage 4)', () => {
  const both = [rec('a', '04', true, '2019-01-01'), rec('b', '04', true, '2019-01-01')];

  it('12-15 and not competent: without a 05 record there is no consent', () => {
    const i = input(
      '2007-01-01',
      ['a', 'b'],
      [...both, rec('youth', '01', true, '2020-01-01')],
      [judged('2020-06-01', false)],
    );
    const r = evaluateConsent(i, '2021-01-01');
    expect(r).toMatchObject({ decision: 'geen-toestemming', competent: false });
    expect(r.path.map((s) => s.answer)).toContain(
      'Nee: er is geen toestemming van een wettelijk vertegenwoordiger geregistreerd.',
    );
  });

  it('12-15 and not competent: the 05 yes stands in for the youth, custodians still needed', () => {
    const rep = rec('a', '05', true, '2020-06-01');
    expect(
      decide(input('2007-01-01', ['a', 'b'], [...both, rep], [judged('2020-06-01', false)]), '2021-01-01'),
    ).toBe('toestemming');
    expect(
      decide(input('2007-01-01', ['a', 'b'], [both[0]!, rep], [judged('2020-06-01', false)]), '2021-01-01'),
    ).toBe('geen-toestemming');
  });

  it('16+ and not competent: only the legal representative (05) counts', () => {
    const judgements = [judged('2020-01-01', false)];
    const own = rec('youth', '01', true, '2019-06-01');
    expect(decide(input('2003-01-01', ['a', 'b'], [...both, own], judgements), '2021-01-01')).toBe(
      'geen-toestemming',
    );
    expect(
      decide(
        input('2003-01-01', ['a', 'b'], [...both, own, rec('r', '05', true, '2020-02-01')], judgements),
        '2021-01-01',
      ),
    ).toBe('toestemming');
    expect(
      decide(
        input('2003-01-01', ['a', 'b'], [own, rec('r', '05', false, '2020-02-01')], judgements),
        '2021-01-01',
      ),
    ).toBe('geen-toestemming');
  });

  it('a 05 record does not count while the youth is competent', () => {
    const i = input('2003-01-01', [], [rec('r', '05', true, '2020-02-01')]);
    const r = evaluateConsent(i, '2021-01-01');
    expect(r.decision).toBe('geen-toestemming');
    expect(r.path.find((s) => s.question.includes('wilsbekwaam'))?.answer).toContain(
      'tellen daarom niet mee',
    );
  });

  it('the latest judgement on or before the evaluation date counts; a later one does not yet', () => {
    const i = input(
      '2003-01-01',
      [],
      [rec('youth', '01', true, '2018-01-01')],
      [judged('2019-01-01', false), judged('2020-01-01', true)],
    );
    expect(evaluateConsent(i, '2018-06-01').competent).toBe(true);
    expect(evaluateConsent(i, '2019-06-01').competent).toBe(false);
    expect(decide(i, '2019-06-01')).toBe('geen-toestemming');
    expect(evaluateConsent(i, '2020-01-01').competent).toBe(true);
    expect(decide(i, '2020-01-01')).toBe('toestemming');
  });

  it("the youth's own record given while judged not competent does not count later", () => {
    const i = input(
      '2003-01-01',
      [],
      [rec('youth', '01', true, '2019-06-01')],
      [judged('2019-01-01', false), judged('2020-01-01', true)],
    );
    const r = evaluateConsent(i, '2020-06-01');
    expect(r.decision).toBe('geen-toestemming');
    expect(r.ignoredRecords.map((x) => x.reason)).toEqual(['youth-not-competent']);
  });

  it('two judgements on one day that disagree count as not competent', () => {
    const i = input(
      '2003-01-01',
      [],
      [rec('youth', '01', true, '2018-01-01')],
      [judged('2019-01-01', true), judged('2019-01-01', false)],
    );
    expect(evaluateConsent(i, '2019-06-01').competent).toBe(false);
  });

  it('a person can be custodian (04) and legal representative (05) at once', () => {
    const i = input(
      '2007-01-01',
      ['johan', 'rianne'],
      [
        rec('johan', '04', true, '2019-01-01'),
        rec('rianne', '04', true, '2019-02-01'),
        rec('johan', '05', true, '2020-06-01'),
      ],
      [judged('2020-06-01', false)],
    );
    const r = evaluateConsent(i, '2021-01-01');
    expect(r.decision).toBe('toestemming');
    expect(r.activeRecords).toHaveLength(3);
  });

  it('two legal representatives: one no is enough to refuse', () => {
    const i = input(
      '2003-01-01',
      [],
      [rec('r1', '05', true, '2020-02-01'), rec('r2', '05', false, '2020-03-01')],
      [judged('2020-01-01', false)],
    );
    expect(decide(i, '2021-01-01')).toBe('geen-toestemming');
  });
});

describe('which records are active', () => {
  it('records dated after the evaluation date are ignored', () => {
    const i = input('2021-01-01', ['a'], [rec('a', '03', true, '2021-06-02')]);
    const r = evaluateConsent(i, '2021-06-01');
    expect(r.decision).toBe('geen-toestemming');
    expect(r.ignoredRecords.map((x) => x.reason)).toEqual(['after-evaluation-date']);
    expect(r.path[0]?.answer).toBe('Nee: vastgelegd na de peildatum 2021-06-01.');
    expect(decide(i, '2021-06-02')).toBe('toestemming');
    // A later refusal does not reach back either.
    const j = input(
      '2021-01-01',
      ['a'],
      [rec('a', '03', true, '2021-02-01'), rec('a', '03', false, '2021-06-02')],
    );
    expect(decide(j, '2021-06-01')).toBe('toestemming');
    expect(decide(j, '2021-06-02')).toBe('geen-toestemming');
  });

  it('the end date is exclusive: a record no longer counts on its end date', () => {
    const i = input('2021-01-01', ['a'], [rec('a', '03', true, '2021-02-01', { endDate: '2021-05-01' })]);
    expect(decide(i, '2021-04-30')).toBe('toestemming');
    expect(decide(i, '2021-05-01')).toBe('geen-toestemming');
    expect(evaluateConsent(i, '2021-05-01').path[0]?.answer).toBe('Nee: beëindigd per 2021-05-01.');
  });

  it('a newer record from the same person supersedes the older one without an end date, in any order', () => {
    const yes = rec('a', '03', true, '2021-02-01');
    const no = rec('a', '03', false, '2021-04-01');
    for (const records of [
      [yes, no],
      [no, yes],
    ]) {
      const i = input('2021-01-01', ['a'], records);
      expect(decide(i, '2021-03-01')).toBe('toestemming');
      const r = evaluateConsent(i, '2021-05-01');
      expect(r.decision).toBe('geen-toestemming');
      expect(r.activeRecords).toEqual([no]);
      expect(r.ignoredRecords).toEqual([
        {
          record: yes,
          reason: 'superseded',
          explanation: 'Nee: vervangen door een nieuwere registratie van a (2021-04-01).',
        },
      ]);
    }
  });

  it('a newer 04 record replaces an older 03 record of the same custodian', () => {
    const i = input(
      '2021-01-01',
      ['a', 'b'],
      [rec('a', '03', true, '2021-02-01'), rec('a', '04', true, '2021-03-01')],
    );
    expect(decide(i, '2021-02-15')).toBe('toestemming');
    expect(decide(i, '2021-03-15')).toBe('geen-toestemming');
  });

  it('same day, same person: the later registration wins; without timestamps the no wins', () => {
    const yes = rec('a', '03', true, '2021-02-01', { registeredAt: '2021-02-01T10:00:00+01:00' });
    const no = rec('a', '03', false, '2021-02-01', { registeredAt: '2021-02-01T09:30:00Z' });
    expect(decide(input('2021-01-01', ['a'], [yes, no]), '2021-03-01')).toBe('geen-toestemming');
    const laterYes = { ...yes, registeredAt: '2021-02-01T11:00:00+01:00' };
    expect(decide(input('2021-01-01', ['a'], [no, laterYes]), '2021-03-01')).toBe('toestemming');
    const plain = [rec('a', '03', true, '2021-02-01'), rec('a', '03', false, '2021-02-01')];
    expect(decide(input('2021-01-01', ['a'], plain), '2021-03-01')).toBe('geen-toestemming');
    expect(decide(input('2021-01-01', ['a'], [...plain].reverse()), '2021-03-01')).toBe('geen-toestemming');
  });

  it('an evaluation date before the birth date is an error', () => {
    expect(() => evaluateConsent(input('2021-01-01', [], []), '2020-12-31')).toThrow(RangeError);
    expect(() => evaluateConsent(input('2021-01-01', [], []), '2021-02-30')).toThrow(RangeError);
  });
});
