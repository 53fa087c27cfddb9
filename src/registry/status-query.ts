import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isValidBsn, isValidUra } from '../domain/identifiers/index.js';
import { appendAudit } from '../db/audit.js';
import { verifySigned, type KeyResolver } from '../exchange/signing.js';
import { ProblemError } from '../http/problem.js';
import type { RegistrySchema } from './schema.js';

export const STATUS_QUERY_SCHEMA = 'open-rvp/status-query/v1';

export const statusQuerySchema = z.strictObject({
  schema: z.literal(STATUS_QUERY_SCHEMA),
  organisationUra: z.string().refine(isValidUra, 'URA: 8 cijfers'),
  bsn: z.string().refine(isValidBsn, 'BSN voldoet niet aan de 11-proef'),
  requestedAt: z.string().max(40),
});

export interface RegisteredVaccination {
  organisationUra: string;
  activityId: string;
  vaccineType: string;
  date: string;
  batchNumber: string;
  performer: string;
  location: string;
}

/**
 * R-V7 with R-C6: the full vaccination status of one person (all organisations), only when the
 * registry holds a consent fact for that person and the person has not asked to be unlinked.
 */
export async function answerStatusQuery(
  db: Kysely<RegistrySchema>,
  keys: KeyResolver,
  jws: string,
): Promise<{ birthDate: string; vaccinations: RegisteredVaccination[] }> {
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
  return db.transaction().execute(async (trx) => {
    const person = await trx
      .selectFrom('person')
      .select(['id', 'birth_date'])
      .where('bsn', '=', query.bsn)
      .executeTakeFirst();
    const refuse = (rule: string, detail: string) =>
      new ProblemError(403, rule, 'Statusvraag geweigerd', detail, [
        { field: 'request.bsn', rule, message: detail },
      ]);
    if (!person) throw refuse('unknown-person', 'Deze persoon is niet bekend in het register.');
    const unlinked = await trx
      .selectFrom('unlink_request')
      .select('id')
      .where('person_id', '=', person.id)
      .executeTakeFirst();
    if (unlinked) throw refuse('unlinked', 'Deze persoon heeft gevraagd de persoonsgegevens te ontkoppelen.');
    const consent = await trx
      .selectFrom('consent_fact')
      .select('organisation_ura')
      .where('person_id', '=', person.id)
      .executeTakeFirst();
    if (!consent)
      throw refuse('no-consent-known', 'Het register heeft geen toestemming voor deze persoon ontvangen.');
    const rows = await trx
      .selectFrom('vaccination_event')
      .select([
        'organisation_ura',
        'activity_id',
        'vaccine_type',
        'vaccination_date',
        'batch_number',
        'performer',
        'location',
      ])
      .where('person_id', '=', person.id)
      .orderBy('vaccination_date')
      .execute();
    await appendAudit(trx, {
      actorId: `exchange:${query.organisationUra}`,
      organisationUra: query.organisationUra,
      action: 'status-query',
      subjectType: 'person',
      subjectId: person.id,
    });
    return {
      birthDate: person.birth_date,
      vaccinations: rows.map((r) => ({
        organisationUra: r.organisation_ura,
        activityId: r.activity_id,
        vaccineType: r.vaccine_type,
        date: r.vaccination_date,
        batchNumber: r.batch_number,
        performer: r.performer,
        location: r.location,
      })),
    };
  });
}
