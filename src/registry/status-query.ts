import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isoDateInZone } from '../domain/dates/index.js';
import { isValidBsn, isValidUra } from '../domain/identifiers/index.js';
import { auditBatcherFor, type AuditBatcher } from '../db/audit-batch.js';
import { verifySigned, type KeyResolver } from '../exchange/signing.js';
import { ProblemError } from '../http/problem.js';
import { assessSchedule, groupForecastSchema, registryDoseOf, validitySchema } from './schedule-service.js';
import type { RegistrySchema } from './schema.js';

export const STATUS_QUERY_SCHEMA = 'open-rvp/status-query/v1';

export const statusQuerySchema = z.strictObject({
  schema: z.literal(STATUS_QUERY_SCHEMA),
  organisationUra: z.string().refine(isValidUra, 'URA: 8 cijfers'),
  bsn: z.string().refine(isValidBsn, 'BSN voldoet niet aan de 11-proef'),
  requestedAt: z.string().max(40),
});

export const registeredVaccinationSchema = z.object({
  organisationUra: z.string(),
  activityId: z.string(),
  vaccineType: z.string(),
  date: z.string(),
  batchNumber: z.string(),
  performer: z.string(),
  location: z.string(),
  validity: validitySchema.describe("The registry's validity assessment of this dose (R-R3)"),
});
export type RegisteredVaccination = z.infer<typeof registeredVaccinationSchema>;

/** The answer to a status query (R-V7): every registered vaccination with its validity, and the forecast. */
export const statusQueryResponseSchema = z.object({
  birthDate: z.string(),
  assessmentDate: z.string().describe('The day the validity and forecast were judged (the registry’s today)'),
  schedule: z.string().describe('Schedule version, e.g. "RVP 2025"'),
  vaccinations: z.array(registeredVaccinationSchema),
  forecast: z.array(groupForecastSchema).describe('Per vaccine group: series status and what is due next'),
});
export type StatusQueryAnswer = z.infer<typeof statusQueryResponseSchema>;

export interface StatusQueryOptions {
  /** The assessment date; default today in the Netherlands. */
  today?: () => string;
  /** Where the read's audit entry is group-committed; default the database handle's shared batcher. */
  audit?: AuditBatcher;
  /** The HTTP request id, recorded in the audit entry. */
  requestId?: string;
}

/**
 * R-V7 with R-C6: the full vaccination status of one person (all organisations), only when the
 * registry holds a consent fact for that person and the person has not asked to be unlinked. Each
 * vaccination carries the registry's validity assessment and each vaccine group its forecast (R-R3;
 * maternal pertussis vaccination unknown to the registry: the schedule's rule for unknown).
 *
 * The answer is read and computed outside any writing transaction; it is returned only after its
 * audit entry has been committed in the chain (group commit, `src/db/audit-batch.ts`). When that
 * commit fails the query fails with 503 `audit-unavailable`: no answer without a durable entry.
 */
export async function answerStatusQuery(
  db: Kysely<RegistrySchema>,
  keys: KeyResolver,
  jws: string,
  options: StatusQueryOptions = {},
): Promise<StatusQueryAnswer> {
  const today = options.today?.() ?? isoDateInZone(new Date());
  const verified = await verifySigned(jws, keys);
  if (!verified.ok) throw new ProblemError(401, verified.rule, 'Ondertekening geweigerd', verified.reason);
  const parsed = statusQuerySchema.safeParse(verified.payload);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({
      field: `request.${i.path.join('.')}`,
      rule: i.code,
      message: i.message,
    }));
    throw new ProblemError(
      400,
      'validation',
      'Ongeldige statusvraag',
      errors.map((e) => e.message).join('; '),
      errors,
    );
  }
  const query = parsed.data;
  if (query.organisationUra !== verified.signerUra) {
    throw new ProblemError(
      401,
      'signer-ura-mismatch',
      'Ondertekening geweigerd',
      'Ondertekenaar en organisatie verschillen.',
    );
  }
  // Plain reads (each statement its own snapshot, as under read committed before): no transaction
  // holds the audit chain's lock while the answer is read and computed. The person, the unlink
  // request and the consent fact in one round trip.
  const person = await db
    .selectFrom('person')
    .select((eb) => [
      'person.id',
      'person.birth_date',
      'person.gender',
      eb
        .exists(
          eb
            .selectFrom('unlink_request')
            .select('unlink_request.id')
            .whereRef('unlink_request.person_id', '=', 'person.id'),
        )
        .as('unlinked'),
      eb
        .exists(
          eb
            .selectFrom('consent_fact')
            .select('consent_fact.organisation_ura')
            .whereRef('consent_fact.person_id', '=', 'person.id'),
        )
        .as('consented'),
    ])
    .where('person.bsn', '=', query.bsn)
    .executeTakeFirst();
  const refuse = (rule: string, detail: string) =>
    new ProblemError(403, rule, 'Statusvraag geweigerd', detail, [
      { field: 'request.bsn', rule, message: detail },
    ]);
  if (!person) throw refuse('unknown-person', 'Deze persoon is niet bekend in het register.');
  if (person.unlinked)
    throw refuse('unlinked', 'Deze persoon heeft gevraagd de persoonsgegevens te ontkoppelen.');
  if (!person.consented)
    throw refuse('no-consent-known', 'Het register heeft geen toestemming voor deze persoon ontvangen.');
  const rows = await db
    .selectFrom('vaccination_event')
    .select([
      'id',
      'organisation_ura',
      'activity_id',
      'activity_date',
      'vaccine_type',
      'vaccination_date',
      'batch_number',
      'performer',
      'location',
    ])
    .where('person_id', '=', person.id)
    .orderBy('vaccination_date')
    .orderBy('activity_date')
    .orderBy('activity_id')
    .orderBy('vaccine_type')
    .orderBy('id')
    .execute();
  const assessment = assessSchedule(
    { birthDate: person.birth_date, gender: person.gender },
    rows.map(registryDoseOf),
    today,
  );
  const answer: StatusQueryAnswer = {
    birthDate: person.birth_date,
    assessmentDate: assessment.assessmentDate,
    schedule: assessment.schedule,
    vaccinations: rows.map((r, i) => ({
      organisationUra: r.organisation_ura,
      activityId: r.activity_id,
      vaccineType: r.vaccine_type,
      date: r.vaccination_date,
      batchNumber: r.batch_number,
      performer: r.performer,
      location: r.location,
      validity: assessment.doses[i]?.validity ?? { status: 'Not evaluated' as const, reason: null },
    })),
    forecast: assessment.vaccineGroups.map(({ doses: _doses, ...forecast }) => forecast),
  };
  // R-C8: the answer leaves only once its entry is durable and chained.
  await (options.audit ?? auditBatcherFor(db)).append({
    actorId: `exchange:${query.organisationUra}`,
    organisationUra: query.organisationUra,
    action: 'status-query',
    subjectType: 'person',
    subjectId: person.id,
    requestId: options.requestId ?? null,
  });
  return answer;
}
