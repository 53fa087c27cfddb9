import { describe, expect, it } from 'vitest';
import { consentTransitions } from '../../../src/domain/consent/index.js';
import { input, judged, rec } from './builders.js';

describe('consentTransitions (R-C5)', () => {
  it('reports the 12th and 16th birthday when they change the decision', () => {
    // Custodian agrees alone; the youth agrees at 13; custodian withdraws at 14.
    const i = input(
      '2008-03-10',
      ['a'],
      [
        rec('a', '03', true, '2008-04-01'),
        rec('youth', '01', true, '2021-05-01'),
        rec('a', '03', false, '2022-05-01'),
      ],
    );
    expect(consentTransitions(i, { from: '2008-03-10', to: '2030-01-01' })).toEqual([
      {
        date: '2008-04-01',
        decision: 'toestemming',
        previous: 'geen-toestemming',
        cause: 'record',
        causes: ['record'],
      },
      {
        date: '2020-03-10',
        decision: 'geen-toestemming',
        previous: 'toestemming',
        cause: 'birthday-12',
        causes: ['birthday-12'],
      },
      {
        date: '2021-05-01',
        decision: 'toestemming',
        previous: 'geen-toestemming',
        cause: 'record',
        causes: ['record'],
      },
      {
        date: '2022-05-01',
        decision: 'geen-toestemming',
        previous: 'toestemming',
        cause: 'record',
        causes: ['record'],
      },
      {
        date: '2024-03-10',
        decision: 'toestemming',
        previous: 'geen-toestemming',
        cause: 'birthday-16',
        causes: ['birthday-16'],
      },
    ]);
  });

  it('reports end dates and competence judgements', () => {
    const i = input(
      '2002-06-15',
      [],
      [rec('youth', '01', true, '2019-01-01', { endDate: '2020-01-01' })],
      [judged('2019-06-01', false), judged('2019-09-01', true)],
    );
    expect(
      consentTransitions(i, { from: '2019-01-01', to: '2020-12-31' }).map((t) => [
        t.date,
        t.cause,
        t.decision,
      ]),
    ).toEqual([
      ['2019-01-01', 'record', 'toestemming'],
      ['2019-06-01', 'competence', 'geen-toestemming'],
      ['2019-09-01', 'competence', 'toestemming'],
      ['2020-01-01', 'record-end', 'geen-toestemming'],
    ]);
  });

  it('only reports dates inside the period, both ends included', () => {
    const i = input('2021-01-01', ['a'], [rec('a', '03', true, '2021-02-01', { endDate: '2021-03-01' })]);
    expect(consentTransitions(i, { from: '2021-02-01', to: '2021-03-01' }).map((t) => t.date)).toEqual([
      '2021-02-01',
      '2021-03-01',
    ]);
    expect(consentTransitions(i, { from: '2021-02-02', to: '2021-02-28' })).toEqual([]);
  });

  it('a record on the birth date has no day before to compare with', () => {
    const i = input('2021-01-01', ['a'], [rec('a', '03', true, '2021-01-01')]);
    expect(consentTransitions(i, { from: '2020-01-01', to: '2021-12-31' })).toEqual([]);
  });

  it('a 29 February birth turns 12 on 1 March in a non-leap year', () => {
    const i = input('2088-02-29', ['a'], [rec('a', '03', true, '2088-03-10')]);
    expect(consentTransitions(i, { from: '2100-01-01', to: '2100-12-31' })).toEqual([
      {
        date: '2100-03-01',
        decision: 'geen-toestemming',
        previous: 'toestemming',
        cause: 'birthday-12',
        causes: ['birthday-12'],
      },
    ]);
  });

  it('rejects a period that ends before it starts', () => {
    expect(() =>
      consentTransitions(input('2021-01-01', [], []), { from: '2021-02-01', to: '2021-01-31' }),
    ).toThrow(RangeError);
  });
});
