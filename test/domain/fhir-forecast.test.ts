/**
 * The FHIR mapping of $immds-forecast (src/registry/fhir-forecast.ts), without I/O; the resources are
 * checked by independent FHIR R4 validators (fhir-validators.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  CVX_TO_W0422,
  FHIR_SYSTEMS,
  immdsForecast,
  parseForecastRequest,
  w0422Of,
  type ImmunizationEvaluation,
  type ImmunizationRecommendation,
  type OperationOutcome,
  type Parameters,
} from '../../src/registry/fhir-forecast.js';
import { RVP_VACCINE_CODES } from '../../src/domain/schedule/index.js';
import { FHIR_VALIDATORS, fhirJs, fhirJsonSchema, MISSING_VALIDATOR } from './fhir-validators.js';

const BORN = '2025-01-15';
const ASSESSED = '2025-11-20';

function immunization(
  id: string,
  date: string,
  coding: { system: string; code: string },
  status = 'completed',
) {
  return {
    resourceType: 'Immunization',
    id,
    status,
    vaccineCode: { coding: [coding] },
    patient: { reference: 'Patient/kind' },
    occurrenceDateTime: date,
  };
}
const w0422 = (code: string) => ({ system: FHIR_SYSTEMS.w0422, code });
const cvx = (code: string) => ({ system: FHIR_SYSTEMS.cvx, code });

/** DKTP-Hib-HepB once too early (3 weeks), then at 2, 3 and 5 months; one Pneu at 2 months (CVX). */
function request(extra: Parameters['parameter'] = [], assessmentDate = ASSESSED): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'assessmentDate', valueDate: assessmentDate },
      {
        name: 'patient',
        resource: {
          resourceType: 'Patient',
          id: 'kind',
          identifier: [{ system: FHIR_SYSTEMS.bsn, value: '123456782' }],
          gender: 'female',
          birthDate: BORN,
        },
      },
      { name: 'immunization', resource: immunization('imm-1', '2025-02-05', w0422('11')) },
      { name: 'immunization', resource: immunization('imm-2', '2025-03-17', w0422('11')) },
      { name: 'immunization', resource: immunization('imm-3', '2025-04-15T10:30:00+02:00', cvx('146')) },
      { name: 'immunization', resource: immunization('imm-4', '2025-06-16', w0422('11')) },
      { name: 'immunization', resource: immunization('imm-5', '2025-03-17', cvx('133')) },
      ...extra,
    ],
  };
}

function ok(body: unknown): Parameters {
  const result = immdsForecast(body);
  if (result.status !== 200) throw new Error(JSON.stringify(result.resource));
  return result.resource;
}
const evaluations = (p: Parameters) =>
  p.parameter.filter((x) => x.name === 'evaluation').map((x) => x.resource as ImmunizationEvaluation);
const recommendation = (p: Parameters) =>
  p.parameter.find((x) => x.name === 'recommendation')?.resource as ImmunizationRecommendation;
const entry = (p: Parameters, group: string) =>
  recommendation(p).recommendation.find((r) => r.description === `Vaccine group ${group}`);
function failure(body: unknown): { status: number; outcome: OperationOutcome } {
  const result = immdsForecast(body);
  if (result.status === 200) throw new Error('expected an OperationOutcome');
  return { status: result.status, outcome: result.resource };
}

describe('$immds-forecast: evaluation', () => {
  const out = ok(request());

  it('one ImmunizationEvaluation per dose and antigen', () => {
    // 4 × DKTP-Hib-HepB (6 antigens) + 1 × Pneu
    expect(evaluations(out)).toHaveLength(25);
    expect(out.parameter.at(-1)?.name).toBe('recommendation');
  });

  it('the too-early dose is not valid for every antigen, with the reason coded and in words', () => {
    const first = evaluations(out).filter((e) => e.immunizationEvent.reference === 'Immunization/imm-1');
    expect(first.map((e) => e.targetDisease.text).sort()).toEqual(
      ['Diphtheria', 'HepB', 'Hib', 'Pertussis', 'Polio', 'Tetanus'].sort(),
    );
    for (const e of first) {
      expect(e).toMatchObject({
        resourceType: 'ImmunizationEvaluation',
        status: 'completed',
        patient: { reference: 'Patient/kind', identifier: { system: FHIR_SYSTEMS.bsn, value: '123456782' } },
        date: ASSESSED,
        authority: { display: expect.stringContaining('RIVM') },
        doseStatus: { coding: [{ system: FHIR_SYSTEMS.doseStatus, code: 'notvalid' }] },
        doseStatusReason: [
          {
            coding: [{ system: FHIR_SYSTEMS.doseStatusReason, code: 'outsidesched' }],
            text: 'Age: Too Young',
          },
        ],
      });
    }
    const pertussis = first.find((e) => e.targetDisease.text === 'Pertussis');
    expect(pertussis?.targetDisease.coding).toEqual([
      { system: FHIR_SYSTEMS.snomed, code: '27836007', display: 'Pertussis' },
    ]);
  });

  it('the doses at 2, 3 and 5 months count as doses 1, 2 and 3 (a CVX code counts like its W0422 code)', () => {
    for (const [id, dose] of [
      ['imm-2', 1],
      ['imm-3', 2],
      ['imm-4', 3],
    ] as const) {
      const list = evaluations(out).filter((e) => e.immunizationEvent.reference === `Immunization/${id}`);
      expect(list).toHaveLength(6);
      for (const e of list) {
        expect(e.doseStatus.coding?.[0]?.code).toBe('valid');
        expect(e.doseNumberPositiveInt).toBe(dose);
        expect(e.doseStatusReason).toBeUndefined();
        expect(e.series).toMatch(/3\+1 infant series/);
      }
    }
  });
});

describe('$immds-forecast: recommendation', () => {
  const out = ok(request());

  it('one recommendation for the patient with an entry per vaccine group', () => {
    const rec = recommendation(out);
    expect(rec).toMatchObject({
      resourceType: 'ImmunizationRecommendation',
      patient: { reference: 'Patient/kind' },
      date: ASSESSED,
    });
    expect(rec.recommendation.map((r) => r.description)).toEqual(
      ['Rotavirus', 'DKT', 'Polio', 'Hib', 'HepB', 'Pneumococcal', 'BMR', 'MenACWY', 'HPV'].map(
        (g) => `Vaccine group ${g}`,
      ),
    );
  });

  it('DKT: the booster at 12 months, with the LOINC date criteria', () => {
    expect(entry(out, 'DKT')).toMatchObject({
      vaccineCode: [{ coding: [{ system: FHIR_SYSTEMS.w0422, code: '11', display: 'DKTP-Hib-HepB' }] }],
      targetDisease: { text: 'DKT: Diphtheria, Pertussis, Tetanus' },
      forecastStatus: {
        coding: [
          { system: FHIR_SYSTEMS.immdsForecastStatus, code: 'notComplete' },
          { system: FHIR_SYSTEMS.recommendationStatus, code: 'due' },
        ],
        text: 'Not complete',
      },
      dateCriterion: [
        { code: { coding: [{ system: FHIR_SYSTEMS.loinc, code: '30981-5' }] }, value: '2025-12-16' },
        { code: { coding: [{ system: FHIR_SYSTEMS.loinc, code: '30980-7' }] }, value: '2026-01-15' },
        { code: { coding: [{ system: FHIR_SYSTEMS.loinc, code: '59778-1' }] }, value: '2026-02-14' },
      ],
      doseNumberPositiveInt: 4,
    });
    expect(entry(out, 'DKT')?.supportingImmunization).toEqual([
      { reference: 'Immunization/imm-2' },
      { reference: 'Immunization/imm-3' },
      { reference: 'Immunization/imm-4' },
    ]);
  });

  it('Pneumococcal: dose 2 overdue; Hib has a latest date; rotavirus aged out', () => {
    expect(entry(out, 'Pneumococcal')?.forecastStatus.coding?.[1]).toMatchObject({ code: 'overdue' });
    expect(entry(out, 'Pneumococcal')?.targetDisease?.coding?.[0]?.code).toBe('16814004');
    expect(entry(out, 'Hib')?.dateCriterion?.at(-1)).toMatchObject({
      code: { coding: [{ code: '59777-3' }] },
      value: '2027-01-14',
    });
    const rota = entry(out, 'Rotavirus');
    expect(rota?.forecastStatus).toEqual({
      coding: [{ system: FHIR_SYSTEMS.immdsForecastStatus, code: 'agedOut', display: 'Aged Out' }],
      text: 'Aged Out',
    });
    expect(rota?.dateCriterion).toBeUndefined();
  });
});

describe('$immds-forecast: input', () => {
  it('maps W0422 and CVX codings; anything else is not evaluated', () => {
    expect(w0422Of([w0422('11')])).toBe('11');
    expect(w0422Of([w0422('8')])).toBe('08');
    expect(w0422Of([cvx('3')])).toBe('04');
    expect(w0422Of([{ system: 'http://snomed.info/sct', code: '11' }, cvx('146')])).toBe('11');
    expect(w0422Of([w0422('99'), cvx('999')])).toBeNull();
    expect(w0422Of(undefined)).toBeNull();
    for (const code of Object.values(CVX_TO_W0422)) expect(RVP_VACCINE_CODES[code]).toBeDefined();
  });

  it('not-done, entered-in-error and unknown vaccines make no evaluation', () => {
    const out = ok(
      request([
        { name: 'immunization', resource: immunization('x-1', '2025-05-01', w0422('11'), 'not-done') },
        {
          name: 'immunization',
          resource: immunization('x-2', '2025-05-01', w0422('11'), 'entered-in-error'),
        },
        { name: 'immunization', resource: immunization('x-3', '2025-05-01', w0422('30')) },
        { name: 'immunization', resource: immunization('x-4', '2025-05-01', cvx('88')) },
      ]),
    );
    expect(evaluations(out)).toHaveLength(25);
    expect(evaluations(out).some((e) => e.immunizationEvent.reference?.startsWith('Immunization/x-'))).toBe(
      false,
    );
  });

  it('references an immunization without id by its identifier, or describes it', () => {
    const body = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'assessmentDate', valueDate: ASSESSED },
        { name: 'patient', resource: { resourceType: 'Patient', birthDate: BORN } },
        {
          name: 'immunization',
          resource: {
            ...immunization('', '2025-03-17', w0422('08')),
            id: undefined,
            identifier: [{ value: 'A1' }],
          },
        },
        { name: 'immunization', resource: { ...immunization('', '2025-05-17', w0422('08')), id: undefined } },
      ],
    };
    expect(parseForecastRequest(body).ok).toBe(true);
    const out = ok(body);
    expect(evaluations(out).map((e) => e.immunizationEvent)).toEqual([
      { identifier: { value: 'A1' } },
      { display: 'Immunization of 2025-05-17 (Parameters.parameter[3])' },
    ]);
    expect(evaluations(out)[0]?.patient).toEqual({ display: 'Patient of parameter "patient"' });
  });

  it.each([
    ['not Parameters', { resourceType: 'Bundle' }, 'Parameters.resourceType'],
    ['no parameters', { resourceType: 'Parameters', parameter: [] }, 'Parameters.parameter'],
    [
      'no patient',
      { resourceType: 'Parameters', parameter: [{ name: 'assessmentDate', valueDate: ASSESSED }] },
      'Parameters.parameter',
    ],
    [
      'a partial assessment date',
      {
        resourceType: 'Parameters',
        parameter: [
          { name: 'assessmentDate', valueDate: '2025-11' },
          { name: 'patient', resource: { resourceType: 'Patient', birthDate: BORN } },
        ],
      },
      'Parameters.parameter[0].valueDate',
    ],
    [
      'an impossible birth date',
      {
        resourceType: 'Parameters',
        parameter: [
          { name: 'assessmentDate', valueDate: ASSESSED },
          { name: 'patient', resource: { resourceType: 'Patient', birthDate: '2025-02-30' } },
        ],
      },
      'Parameters.parameter[1].resource.birthDate',
    ],
    [
      'a BSN that fails the 11-check',
      {
        resourceType: 'Parameters',
        parameter: [
          { name: 'assessmentDate', valueDate: ASSESSED },
          {
            name: 'patient',
            resource: {
              resourceType: 'Patient',
              birthDate: BORN,
              identifier: [{ system: FHIR_SYSTEMS.bsn, value: '123456789' }],
            },
          },
        ],
      },
      'Parameters.parameter[1].resource.identifier[0].value',
    ],
    [
      'an unknown parameter',
      {
        resourceType: 'Parameters',
        parameter: [
          { name: 'assessmentDate', valueDate: ASSESSED },
          { name: 'patient', resource: { resourceType: 'Patient', birthDate: BORN } },
          { name: 'observation', valueString: 'x' },
        ],
      },
      'Parameters.parameter[2].name',
    ],
    [
      'an immunization without a date',
      request([
        {
          name: 'immunization',
          resource: { ...immunization('y', '', w0422('11')), occurrenceDateTime: undefined },
        },
      ]),
      'Parameters.parameter[7].resource.occurrenceDateTime',
    ],
    [
      'an immunization with only a year',
      request([{ name: 'immunization', resource: immunization('y', '2025', w0422('11')) }]),
      'Parameters.parameter[7].resource.occurrenceDateTime',
    ],
    [
      'two patients',
      request([{ name: 'patient', resource: { resourceType: 'Patient', birthDate: BORN } }]),
      'Parameters.parameter',
    ],
  ])('400 OperationOutcome for %s', (_label, body, expression) => {
    const { status, outcome } = failure(body);
    expect(status).toBe(400);
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue.length).toBeGreaterThan(0);
    expect(outcome.issue.flatMap((i) => i.expression ?? [])).toContain(expression);
    for (const issue of outcome.issue) expect(issue.severity).toBe('error');
  });

  it.each([
    [
      'an immunization after the assessment date',
      request([], '2025-05-01'),
      'Parameters.parameter[5].resource.occurrenceDateTime',
    ],
    [
      'an immunization before birth',
      request([{ name: 'immunization', resource: immunization('y', '2024-12-01', w0422('11')) }]),
      'Parameters.parameter[7].resource.occurrenceDateTime',
    ],
    ['an assessment date before birth', request([], '2024-12-01'), 'Parameters.parameter[0].valueDate'],
  ])('422 business-rule for %s', (_label, body, expression) => {
    const { status, outcome } = failure(body);
    expect(status).toBe(422);
    expect(outcome.issue[0]).toMatchObject({ severity: 'error', code: 'business-rule' });
    expect(outcome.issue.flatMap((i) => i.expression ?? [])).toContain(expression);
  });
});

describe.skipIf(FHIR_VALIDATORS.length === 0)(
  FHIR_VALIDATORS.length === 0
    ? `independent FHIR R4 validation — skipped: ${MISSING_VALIDATOR}`
    : 'independent FHIR R4 validation',
  () => {
    const out = ok(request());
    const resources: [string, unknown][] = [
      ['input Parameters', request()],
      ['output Parameters', out],
      ['an ImmunizationEvaluation (not valid)', evaluations(out)[0]],
      ['an ImmunizationEvaluation (valid)', evaluations(out)[6]],
      ['the ImmunizationRecommendation', recommendation(out)],
      ['a 400 OperationOutcome', failure({ resourceType: 'Parameters', parameter: [] }).outcome],
      ['a 422 OperationOutcome', failure(request([], '2025-05-01')).outcome],
    ];
    for (const validator of FHIR_VALIDATORS) {
      it.each(resources)(`${validator.name}: %s is valid`, (_label, resource) => {
        expect(validator.validate(resource)).toEqual([]);
      });
      it(`${validator.name} is live: it rejects a broken ImmunizationEvaluation`, () => {
        const broken = {
          ...evaluations(out)[0],
          status: 'done',
          doseNumberPositiveInt: 'one',
          colour: 'red',
        };
        expect(validator.validate(broken).length).toBeGreaterThan(0);
      });
    }
  },
);

describe('FHIR R4 validators', () => {
  for (const [name, validator] of [
    ['fhir (FHIR.js)', fhirJs],
    ['@asymmetrik/fhir-json-schema-validator', fhirJsonSchema],
  ] as const) {
    it.skipIf(validator === null)(
      validator === null ? `${name} — skipped: ${MISSING_VALIDATOR}` : `${name} is installed`,
      () => expect(validator).not.toBeNull(),
    );
  }
});
