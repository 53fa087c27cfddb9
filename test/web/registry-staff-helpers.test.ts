import { describe, expect, it } from 'vitest';
import type { GroupForecast } from '../../src/web/registry/api.js';
import {
  bsnProblem,
  forecastSentence,
  validityLabel,
  validityReason,
} from '../../src/web/registry/persons.js';
import {
  addMonthsIso,
  checkRunForm,
  emptyRunForm,
  mapRunErrors,
  runBody,
} from '../../src/web/registry/runs.js';

const group = (over: Partial<GroupForecast>): GroupForecast => ({
  vaccineGroup: 'BMR',
  seriesStatus: 'Not complete',
  status: 'upcoming',
  doseNumber: 1,
  earliest: '2026-01-01',
  recommended: '2026-02-01',
  pastDue: '2026-03-01',
  latest: null,
  vaccines: [],
  ...over,
});

describe('registry persons helpers', () => {
  it('says validity and forecast in Dutch', () => {
    expect(validityLabel('Valid')).toBe('Geldig');
    expect(validityLabel('Not Valid')).toBe('Niet geldig');
    expect(validityReason('Age: Too Young')).toBe('te jong bij vaccinatie');
    expect(validityReason('Something else')).toBe('Something else');
    expect(forecastSentence(group({}))).toBe(
      'Dosis 1 mag vanaf 01-01-2026, aanbevolen op 01-02-2026, te laat vanaf 01-03-2026.',
    );
    expect(forecastSentence(group({ status: 'overdue' }))).toBe('Dosis 1 is te laat sinds 01-03-2026.');
    expect(forecastSentence(group({ status: 'complete' }))).toBe('De reeks is compleet.');
  });

  it('checks a BSN like the service', () => {
    expect(bsnProblem('123456782')).toBeNull();
    expect(bsnProblem('1234.56.782')).toBeNull();
    expect(bsnProblem('123456789')).toBe('Dit BSN voldoet niet aan de elfproef.');
    expect(bsnProblem('12345')).toBe('Een BSN heeft 9 cijfers.');
    expect(bsnProblem('')).toBe('Vul het BSN in.');
  });
});

describe('registry run form helpers', () => {
  it('checks the form and builds the body', () => {
    expect(checkRunForm(emptyRunForm).map((e) => e.field)).toEqual(['kind', 'from', 'to']);
    const group = { ...emptyRunForm, kind: 'group-session' as const, from: '2026-01-01', to: '2026-02-01' };
    expect(checkRunForm(group).map((e) => e.field)).toEqual(['sessionDate', 'organisationUra']);
    expect(runBody({ ...group, kind: 'invitation', sessionDate: '2026-01-20' })).toEqual({
      kind: 'invitation',
      from: '2026-01-01',
      to: '2026-02-01',
    });
  });

  it('puts server errors at their field', () => {
    const mapped = mapRunErrors([
      { field: 'body.sessionDate', rule: 'group-session-selection-window', message: 'te vroeg' },
      { field: 'body', rule: 'x', message: 'algemeen' },
    ]);
    expect(mapped.byField.sessionDate).toEqual(['te vroeg']);
    expect(mapped.other).toEqual(['algemeen']);
  });

  it('adds months, clamping the day', () => {
    expect(addMonthsIso('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonthsIso('2026-11-15', 2)).toBe('2027-01-15');
  });
});
