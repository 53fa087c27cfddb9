/**
 * The consent page's pure helpers (src/web/dossier/consent.ts and the date helpers in
 * src/web/shared/format.ts), run in Node: labels, the readable path, which sources the form offers,
 * and how the server's field errors land on the form's fields. Nothing here decides about consent.
 */
import { describe, expect, it } from 'vitest';
import {
  ageBandText,
  decisionLabel,
  emptyCompetenceForm,
  emptyConsentForm,
  mapCompetenceErrors,
  mapConsentErrors,
  mayConsentNow,
  methodLabel,
  missingCompetenceFields,
  missingConsentFields,
  readablePath,
  readableText,
  roleLabel,
  sourceLabel,
  sourcesFor,
  toConsentRequest,
  transitionText,
  type ConsentPerson,
} from '../../src/web/dossier/consent.js';
import { formatDateTime, todayIso } from '../../src/web/shared/format.js';

const anna = '0b6c4f1e-8d2a-4a57-9a43-1f2e3d4c5b6a';
const bert = '7f0e2d1c-3b4a-4c5d-8e6f-0a1b2c3d4e5f';
const carl = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';
const vera = '9e8d7c6b-5a49-4382-a716-253443526170';

const persons: ConsentPerson[] = [
  { id: 'self', name: 'Bram Test', role: 'client' },
  { id: anna, name: 'Anna Test', role: 'custodian' },
  { id: bert, name: 'Bert Test', role: 'custodian' },
  { id: carl, name: 'Carl Test', role: 'parent-without-custody' },
  { id: vera, name: 'Vera Test', role: 'legal-representative' },
];

describe('consent labels', () => {
  it('names the decision, the sources, the methods and the roles in Dutch', () => {
    expect(decisionLabel('toestemming')).toBe('Toestemming');
    expect(decisionLabel('geen-toestemming')).toBe('Geen toestemming');
    expect(sourceLabel('03')).toBe(
      '03 – gezaghebbende – toestemming van de andere gezaghebbende niet vereist',
    );
    expect(sourceLabel('04')).toContain('wel vereist');
    expect(sourceLabel('05')).toBe('05 – wettelijk vertegenwoordiger namens de jeugdige');
    expect(sourceLabel('99')).toBe('99');
    expect(methodLabel('phone')).toBe('telefonisch');
    expect(methodLabel(null)).toBe('');
    expect(roleLabel('client')).toBe('jeugdige zelf');
    expect(roleLabel('client', 'client')).toBe('cliënt zelf');
    expect(roleLabel('parent-without-custody')).toBe('ouder zonder gezag');
  });

  it('explains who decides in each age band', () => {
    expect(ageBandText('under-12').title).toBe('Onder 12 jaar: de gezaghebbenden beslissen');
    expect(ageBandText('12-15').title).toBe('12 tot 16 jaar: gezaghebbenden én jeugdige');
    expect(ageBandText('16-plus').title).toBe('16 jaar en ouder: alleen de jeugdige');
    expect(ageBandText('16-plus', 'youth', 18).title).toContain('alleen de cliënt');
    expect(ageBandText('16-plus', 'client').title).toContain('alleen de cliënt');
    expect(ageBandText('12-15').explanation).toContain('bron 05');
  });

  it('tells a transition as a sentence, with every cause', () => {
    expect(
      transitionText({
        date: '2024-03-12',
        decision: 'toestemming',
        previous: 'geen-toestemming',
        cause: 'birthday-12',
        causes: ['birthday-12'],
      }),
    ).toBe('Op 12-03-2024 werd het besluit ‘toestemming’ (oorzaak: 12e verjaardag).');
    expect(
      transitionText({
        date: '2021-07-01',
        decision: 'geen-toestemming',
        previous: 'toestemming',
        cause: 'record',
        causes: ['record', 'record-end'],
      }),
    ).toBe(
      'Op 01-07-2021 werd het besluit ‘geen toestemming’ (oorzaak: nieuwe registratie, einde van een registratie).',
    );
    expect(
      transitionText({
        date: '2030-01-01',
        decision: 'toestemming',
        previous: 'geen-toestemming',
        cause: 'x',
        causes: [],
      }),
    ).toContain('(oorzaak: x)');
  });
});

describe('the path, readable', () => {
  it('shows names instead of person ids and Dutch dates', () => {
    expect(
      readableText(
        `Nee: ${anna} is akkoord (bron 04, 2023-06-01); van ${bert.toUpperCase()} is geen toestemming geregistreerd.`,
        persons,
      ),
    ).toBe(
      'Nee: Anna Test is akkoord (bron 04, 01-06-2023); van Bert Test is geen toestemming geregistreerd.',
    );
    expect(readableText('Ja: 00000000-0000-4000-8000-000000000000.', persons)).toBe(
      'Ja: een onbekende persoon.',
    );
    expect(readableText('Ja: 13 jaar op 2026-11-23.', [])).toBe('Ja: 13 jaar op 23-11-2026.');
    expect(
      readablePath(
        [{ question: `Telt de registratie van ${carl} (bron 03, 2020-01-02) mee?`, answer: 'Nee.' }],
        persons,
      ),
    ).toEqual([{ question: 'Telt de registratie van Carl Test (bron 03, 02-01-2020) mee?', answer: 'Nee.' }]);
  });
});

describe('the registration form', () => {
  const overview = {
    persons,
    whoMayConsent: [
      { personId: anna, name: 'Anna Test', sources: ['03', '04'] as ('03' | '04')[] },
      { personId: bert, name: 'Bert Test', sources: ['03', '04'] as ('03' | '04')[] },
    ],
  };

  it('starts empty: nothing is pre-selected, never a yes (R-C1)', () => {
    expect(emptyConsentForm).toEqual({
      personId: '',
      agreed: null,
      source: '',
      date: '',
      method: '',
      note: '',
    });
    expect(emptyCompetenceForm).toEqual({ date: '', competent: null, explanation: '' });
  });

  it('offers the sources the server allows now, else those of the role, else all', () => {
    expect(sourcesFor(anna, overview)).toEqual(['03', '04']);
    expect(sourcesFor('self', overview)).toEqual(['01']); // under 12: refused by the server, with its reason
    expect(sourcesFor(carl, overview)).toEqual(['03', '04']); // no custody: refused by the server
    expect(sourcesFor(vera, overview)).toEqual(['05']);
    expect(sourcesFor('', overview)).toEqual(['01', '03', '04', '05']);
    expect(sourcesFor('someone-else', overview)).toEqual(['01', '03', '04', '05']);
    expect(mayConsentNow(anna, overview)).toBe(true);
    expect(mayConsentNow('self', overview)).toBe(false);
  });

  it('asks for what is not chosen, in Dutch, before anything is sent', () => {
    const missing = missingConsentFields(emptyConsentForm);
    expect(missing.map((e) => e.field)).toEqual([
      'body.sourcePersonId',
      'body.agreed',
      'body.source',
      'body.date',
    ]);
    expect(missing.every((e) => e.rule === 'required')).toBe(true);
    const complete = {
      ...emptyConsentForm,
      personId: anna,
      agreed: 'no' as const,
      source: '03',
      date: '2026-11-23',
    };
    expect(missingConsentFields(complete)).toEqual([]);
    expect(missingCompetenceFields({ date: '2026-01-01', competent: 'no', explanation: '  ' })).toEqual([
      expect.objectContaining({ field: 'body.explanation' }),
    ]);
  });

  it('sends what was chosen, and the optional fields only when filled in', () => {
    const values = {
      ...emptyConsentForm,
      personId: anna,
      agreed: 'no' as const,
      source: '03',
      date: '2026-11-23',
    };
    expect(toConsentRequest(values)).toEqual({
      agreed: false,
      sourcePersonId: anna,
      source: '03',
      date: '2026-11-23',
    });
    expect(toConsentRequest({ ...values, agreed: 'yes', method: 'phone', note: '  gebeld  ' })).toEqual({
      agreed: true,
      sourcePersonId: anna,
      source: '03',
      date: '2026-11-23',
      method: 'phone',
      note: 'gebeld',
    });
  });

  it('puts each refusal of the server next to its field', () => {
    const mapped = mapConsentErrors([
      { field: 'body.source', rule: 'source-01-from-12', message: 'Pas vanaf 12 jaar.' },
      { field: 'body.date', rule: 'no-future-date', message: 'Niet in de toekomst.' },
      { field: 'body.date', rule: 'not-before-birth', message: 'Niet vóór de geboorte.' },
      { field: 'body.sourcePersonId', rule: 'known-related-person', message: 'Onbekende persoon.' },
      { field: 'body.agreed', rule: 'invalid_type', message: 'Verplicht.' },
      { field: 'body', rule: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', message: 'Geen JSON.' },
      { field: 'params.id', rule: 'invalid_format', message: 'Geen uuid.' },
    ]);
    expect(mapped.byField).toEqual({
      source: ['Pas vanaf 12 jaar.'],
      date: ['Niet in de toekomst.', 'Niet vóór de geboorte.'],
      personId: ['Onbekende persoon.'],
      agreed: ['Verplicht.'],
    });
    expect(mapped.other).toEqual(['Geen JSON.', 'Geen uuid.']);
    expect(
      mapCompetenceErrors([
        { field: 'body.date', rule: 'competence-from-12', message: 'Pas vanaf 12 jaar.' },
        { field: 'body.explanation', rule: 'too_small', message: 'Te kort.' },
        { field: 'body.toString', rule: 'x', message: 'Geen veld.' },
      ]),
    ).toEqual({
      byField: { date: ['Pas vanaf 12 jaar.'], explanation: ['Te kort.'] },
      other: ['Geen veld.'],
    });
  });
});

describe('dates in the Netherlands', () => {
  it('counts today in Dutch time, as the services do', () => {
    expect(todayIso(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01'); // 00:30 summer time
    expect(todayIso(new Date('2026-12-31T22:59:00Z'))).toBe('2026-12-31'); // 23:59 winter time
    expect(todayIso(new Date('2026-12-31T23:00:00Z'))).toBe('2027-01-01');
  });

  it('shows an instant as Dutch local date and time', () => {
    expect(formatDateTime('2025-03-01T09:30:00Z')).toBe('01-03-2025 10:30');
    expect(formatDateTime('2025-07-01T00:05:00.000Z')).toBe('01-07-2025 02:05');
    expect(formatDateTime('')).toBe('');
    expect(formatDateTime('gisteren')).toBe('gisteren');
  });
});
