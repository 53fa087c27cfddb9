import { z } from 'zod';

/**
 * The dossier transfer document (DOB analogue, R-V8). Unlike the seeds' DOB message (seed 001 §3.18),
 * it carries the vaccinations and the exchange-consent evidence, each with its provenance: the
 * organisation where it was first registered (`originUra`) and its id there. The receiver copies it;
 * it never re-sends what another organisation recorded (R-C5, seed 001 §3.15).
 */
export const TRANSFER_DOCUMENT_SCHEMA = 'open-rvp/dossier-transfer/v1';

const Date_ = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Gender = z.enum(['0', '1', '2', '3']);

export const transferDocumentSchema = z.strictObject({
  schema: z.literal(TRANSFER_DOCUMENT_SCHEMA),
  fromUra: z.string(),
  toUra: z.string(),
  transferDate: Date_,
  consentDecision: z.enum(['toestemming', 'geen-toestemming']),
  client: z.strictObject({
    kind: z.enum(['youth', 'client']),
    dossierNumber: z.string(), // BDS 695 at the sender
    bsn: z.string().nullable(),
    givenName: z.string(),
    prefix: z.string().nullable(),
    familyName: z.string(),
    gender: Gender,
    birthDate: Date_,
    street: z.string().nullable(),
    houseNumber: z.number().int().nullable(),
    houseLetter: z.string().nullable(),
    houseNumberAddition: z.string().nullable(),
    postcode: z.string().nullable(),
    city: z.string().nullable(),
    municipalityCode: z.string().nullable(),
  }),
  relatedPersons: z.array(
    z.strictObject({
      ref: z.string(), // the sender's id, only to connect relations and records in this document
      bsn: z.string().nullable(),
      givenName: z.string(),
      prefix: z.string().nullable(),
      familyName: z.string(),
      gender: Gender,
      birthDate: Date_.nullable(),
      relations: z.array(
        z.strictObject({
          relation: z.enum(['parent', 'guardian', 'legal-representative']),
          hasCustody: z.boolean(),
        }),
      ),
    }),
  ),
  consentRecords: z.array(
    z.strictObject({
      originUra: z.string(),
      originId: z.string(),
      agreed: z.boolean(), // BDS 1533
      sourcePersonRef: z.string().nullable(), // BDS 1534: null = the youth/client themself
      source: z.enum(['01', '03', '04', '05']), // BDS 1535
      date: Date_, // BDS 1536
      endDate: Date_.nullable(), // BDS 1607
      endedByOriginId: z.string().nullable(),
      method: z.enum(['written', 'verbal', 'phone', 'portal', 'other']).nullable(),
      note: z.string().nullable(),
      registeredBy: z.string(),
      registeredAt: z.string(),
    }),
  ),
  competenceJudgements: z.array(
    z.strictObject({
      originUra: z.string(),
      originId: z.string(),
      date: Date_,
      competent: z.boolean(),
      explanation: z.string(),
      registeredBy: z.string(),
      registeredAt: z.string(),
    }),
  ),
  activities: z.array(
    z.strictObject({
      originUra: z.string(), // who recorded it, and the only one who may ever send it to the registry
      activityId: z.string(), // BDS 1377 as the registry knows it (under originUra)
      activityType: z.string(),
      activityDate: Date_,
      version: z.number().int().min(1),
      createdBy: z.string(),
      vaccinations: z.array(
        z.strictObject({
          vaccineType: z.string(),
          date: Date_,
          batchNumber: z.string(),
          performer: z.string(),
          location: z.string(),
          objection: z.enum(['1', '2', '98']).nullable(),
          status: z.enum(['active', 'cancelled']),
          recordedBy: z.string(),
        }),
      ),
    }),
  ),
});
export type TransferDocument = z.infer<typeof transferDocumentSchema>;

/**
 * R-C5 with R-V8: an organisation may send an activity to the registry only when it recorded it
 * itself. Everything that came in with a transfer or a notification stays with its origin.
 */
export function maySend(activity: { originUra: string }, organisationUra: string): boolean {
  return activity.originUra === organisationUra;
}
