/**
 * The RVP's own rules, run through the CDSi engine with the Dutch schedule data (src/domain/schedule/rvp.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  evaluateAndForecast,
  RVP_MATERNAL_PERTUSSIS,
  RVP_VACCINE_CODES,
  rvpSchedule,
  type DoseInput,
  type VaccineGroupResult,
} from '../../../src/domain/schedule/index.js';

function group(
  name: string,
  birthDate: string,
  doses: [date: string, code: string][],
  assessmentDate: string,
  maternal = false,
): VaccineGroupResult {
  const input: DoseInput[] = doses.map(([date, vaccineCode]) => ({ date, vaccineCode }));
  const patient = { birthDate, ...(maternal ? { observations: [RVP_MATERNAL_PERTUSSIS] } : {}) };
  const result = evaluateAndForecast(rvpSchedule, patient, input, assessmentDate, {
    vaccineGroups: [name],
  })[0];
  if (!result) throw new Error(`no group ${name}`);
  return result;
}

const dose = (r: VaccineGroupResult, i: number) => r.doses.find((d) => d.index === i);

describe('RVP: W0422 vaccine codes', () => {
  it.each([
    ['11', ['Diphtheria', 'Pertussis', 'Tetanus', 'Polio', 'Hib', 'HepB']],
    ['08', ['Pneumococcal']],
    ['04', ['Measles', 'Mumps', 'Rubella']],
    ['28', ['MenACWY']],
    ['09', ['HPV']],
    ['02', ['Diphtheria', 'Tetanus', 'Polio']],
    ['13', ['Diphtheria', 'Pertussis', 'Tetanus']],
    ['27', ['Diphtheria', 'Pertussis', 'Tetanus', 'Polio']],
    ['29', ['Rotavirus']],
    ['30', []],
    ['98', []],
  ])('code %s protects against %j', (code, antigens) => {
    expect(RVP_VACCINE_CODES[code]?.antigens).toEqual(antigens);
    expect(rvpSchedule.vaccineCodes.get(code)?.associations.map((a) => a.antigen)).toEqual(antigens);
  });
});

describe('RVP: infant series, 3+1 versus 2+1 by maternal pertussis vaccination', () => {
  const born = '2025-01-15';
  it.each([
    // [maternal, first dose earliest = recommended, past due]
    [false, '2025-02-26', '2025-03-25'], // 2 months schedule: from 6 weeks, late after 9 weeks
    [true, '2025-04-15', '2025-05-14'], // standard schedule: 3 months, not earlier
  ])('maternal vaccination %s: first DKTP-Hib-HepB from %s', (maternal, earliest, pastDue) => {
    for (const name of ['DKT', 'Polio', 'Hib', 'HepB']) {
      const r = group(name, born, [], '2025-02-20', maternal);
      expect(r.forecast).toMatchObject({ earliest, recommended: earliest, pastDue, doseNumber: 1 });
    }
  });

  const threeFiveTwelve: [string, string][] = [
    ['2025-04-15', '11'],
    ['2025-06-16', '11'],
    ['2026-01-15', '11'],
  ];
  it('after maternal vaccination, doses at 3, 5 and 12 months complete the infant series', () => {
    const hib = group('Hib', born, threeFiveTwelve, '2026-02-01', true);
    expect(hib.seriesStatus).toBe('Complete');
    const dkt = group('DKT', born, threeFiveTwelve, '2026-02-01', true);
    expect(dkt.doses.map((d) => d.status)).toEqual(['Valid', 'Valid', 'Valid']);
    // Next: the DKT booster between the 5th and 6th birthday (2025 schedule).
    expect(dkt.forecast).toMatchObject({
      earliest: '2030-01-15',
      recommended: '2030-01-15',
      pastDue: '2031-01-14',
    });
  });

  it('without maternal vaccination the same doses leave the infant booster due', () => {
    const hepb = group('HepB', born, threeFiveTwelve, '2026-02-01', false);
    expect(hepb.seriesStatus).toBe('Not complete');
    expect(hepb.forecast).toMatchObject({ earliest: '2026-07-15', doseNumber: 4 });
  });

  it('the booster is recommended at 12 months from the 2024 cohort, at 11 months before', () => {
    const primary = (b: string, d: [number, number, number]): [string, string][] =>
      d.map((m) => [addMonths(b, m), '11'] as [string, string]);
    const r2024 = group('HepB', '2024-03-01', primary('2024-03-01', [2, 3, 5]), '2024-09-01');
    const r2023 = group('HepB', '2023-03-01', primary('2023-03-01', [2, 3, 5]), '2023-09-01');
    expect(r2024.forecast.recommended).toBe('2025-03-01');
    expect(r2023.forecast.recommended).toBe('2024-02-01');
  });
});

describe('RVP: Hib and pneumococcal vaccination lapse at 2 years', () => {
  it.each([
    ['Hib', '2024-11-30', 'Not complete'],
    ['Hib', '2024-12-01', 'Aged Out'],
    ['Pneumococcal', '2024-11-30', 'Not complete'],
    ['Pneumococcal', '2024-12-01', 'Aged Out'],
  ])('%s for an unvaccinated child born 2022-12-01, as of %s: %s', (name, asOf, status) => {
    expect(group(name, '2022-12-01', [], asOf).seriesStatus).toBe(status);
  });

  it('a Hib dose after the 2nd birthday is too old (Vaxelis for catch-up still counts for the rest)', () => {
    const hib = group('Hib', '2022-12-01', [['2025-01-10', '11']], '2025-01-10');
    expect(dose(hib, 0)).toMatchObject({ status: 'Extraneous', reason: 'Age: Too Old' });
    const dkt = group('DKT', '2022-12-01', [['2025-01-10', '11']], '2025-01-10');
    expect(dose(dkt, 0)?.status).toBe('Valid');
  });

  it('one Hib dose after the 1st birthday is the last', () => {
    const hib = group('Hib', '2024-01-10', [['2025-02-10', '11']], '2025-03-01');
    expect(hib.seriesStatus).toBe('Complete');
  });

  it('pneumococcal started from the 1st birthday: 1+1 with 8 weeks between', () => {
    const pneu = group('Pneumococcal', '2024-01-10', [['2025-02-10', '08']], '2025-03-01');
    expect(pneu.forecast).toMatchObject({ earliest: '2025-04-07', doseNumber: 2 });
  });
});

describe('RVP: measles, mumps and rubella', () => {
  it('a BMR before the 1st birthday does not count', () => {
    const bmr = group('BMR', '2024-01-15', [['2024-12-15', '04']], '2025-01-01');
    expect(dose(bmr, 0)).toMatchObject({ status: 'Not Valid', reason: 'Age: Too Young' });
    expect(bmr.forecast).toMatchObject({ earliest: '2025-01-15', recommended: '2025-03-15', doseNumber: 1 });
  });

  it.each([
    // born, BMR1, second dose recommended, past due
    ['2022-05-10', '2023-07-10', '2024-11-10', '2025-11-09'], // 2025 schedule: 2.5–3.5 years
    ['2014-05-10', '2015-07-10', '2023-01-01', '2023-12-31'], // before 2016: in the year of turning 9
  ])('born %s: BMR2 recommended from %s', (born, first, recommended, pastDue) => {
    const bmr = group('BMR', born, [[first, '04']], '2023-09-01');
    expect(bmr.forecast).toMatchObject({ recommended, pastDue, doseNumber: 2 });
  });
});

describe('RVP: boosters by birth cohort (2025 schedule changes)', () => {
  const infant = (born: string): [string, string][] =>
    [2, 3, 5, 11].map((m) => [addMonths(born, m), '11'] as [string, string]);

  it('born 2021: DKT booster at 5 years and no polio before 14', () => {
    const dkt = group('DKT', '2021-03-01', infant('2021-03-01'), '2025-06-01');
    expect(dkt.forecast).toMatchObject({
      earliest: '2026-03-01',
      recommended: '2026-03-01',
      pastDue: '2027-02-28',
    });
    const polio = group('Polio', '2021-03-01', infant('2021-03-01'), '2025-06-01');
    expect(polio.forecast.recommended).toBe('2035-01-01');
  });

  it('born 2019: DKTP booster at 4 years, then DTP in the year of turning 14', () => {
    const polio = group('Polio', '2019-03-01', infant('2019-03-01'), '2022-12-01');
    expect(polio.forecast).toMatchObject({ recommended: '2022-12-01', doseNumber: 5 });
    const after = group('Polio', '2019-03-01', [...infant('2019-03-01'), ['2023-03-05', '27']], '2024-01-01');
    expect(after.forecast).toMatchObject({ recommended: '2033-01-01', pastDue: '2033-12-31', doseNumber: 6 });
  });

  it('DTP does not count for pertussis; DKT does not count for polio', () => {
    const dkt = group('DKT', '2021-03-01', [...infant('2021-03-01'), ['2026-03-10', '02']], '2026-04-01');
    expect(dkt.antigens.find((a) => a.antigen === 'Pertussis')?.status).toBe('Not complete');
    const polio = group('Polio', '2021-03-01', [...infant('2021-03-01'), ['2026-03-10', '13']], '2026-04-01');
    expect(polio.doses.map((d) => d.code)).not.toContain('13');
  });

  it('MenACWY and DTP at 14 in the year of turning 14', () => {
    const men = group('MenACWY', '2012-06-01', [['2013-08-01', '28']], '2025-06-01');
    expect(men.forecast).toMatchObject({ recommended: '2026-01-01', pastDue: '2026-12-31', doseNumber: 2 });
  });
});

describe('RVP: rotavirus (born from 2024)', () => {
  it('is not offered to children born before 2024', () => {
    expect(group('Rotavirus', '2023-12-31', [], '2024-02-15').seriesStatus).toBe('Not Recommended');
  });

  it('two doses from 6 weeks, 4 weeks apart, before 24 weeks', () => {
    const r = group('Rotavirus', '2024-01-01', [['2024-02-12', '29']], '2024-02-20');
    expect(r.forecast).toMatchObject({
      earliest: '2024-03-11',
      recommended: '2024-04-01',
      latest: '2024-06-16',
    });
    expect(group('Rotavirus', '2024-01-01', [['2024-02-12', '29']], '2024-06-17').seriesStatus).toBe(
      'Aged Out',
    );
    expect(
      group(
        'Rotavirus',
        '2024-01-01',
        [
          ['2024-02-12', '29'],
          ['2024-03-11', '29'],
        ],
        '2024-04-01',
      ).seriesStatus,
    ).toBe('Complete');
  });
});

describe('RVP: HPV in the year of turning 10', () => {
  it('two doses, recommended from 1 January of the year of the 10th birthday, at least 150 days apart', () => {
    const none = group('HPV', '2015-09-20', [], '2025-02-01');
    expect(none.forecast).toMatchObject({
      earliest: '2024-09-20',
      recommended: '2025-01-01',
      pastDue: '2025-06-30',
    });
    const early = group(
      'HPV',
      '2015-09-20',
      [
        ['2025-03-01', '09'],
        ['2025-07-15', '09'],
      ],
      '2025-08-01',
    );
    expect(dose(early, 1)).toMatchObject({ status: 'Not Valid', reason: 'Interval: Too Soon' });
    const ok = group(
      'HPV',
      '2015-09-20',
      [
        ['2025-03-01', '09'],
        ['2025-07-29', '09'],
      ],
      '2025-08-01',
    );
    expect(ok.seriesStatus).toBe('Complete');
  });

  it('three doses when started from the 15th birthday', () => {
    const r = group('HPV', '2012-01-10', [['2027-02-01', '09']], '2027-02-02');
    expect(r.forecast).toMatchObject({ earliest: '2027-03-01', doseNumber: 2 });
  });
});

function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
