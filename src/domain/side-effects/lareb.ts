import { z } from 'zod';
import { ageInYears, daysBetween, type IsoDate } from '../dates/index.js';
import {
  OUTCOMES,
  REACTIONS,
  SERIOUSNESS,
  type OutcomeCode,
  type ReactionCode,
  type SeriousnessCode,
} from './codes.js';

/**
 * An export of reported side effects for Lareb, shaped after ICH E2B(R3) individual case safety
 * reports: the element ids (C.1.1, E.i.7, G.k.4.r.7 …) name the E2B data elements each field carries.
 * It is a JSON subset, not the HL7 v3 XML that E2B(R3) prescribes and not validated by Lareb: see
 * docs/side-effects.md. The patient is identified only as E2B allows for a masked patient: initials,
 * age at onset and sex — no BSN, no name, no address, no birth date.
 */
export const LAREB_EXPORT_SCHEMA = 'open-rvp/lareb-icsr-export/v1';

export interface SideEffectForExport {
  id: string;
  organisation: { ura: string; name: string };
  recordedBy: string; // employee id; never a name
  registeredAt: string; // ISO timestamp
  reportedOn: IsoDate;
  reporter: string;
  onsetDate: IsoDate;
  reactions: ReactionCode[];
  description: string;
  seriousness: SeriousnessCode[];
  outcome: OutcomeCode;
  patient: { givenName: string; familyName: string; birthDate: IsoDate; gender: string };
  vaccination: { vaccineType: string; vaccineName: string; date: IsoDate; batchNumber: string };
}

const IcsrSchema = z.strictObject({
  'C.1.1': z.string().describe("Sender's (case) safety report unique identifier"),
  'C.1.2': z.string().describe('Date of creation'),
  'C.1.3': z.literal('1').describe('Type of report: 1 = spontaneous report'),
  'C.1.4': z.string().describe('Date report was first received from source'),
  'C.2.r.4': z.literal('3').describe('Qualification of the primary source: 3 = other health professional'),
  'C.3.1': z.literal('3').describe('Sender type: 3 = health professional'),
  'C.3.2': z.string().describe("Sender's organisation"),
  senderUra: z.string(),
  patient: z.strictObject({
    'D.1': z.string().describe('Patient initials'),
    'D.2.2a': z.number().int().min(0).describe('Age at time of onset of reaction (value)'),
    'D.2.2b': z.enum(['a', 'mo', 'd']).describe('Age unit (UCUM): years, months, days'),
    'D.5': z.enum(['1', '2', 'UNK']).describe('Sex: 1 male, 2 female; UNK otherwise'),
  }),
  reactions: z.array(
    z.strictObject({
      'E.i.1.1a': z.string().describe('Reaction as reported by the primary source (Dutch)'),
      'E.i.1.1b': z.literal('nld'),
      openRvpCode: z.string().describe('open-rvp reaction code (not MedDRA)'),
      englishTerm: z.string(),
      'E.i.3.2': z
        .strictObject({
          'E.i.3.2a': z.boolean(),
          'E.i.3.2b': z.boolean(),
          'E.i.3.2c': z.boolean(),
          'E.i.3.2d': z.boolean(),
          'E.i.3.2e': z.boolean(),
          'E.i.3.2f': z.boolean(),
        })
        .describe('Seriousness criteria'),
      'E.i.4': z.string().describe('Date of start of reaction'),
      'E.i.7': z.enum(['0', '1', '2', '3', '4', '5']).describe('Outcome'),
    }),
  ),
  drugs: z.array(
    z.strictObject({
      'G.k.1': z.literal('1').describe('Characterisation of drug role: 1 = suspect'),
      'G.k.2.2': z.string().describe('Medicinal product name as reported'),
      bdsVaccineType: z.string().describe('BDS 461 (W0422)'),
      'G.k.4.r.4': z.string().describe('Date of start of drug (the vaccination date)'),
      'G.k.4.r.7': z.string().describe('Batch/lot number'),
      'G.k.9.i.3.1a': z.number().int().min(0).describe('Time interval from vaccination to onset (value)'),
      'G.k.9.i.3.1b': z.literal('d'),
    }),
  ),
  'H.1': z.string().describe('Case narrative'),
});
export type Icsr = z.infer<typeof IcsrSchema>;

export const larebExportSchema = z.strictObject({
  schema: z.literal(LAREB_EXPORT_SCHEMA),
  generatedAt: z.string(),
  period: z.strictObject({ from: z.string(), to: z.string() }),
  reports: z.array(IcsrSchema),
});
export type LarebExport = z.infer<typeof larebExportSchema>;

const initial = (name: string): string => {
  const letter = name.trim().match(/\p{L}/u)?.[0];
  return letter ? letter.toUpperCase() : '';
};

/** Age at onset in whole years, or months under 2 years, or days under a month (E2B D.2.2). */
export function ageAtOnset(birthDate: IsoDate, onset: IsoDate): { value: number; unit: 'a' | 'mo' | 'd' } {
  const years = ageInYears(birthDate, onset);
  if (years >= 2) return { value: years, unit: 'a' };
  const days = daysBetween(birthDate, onset);
  if (days < 31) return { value: Math.max(0, days), unit: 'd' };
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [oy, om, od] = onset.split('-').map(Number) as [number, number, number];
  return { value: (oy - by) * 12 + (om - bm) - (od < bd ? 1 : 0), unit: 'mo' };
}

/** One report as an E2B-shaped case. Built field by field: nothing else of the dossier is carried. */
export function buildIcsr(report: SideEffectForExport): Icsr {
  const age = ageAtOnset(report.patient.birthDate, report.onsetDate);
  const outcome = OUTCOMES.find((o) => o.code === report.outcome)!.e2b;
  const criteria = Object.fromEntries(
    SERIOUSNESS.map((s) => [s.e2b, report.seriousness.includes(s.code)]),
  ) as Icsr['reactions'][number]['E.i.3.2'];
  return {
    'C.1.1': `NL-${report.organisation.ura}-${report.id}`,
    'C.1.2': report.registeredAt,
    'C.1.3': '1',
    'C.1.4': report.reportedOn,
    'C.2.r.4': '3',
    'C.3.1': '3',
    'C.3.2': report.organisation.name,
    senderUra: report.organisation.ura,
    patient: {
      'D.1': `${initial(report.patient.givenName)}${initial(report.patient.familyName)}`,
      'D.2.2a': age.value,
      'D.2.2b': age.unit,
      'D.5': report.patient.gender === '1' ? '1' : report.patient.gender === '2' ? '2' : 'UNK',
    },
    reactions: report.reactions.map((code) => {
      const reaction = REACTIONS.find((r) => r.code === code)!;
      return {
        'E.i.1.1a': reaction.name,
        'E.i.1.1b': 'nld' as const,
        openRvpCode: reaction.code,
        englishTerm: reaction.term,
        'E.i.3.2': criteria,
        'E.i.4': report.onsetDate,
        'E.i.7': outcome,
      };
    }),
    drugs: [
      {
        'G.k.1': '1',
        'G.k.2.2': report.vaccination.vaccineName,
        bdsVaccineType: report.vaccination.vaccineType,
        'G.k.4.r.4': report.vaccination.date,
        'G.k.4.r.7': report.vaccination.batchNumber,
        'G.k.9.i.3.1a': daysBetween(report.vaccination.date, report.onsetDate),
        'G.k.9.i.3.1b': 'd',
      },
    ],
    'H.1': report.description,
  };
}

/** The export document for a period; validated against its own schema before it leaves. */
export function buildLarebExport(
  reports: readonly SideEffectForExport[],
  period: { from: IsoDate; to: IsoDate },
  generatedAt: string,
): LarebExport {
  return larebExportSchema.parse({
    schema: LAREB_EXPORT_SCHEMA,
    generatedAt,
    period,
    reports: reports.map(buildIcsr),
  });
}
