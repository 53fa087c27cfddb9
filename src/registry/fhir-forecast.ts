/**
 * FHIR R4 operation `$immds-forecast` of HL7's Immunization Decision Support Forecast IG (ImmDS,
 * http://hl7.org/fhir/us/immds/OperationDefinition/ImmDSForecastOperation): a `Parameters` resource
 * with `assessmentDate`, `patient` and `immunization` in; a `Parameters` resource with `evaluation`
 * (ImmunizationEvaluation, one per dose and antigen) and `recommendation` (one ImmunizationRecommendation
 * with one entry per vaccine group) out. Errors are an `OperationOutcome`.
 *
 * Pure: no I/O, no clock. The schedule engine does the judging (src/domain/schedule); this module maps
 * FHIR to the engine's input and its result back to FHIR. See docs/fhir.md.
 */
import { z } from 'zod';
import { isoDateProblem, type IsoDate } from '../domain/dates/index.js';
import { isValidBsn } from '../domain/identifiers/index.js';
import {
  evaluateAndForecast,
  RVP_VACCINE_CODES,
  rvpSchedule,
  type DoseInput,
  type DoseReason,
  type ScheduleData,
  type SeriesStatus,
  type VaccineGroupResult,
} from '../domain/schedule/index.js';

export const FHIR_SYSTEMS = {
  /** RIVM vaccine type list W0422 (SPEC §12). */
  w0422: 'urn:oid:2.16.840.1.113883.2.4.4.40.76',
  cvx: 'http://hl7.org/fhir/sid/cvx',
  bsn: 'http://fhir.nl/fhir/NamingSystem/bsn',
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  doseStatus: 'http://terminology.hl7.org/CodeSystem/immunization-evaluation-dose-status',
  doseStatusReason: 'http://terminology.hl7.org/CodeSystem/immunization-evaluation-dose-status-reason',
  recommendationStatus: 'http://terminology.hl7.org/CodeSystem/immunization-recommendation-status',
  immdsForecastStatus: 'http://hl7.org/fhir/us/immds/CodeSystem/ForecastStatus',
} as const;

export const IMMDS_FORECAST_OPERATION =
  'http://hl7.org/fhir/us/immds/OperationDefinition/ImmDSForecastOperation';

/** Who judges: shown as `authority` on every evaluation and recommendation. */
export const AUTHORITY = { display: 'RIVM Rijksvaccinatieprogramma (open-rvp registry)' } as const;

/**
 * CVX codes (CDC) accepted for W0422 vaccine types: only products that protect against exactly the
 * antigens of the W0422 type (CDSi supporting data 4.64, cvxMap).
 */
export const CVX_TO_W0422: Readonly<Record<string, string>> = {
  // DKTP-Hib-HepB (hexavalent)
  '146': '11',
  '132': '11',
  // pneumococcal conjugate
  '100': '08',
  '133': '08',
  '152': '08',
  '177': '08',
  '215': '08',
  '216': '08',
  '327': '08',
  // MMR (and MMRV: the varicella part is outside the RVP)
  '03': '04',
  '94': '04',
  // MenACWY conjugate
  '114': '28',
  '136': '28',
  '147': '28',
  '203': '28',
  // HPV
  '62': '09',
  '118': '09',
  '137': '09',
  '165': '09',
  // DT-IPV
  '195': '02',
  // DTaP, DTP, Tdap: diphtheria, pertussis, tetanus
  '01': '13',
  '20': '13',
  '106': '13',
  '107': '13',
  '115': '13',
  // DTaP-IPV
  '130': '27',
  // rotavirus
  '74': '29',
  '116': '29',
  '119': '29',
  '122': '29',
};

/** SNOMED CT disorders per antigen of the RVP schedule (the ImmunizationEvaluation's target disease). */
export const TARGET_DISEASES: Readonly<Record<string, { code: string; display: string }>> = {
  Diphtheria: { code: '397428000', display: 'Diphtheria' },
  Pertussis: { code: '27836007', display: 'Pertussis' },
  Tetanus: { code: '76902006', display: 'Tetanus' },
  Polio: { code: '721764008', display: 'Infection caused by Human poliovirus' },
  Hib: { code: '709410003', display: 'Haemophilus influenzae type b infection' },
  HepB: { code: '66071002', display: 'Viral hepatitis type B' },
  Pneumococcal: { code: '16814004', display: 'Pneumococcal infectious disease' },
  Measles: { code: '14189004', display: 'Measles' },
  Mumps: { code: '36989005', display: 'Mumps' },
  Rubella: { code: '36653000', display: 'Rubella' },
  MenACWY: { code: '23511006', display: 'Meningococcal infectious disease' },
  HPV: { code: '240532009', display: 'Human papillomavirus infection' },
  Rotavirus: { code: '18624000', display: 'Disease due to Rotavirus' },
};

// ---------------------------------------------------------------------------------------------
// FHIR shapes (only what this operation reads or writes)

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}
export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}
export interface Identifier {
  system?: string;
  value?: string;
}
export interface Reference {
  reference?: string;
  identifier?: Identifier;
  display?: string;
}

export interface ImmunizationEvaluation {
  resourceType: 'ImmunizationEvaluation';
  id: string;
  status: 'completed';
  patient: Reference;
  date: string;
  authority: Reference;
  targetDisease: CodeableConcept;
  immunizationEvent: Reference;
  doseStatus: CodeableConcept;
  doseStatusReason?: CodeableConcept[];
  series?: string;
  doseNumberPositiveInt?: number;
}

export interface ImmunizationRecommendation {
  resourceType: 'ImmunizationRecommendation';
  id: string;
  patient: Reference;
  date: string;
  authority: Reference;
  recommendation: {
    vaccineCode?: CodeableConcept[];
    targetDisease?: CodeableConcept;
    forecastStatus: CodeableConcept;
    dateCriterion?: { code: CodeableConcept; value: string }[];
    description?: string;
    series?: string;
    doseNumberPositiveInt?: number;
    supportingImmunization?: Reference[];
  }[];
}

export interface Parameters {
  resourceType: 'Parameters';
  parameter: { name: string; valueDate?: string; resource?: unknown }[];
}

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

export interface OperationOutcomeIssue {
  severity: IssueSeverity;
  /** R4 IssueType: invalid, structure, required, value, business-rule, login, forbidden, not-found, … */
  code: string;
  details?: { text: string };
  diagnostics?: string;
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

export function operationOutcome(issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

// ---------------------------------------------------------------------------------------------
// Input

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
/** A full date: partial FHIR dates (YYYY, YYYY-MM) cannot be evaluated. */
const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A full FHIR R4 dateTime: a date, or a date with time to the second and a time zone. */
const FULL_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}))?$/;

const fullDate = z
  .string()
  .regex(FULL_DATE, 'must be a full date (YYYY-MM-DD)')
  .check((ctx) => {
    const problem = isoDateProblem(ctx.value);
    if (problem !== null) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });

const fullDateTime = z
  .string()
  .regex(FULL_DATE_TIME, 'must be a dateTime with at least a full date (YYYY-MM-DD[Thh:mm:ss+zz:zz])')
  .check((ctx) => {
    const problem = isoDateProblem(ctx.value.slice(0, 10));
    if (problem !== null) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });

const codingSchema = z.looseObject({
  system: z.string().max(500).optional(),
  code: z.string().max(100).optional(),
  display: z.string().max(500).optional(),
});
const identifierSchema = z.looseObject({
  system: z.string().max(500).optional(),
  value: z.string().max(200).optional(),
});

export const fhirPatientSchema = z.looseObject({
  resourceType: z.literal('Patient'),
  id: z.string().regex(FHIR_ID, 'must be a FHIR id').optional(),
  identifier: z.array(identifierSchema).max(20).optional(),
  gender: z.enum(['male', 'female', 'other', 'unknown']).optional(),
  birthDate: fullDate,
});

export const fhirImmunizationSchema = z.looseObject({
  resourceType: z.literal('Immunization'),
  id: z.string().regex(FHIR_ID, 'must be a FHIR id').optional(),
  identifier: z.array(identifierSchema).max(20).optional(),
  status: z.enum(['completed', 'entered-in-error', 'not-done']),
  vaccineCode: z.looseObject({
    coding: z.array(codingSchema).max(20).optional(),
    text: z.string().max(500).optional(),
  }),
  occurrenceDateTime: fullDateTime,
});

export const immdsParametersSchema = z.looseObject({
  resourceType: z.literal('Parameters'),
  parameter: z
    .array(
      z.looseObject({
        name: z.string().min(1).max(100),
        valueDate: z.string().optional(),
        resource: z.unknown().optional(),
      }),
    )
    .min(1)
    .max(1001),
});

export interface ForecastImmunization {
  /** Position in `Parameters.parameter`. */
  parameterIndex: number;
  id?: string;
  identifier?: Identifier;
  status: 'completed' | 'entered-in-error' | 'not-done';
  date: IsoDate;
  /** The W0422 code the engine uses; null when no coding maps to the schedule. */
  vaccineCode: string | null;
}

export interface ForecastRequest {
  assessmentDate: IsoDate;
  patient: { id?: string; bsn?: string; birthDate: IsoDate; gender?: 'male' | 'female' };
  immunizations: ForecastImmunization[];
}

export type ParseResult =
  { ok: true; request: ForecastRequest } | { ok: false; status: 400 | 422; outcome: OperationOutcome };

const MAX_IMMUNIZATIONS = 1000;

function fhirPath(base: string, path: readonly PropertyKey[]): string {
  let out = base;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return out;
}

function zodIssues(error: z.ZodError, base: string): OperationOutcomeIssue[] {
  return error.issues.map((i) => ({
    severity: 'error',
    code: i.code === 'invalid_type' && /received undefined/.test(i.message) ? 'required' : 'value',
    diagnostics: i.message,
    expression: [fhirPath(base, i.path)],
  }));
}

/** The W0422 code of an Immunization's vaccineCode: a W0422 coding, else a CVX coding that maps to one. */
export function w0422Of(codings: readonly Coding[] | undefined): string | null {
  for (const c of codings ?? []) {
    const code = c.code?.trim();
    if (!code) continue;
    const padded = /^\d$/.test(code) ? `0${code}` : code;
    if (c.system === FHIR_SYSTEMS.w0422 && RVP_VACCINE_CODES[padded]) return padded;
  }
  for (const c of codings ?? []) {
    const code = c.code?.trim();
    if (!code || c.system !== FHIR_SYSTEMS.cvx) continue;
    const mapped = CVX_TO_W0422[/^\d$/.test(code) ? `0${code}` : code];
    if (mapped) return mapped;
  }
  return null;
}

/**
 * Checks the operation's input: one `assessmentDate` (date), one `patient` (Patient with a full
 * birthDate), any number of `immunization` (Immunization with status and occurrenceDateTime); no other
 * parameters. Structure errors answer 400, impossible dates (a dose before birth or after the
 * assessment date) 422.
 */
export function parseForecastRequest(body: unknown): ParseResult {
  const top = immdsParametersSchema.safeParse(body);
  if (!top.success) {
    return { ok: false, status: 400, outcome: operationOutcome(zodIssues(top.error, 'Parameters')) };
  }
  const issues: OperationOutcomeIssue[] = [];
  const dates: { index: number; value: string }[] = [];
  const patients: { index: number; value: z.infer<typeof fhirPatientSchema> }[] = [];
  const immunizations: { index: number; value: z.infer<typeof fhirImmunizationSchema> }[] = [];
  top.data.parameter.forEach((p, index) => {
    const where = `Parameters.parameter[${index}]`;
    switch (p.name) {
      case 'assessmentDate': {
        const date = fullDate.safeParse(p.valueDate);
        if (date.success) dates.push({ index, value: date.data });
        else issues.push(...zodIssues(date.error, `${where}.valueDate`));
        break;
      }
      case 'patient': {
        const patient = fhirPatientSchema.safeParse(p.resource);
        if (patient.success) patients.push({ index, value: patient.data });
        else issues.push(...zodIssues(patient.error, `${where}.resource`));
        break;
      }
      case 'immunization': {
        const immunization = fhirImmunizationSchema.safeParse(p.resource);
        if (immunization.success) immunizations.push({ index, value: immunization.data });
        else issues.push(...zodIssues(immunization.error, `${where}.resource`));
        break;
      }
      default:
        issues.push({
          severity: 'error',
          code: 'not-supported',
          diagnostics: `Unknown parameter "${p.name}" (expected assessmentDate, patient, immunization)`,
          expression: [`${where}.name`],
        });
    }
  });
  for (const [name, found] of [
    ['assessmentDate', dates.length],
    ['patient', patients.length],
  ] as const) {
    if (found > 1) {
      issues.push({
        severity: 'error',
        code: 'structure',
        diagnostics: `Parameter "${name}" may occur only once`,
        expression: ['Parameters.parameter'],
      });
    }
  }
  if (!top.data.parameter.some((p) => p.name === 'assessmentDate')) {
    issues.push({
      severity: 'error',
      code: 'required',
      diagnostics: 'Parameter "assessmentDate" is required',
      expression: ['Parameters.parameter'],
    });
  }
  if (!top.data.parameter.some((p) => p.name === 'patient')) {
    issues.push({
      severity: 'error',
      code: 'required',
      diagnostics: 'Parameter "patient" is required',
      expression: ['Parameters.parameter'],
    });
  }
  if (immunizations.length > MAX_IMMUNIZATIONS) {
    issues.push({
      severity: 'error',
      code: 'too-costly',
      diagnostics: `At most ${MAX_IMMUNIZATIONS} immunizations`,
      expression: ['Parameters.parameter'],
    });
  }
  const patientParam = patients[0];
  let bsn: string | undefined;
  if (patientParam) {
    (patientParam.value.identifier ?? []).forEach((identifier, k) => {
      if (identifier.system !== FHIR_SYSTEMS.bsn || identifier.value === undefined) return;
      if (!isValidBsn(identifier.value)) {
        issues.push({
          severity: 'error',
          code: 'value',
          diagnostics: 'BSN fails the 11-check',
          expression: [`Parameters.parameter[${patientParam.index}].resource.identifier[${k}].value`],
        });
      } else bsn ??= identifier.value;
    });
  }
  const dateParam = dates[0];
  if (issues.length > 0 || !patientParam || !dateParam) {
    return { ok: false, status: 400, outcome: operationOutcome(issues) };
  }

  const birthDate = patientParam.value.birthDate;
  const assessmentDate = dateParam.value;
  const rules: OperationOutcomeIssue[] = [];
  if (assessmentDate < birthDate) {
    rules.push({
      severity: 'error',
      code: 'business-rule',
      diagnostics: 'assessmentDate is before the patient’s birthDate',
      expression: [`Parameters.parameter[${dateParam.index}].valueDate`],
    });
  }
  const parsed: ForecastImmunization[] = immunizations.map(({ index, value }) => {
    const date = value.occurrenceDateTime.slice(0, 10);
    if (value.status === 'completed' && (date < birthDate || date > assessmentDate)) {
      rules.push({
        severity: 'error',
        code: 'business-rule',
        diagnostics:
          date < birthDate
            ? 'Immunization before the patient’s birthDate'
            : 'Immunization after the assessmentDate',
        expression: [`Parameters.parameter[${index}].resource.occurrenceDateTime`],
      });
    }
    const identifier = value.identifier?.find((i) => i.value !== undefined);
    return {
      parameterIndex: index,
      ...(value.id !== undefined ? { id: value.id } : {}),
      ...(identifier
        ? {
            identifier: {
              ...(identifier.system !== undefined ? { system: identifier.system } : {}),
              ...(identifier.value !== undefined ? { value: identifier.value } : {}),
            },
          }
        : {}),
      status: value.status,
      date,
      vaccineCode: w0422Of(value.vaccineCode.coding),
    };
  });
  if (rules.length > 0) return { ok: false, status: 422, outcome: operationOutcome(rules) };
  const gender = patientParam.value.gender;
  return {
    ok: true,
    request: {
      assessmentDate,
      patient: {
        ...(patientParam.value.id !== undefined ? { id: patientParam.value.id } : {}),
        ...(bsn !== undefined ? { bsn } : {}),
        birthDate,
        ...(gender === 'male' || gender === 'female' ? { gender } : {}),
      },
      immunizations: parsed,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Engine

/**
 * The engine's input: completed immunizations whose vaccine maps to the schedule. The maternal
 * pertussis vaccination cannot be passed in this operation: the schedule's rule for unknown applies
 * (the 3+1 infant series).
 */
export function toEngineInput(request: ForecastRequest): { doses: DoseInput[]; immunizationOf: number[] } {
  const doses: DoseInput[] = [];
  const immunizationOf: number[] = [];
  request.immunizations.forEach((imm, i) => {
    if (imm.status !== 'completed' || imm.vaccineCode === null) return;
    doses.push({ date: imm.date, vaccineCode: imm.vaccineCode });
    immunizationOf.push(i);
  });
  return { doses, immunizationOf };
}

// ---------------------------------------------------------------------------------------------
// Output

function patientReference(request: ForecastRequest): Reference {
  const { id, bsn } = request.patient;
  if (id === undefined && bsn === undefined) return { display: 'Patient of parameter "patient"' };
  return {
    ...(id !== undefined ? { reference: `Patient/${id}` } : {}),
    ...(bsn !== undefined ? { identifier: { system: FHIR_SYSTEMS.bsn, value: bsn } } : {}),
  };
}

function immunizationReference(imm: ForecastImmunization): Reference {
  if (imm.id !== undefined) return { reference: `Immunization/${imm.id}` };
  if (imm.identifier !== undefined) return { identifier: imm.identifier };
  return { display: `Immunization of ${imm.date} (Parameters.parameter[${imm.parameterIndex}])` };
}

function diseaseConcept(antigen: string): CodeableConcept {
  const disease = TARGET_DISEASES[antigen];
  return disease
    ? {
        coding: [{ system: FHIR_SYSTEMS.snomed, code: disease.code, display: disease.display }],
        text: antigen,
      }
    : { text: antigen };
}

const OUTSIDE_SCHEDULE: readonly DoseReason[] = [
  'Age: Too Young',
  'Age: Too Old',
  'Interval: Too Soon',
  'Live Virus Conflict',
];

const IMMDS_STATUS: Record<SeriesStatus, { code: string; display: string }> = {
  'Not complete': { code: 'notComplete', display: 'Not Complete' },
  Complete: { code: 'complete', display: 'Complete' },
  Immune: { code: 'immune', display: 'Immune' },
  'Not Recommended': { code: 'notRecommended', display: 'Not Recommended' },
  'Aged Out': { code: 'agedOut', display: 'Aged Out' },
  Contraindicated: { code: 'contraindicated', display: 'Contraindicated' },
};

/** The R4 core code (due, overdue, immune, contraindicated, complete) where one fits. */
function coreStatus(
  group: VaccineGroupResult,
  assessmentDate: IsoDate,
): { code: string; display: string } | null {
  switch (group.seriesStatus) {
    case 'Not complete':
      return group.forecast.pastDue !== null && assessmentDate >= group.forecast.pastDue
        ? { code: 'overdue', display: 'Overdue' }
        : { code: 'due', display: 'Due' };
    case 'Complete':
      return { code: 'complete', display: 'Complete' };
    case 'Immune':
      return { code: 'immune', display: 'Immune' };
    case 'Contraindicated':
      return { code: 'contraindicated', display: 'Contraindicated' };
    default:
      return null;
  }
}

const DATE_CRITERIA = [
  ['earliest', '30981-5', 'Earliest date to give'],
  ['recommended', '30980-7', 'Date vaccine due'],
  ['pastDue', '59778-1', 'Date when overdue for immunization'],
  ['latest', '59777-3', 'Latest date to give immunization'],
] as const;

/** Builds the operation's output from the request and the engine's result (run with `detail`). */
export function buildForecastParameters(
  request: ForecastRequest,
  results: readonly VaccineGroupResult[],
  immunizationOf: readonly number[],
): Parameters {
  const patient = patientReference(request);
  const date = request.assessmentDate;
  const immunizationFor = (engineIndex: number): ForecastImmunization | undefined => {
    const i = immunizationOf[engineIndex];
    return i === undefined ? undefined : request.immunizations[i];
  };

  const evaluations: ImmunizationEvaluation[] = [];
  for (const group of results) {
    for (const dose of group.doses) {
      const imm = immunizationFor(dose.index);
      if (!imm) continue;
      for (const a of dose.antigens) {
        const valid = a.status === 'Valid';
        const reason = valid ? undefined : (a.reason ?? (a.status !== 'Not Valid' ? a.status : undefined));
        evaluations.push({
          resourceType: 'ImmunizationEvaluation',
          id: `evaluation-${evaluations.length + 1}`,
          status: 'completed',
          patient,
          date,
          authority: { ...AUTHORITY },
          targetDisease: diseaseConcept(a.antigen),
          immunizationEvent: immunizationReference(imm),
          doseStatus: {
            coding: [
              valid
                ? { system: FHIR_SYSTEMS.doseStatus, code: 'valid', display: 'Valid' }
                : { system: FHIR_SYSTEMS.doseStatus, code: 'notvalid', display: 'Not Valid' },
            ],
            text: a.status,
          },
          ...(reason !== undefined
            ? {
                doseStatusReason: [
                  {
                    ...(OUTSIDE_SCHEDULE.includes(reason as DoseReason)
                      ? {
                          coding: [
                            {
                              system: FHIR_SYSTEMS.doseStatusReason,
                              code: 'outsidesched',
                              display: 'Outside Schedule',
                            },
                          ],
                        }
                      : {}),
                    text: reason,
                  },
                ],
              }
            : {}),
          series: a.series,
          ...(a.targetDose !== undefined ? { doseNumberPositiveInt: a.targetDose } : {}),
        });
      }
    }
  }

  const recommendation: ImmunizationRecommendation = {
    resourceType: 'ImmunizationRecommendation',
    id: 'recommendation',
    patient,
    date,
    authority: { ...AUTHORITY },
    recommendation: results.map((group) => {
      const antigens = group.antigens.map((a) => a.antigen);
      const core = coreStatus(group, date);
      const immds = IMMDS_STATUS[group.seriesStatus];
      const criteria = DATE_CRITERIA.flatMap(([field, code, display]) => {
        const value = group.forecast[field];
        return value === null
          ? []
          : [{ code: { coding: [{ system: FHIR_SYSTEMS.loinc, code, display }] }, value }];
      });
      const series = [...new Set(group.antigens.flatMap((a) => a.series))];
      const supporting = group.doses
        .filter((d) => d.status === 'Valid')
        .map((d) => immunizationFor(d.index))
        .filter((imm): imm is ForecastImmunization => imm !== undefined)
        .map(immunizationReference);
      const onlyAntigen = antigens.length === 1 ? antigens[0] : undefined;
      return {
        ...(group.forecast.recommendedVaccines.length > 0
          ? {
              vaccineCode: group.forecast.recommendedVaccines.map((code) => ({
                coding: [
                  {
                    system: FHIR_SYSTEMS.w0422,
                    code,
                    ...(RVP_VACCINE_CODES[code] ? { display: RVP_VACCINE_CODES[code].name } : {}),
                  },
                ],
              })),
            }
          : {}),
        targetDisease:
          onlyAntigen !== undefined
            ? diseaseConcept(onlyAntigen)
            : { text: `${group.vaccineGroup}: ${antigens.join(', ')}` },
        forecastStatus: {
          coding: [
            { system: FHIR_SYSTEMS.immdsForecastStatus, code: immds.code, display: immds.display },
            ...(core ? [{ system: FHIR_SYSTEMS.recommendationStatus, ...core }] : []),
          ],
          text: group.seriesStatus,
        },
        ...(criteria.length > 0 ? { dateCriterion: criteria } : {}),
        description: `Vaccine group ${group.vaccineGroup}`,
        ...(series.length > 0 ? { series: series.join('; ') } : {}),
        ...(group.forecast.doseNumber !== undefined
          ? { doseNumberPositiveInt: group.forecast.doseNumber }
          : {}),
        ...(supporting.length > 0 ? { supportingImmunization: supporting } : {}),
      };
    }),
  };

  return {
    resourceType: 'Parameters',
    parameter: [
      ...evaluations.map((resource) => ({ name: 'evaluation', resource })),
      { name: 'recommendation', resource: recommendation },
    ],
  };
}

/** The whole operation, pure: input Parameters → output Parameters, or an OperationOutcome. */
export function immdsForecast(
  body: unknown,
  schedule: ScheduleData = rvpSchedule,
):
  | { status: 200; resource: Parameters; request: ForecastRequest }
  | { status: 400 | 422; resource: OperationOutcome } {
  const parsed = parseForecastRequest(body);
  if (!parsed.ok) return { status: parsed.status, resource: parsed.outcome };
  const { request } = parsed;
  const { doses, immunizationOf } = toEngineInput(request);
  const results = evaluateAndForecast(
    schedule,
    {
      birthDate: request.patient.birthDate,
      ...(request.patient.gender !== undefined ? { gender: request.patient.gender } : {}),
    },
    doses,
    request.assessmentDate,
  );
  return { status: 200, resource: buildForecastParameters(request, results, immunizationOf), request };
}
