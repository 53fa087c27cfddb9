import type { Kysely } from 'kysely';
import { anonymise, validateMessage, type VaccinationMessage } from '../domain/messages/index.js';
import { appendAudit } from '../db/audit.js';
import { verifySigned, type KeyResolver } from '../exchange/signing.js';
import type { IntakeResult } from '../exchange/sender.js';
import { assessSchedule, loadRegistryDoses } from './schedule-service.js';
import type { RegistrySchema } from './schema.js';

export const MAX_BATCH = 1000;

/**
 * Intake of a batch of signed vaccination messages (R-R5, R-V4). Each message is handled in its own
 * transaction, so one bad message never blocks or half-writes the others. Idempotent by
 * (URA, activity id, version): a retried delivery has exactly one effect.
 */
export async function receiveMessages(
  db: Kysely<RegistrySchema>,
  keys: KeyResolver,
  messages: string[],
): Promise<IntakeResult[]> {
  const results: IntakeResult[] = [];
  for (const [index, jws] of messages.entries()) {
    results.push({ index, ...(await receiveOne(db, keys, jws)) });
  }
  return results;
}

async function refuse(
  db: Kysely<RegistrySchema>,
  rule: string,
  reason: string,
  message?: { organisationUra?: unknown; activity?: { id?: unknown }; version?: unknown },
): Promise<Omit<IntakeResult, 'index'>> {
  const str = (v: unknown) => (typeof v === 'string' && v.length <= 20 ? v : null);
  await db
    .insertInto('intake_refusal')
    .values({
      organisation_ura: str(message?.organisationUra),
      activity_id: str(message?.activity?.id),
      version:
        typeof message?.version === 'number' && Number.isInteger(message.version) ? message.version : null,
      rule,
      reason: reason.slice(0, 1000),
    })
    .execute();
  return { outcome: 'refused', rule, reason };
}

async function receiveOne(
  db: Kysely<RegistrySchema>,
  keys: KeyResolver,
  jws: string,
): Promise<Omit<IntakeResult, 'index'>> {
  const verified = await verifySigned(jws, keys);
  if (!verified.ok) return refuse(db, verified.rule, verified.reason);
  const raw = verified.payload as {
    organisationUra?: unknown;
    activity?: { id?: unknown };
    version?: unknown;
  };
  const validation = validateMessage(verified.payload);
  if (!validation.ok) {
    const first = validation.errors[0]!;
    const reason = validation.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return refuse(db, first.rule, reason, raw);
  }
  const message = validation.message;
  if (verified.signerUra !== message.organisationUra) {
    return refuse(
      db,
      'signer-ura-mismatch',
      `Ondertekend door URA ${verified.signerUra}, maar het bericht is van URA ${message.organisationUra}.`,
      raw,
    );
  }
  return db.transaction().execute((trx) => store(trx, message));
}

async function store(
  trx: Kysely<RegistrySchema>,
  message: VaccinationMessage,
): Promise<Omit<IntakeResult, 'index'>> {
  const ura = message.organisationUra;
  const activityId = message.activity.id;
  const previous = await trx
    .selectFrom('received_activity')
    .selectAll()
    .where('organisation_ura', '=', ura)
    .where('activity_id', '=', activityId)
    .forUpdate()
    .executeTakeFirst();
  if (previous && previous.version === message.version) return { outcome: 'duplicate' };
  if (previous && previous.version > message.version) {
    return {
      outcome: 'stale',
      reason: `Versie ${message.version} is ouder dan de ontvangen versie ${previous.version}.`,
    };
  }

  let personId: string | null = null;
  if (message.schema === 'open-rvp/message-4/v1') {
    const person = await trx
      .selectFrom('person')
      .select('id')
      .where('bsn', '=', message.client.bsn)
      .executeTakeFirst();
    if (!person) {
      await trx
        .insertInto('intake_worklist')
        .values({
          organisation_ura: ura,
          activity_id: activityId,
          version: message.version,
          reason_code: 'unknown-bsn',
          reason: 'Het BSN is niet bekend in het register.',
          message,
          resolved_at: null,
        })
        .execute();
      return {
        outcome: 'held',
        rule: 'unknown-bsn',
        reason: 'Het BSN is niet bekend in het register; het bericht staat op de werklijst.',
      };
    }
    personId = person.id;
    const unlinked = await trx
      .selectFrom('unlink_request')
      .select('id')
      .where('person_id', '=', person.id)
      .executeTakeFirst();
    if (unlinked) {
      // R-R6: the person asked the registry to unlink; what the dossier still sends with personal
      // data (a new activity or a repair) is kept without it.
      message = anonymise(message);
      personId = null;
    }
  }

  // A repair (higher version) replaces what came before, personalised or anonymous (R-V4).
  await trx
    .deleteFrom('vaccination_event')
    .where('organisation_ura', '=', ura)
    .where('activity_id', '=', activityId)
    .execute();
  await trx
    .deleteFrom('anonymous_vaccination')
    .where('organisation_ura', '=', ura)
    .where('activity_id', '=', activityId)
    .execute();

  if (message.schema === 'open-rvp/message-4/v1') {
    if (message.vaccinations.length > 0) {
      await trx
        .insertInto('vaccination_event')
        .values(
          message.vaccinations.map((v) => ({
            person_id: personId!,
            organisation_ura: ura,
            activity_id: activityId,
            activity_type: message.activity.type,
            activity_date: message.activity.date,
            version: message.version,
            vaccine_type: v.vaccineType,
            vaccination_date: v.date,
            batch_number: v.batchNumber,
            performer: v.performer,
            location: v.location,
            objection: v.objection,
          })),
        )
        .execute();
    }
    // R-C7: only that consent was given, its date, and by which organisation.
    await trx
      .insertInto('consent_fact')
      .values({
        person_id: personId!,
        organisation_ura: message.consent.organisationUra,
        consent_date: message.consent.date,
      })
      .onConflict((oc) =>
        oc.columns(['person_id', 'organisation_ura']).doUpdateSet({ consent_date: message.consent.date }),
      )
      .execute();
  } else if (message.vaccinations.length > 0) {
    await trx
      .insertInto('anonymous_vaccination')
      .values(
        message.vaccinations.map((v) => ({
          organisation_ura: ura,
          activity_id: activityId,
          activity_type: message.activity.type,
          activity_date: message.activity.date,
          dossier_status: message.dossierStatus,
          version: message.version,
          vaccine_type: v.vaccineType,
          vaccination_date: v.date,
          batch_number: v.batchNumber,
          performer: v.performer,
          location: v.location,
        })),
      )
      .execute();
  }
  const kind = message.schema === 'open-rvp/message-4/v1' ? 'personalised' : 'anonymous';
  await trx
    .insertInto('received_activity')
    .values({ organisation_ura: ura, activity_id: activityId, version: message.version, kind })
    .onConflict((oc) =>
      oc
        .columns(['organisation_ura', 'activity_id'])
        .doUpdateSet({ version: message.version, kind, received_at: new Date() }),
    )
    .execute();
  await appendAudit(trx, {
    actorId: `exchange:${ura}`,
    organisationUra: ura,
    action: `intake.${kind}`,
    subjectType: personId ? 'person' : 'anonymous-activity',
    subjectId: personId,
  });
  return personId
    ? { outcome: 'accepted', ...(await validityFeedback(trx, personId, ura, activityId)) }
    : { outcome: 'accepted' };
}

/**
 * R-R3: the registry judges the activity's doses against the person's whole history and tells the
 * organisation that gave them which are not valid, in the answer to its own message.
 */
async function validityFeedback(
  trx: Kysely<RegistrySchema>,
  personId: string,
  ura: string,
  activityId: string,
): Promise<Pick<IntakeResult, 'feedback'>> {
  const person = await trx
    .selectFrom('person')
    .select(['birth_date', 'gender'])
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  const doses = await loadRegistryDoses(trx, personId);
  const mine = doses.filter((d) => d.organisationUra === ura && d.activityId === activityId);
  if (mine.length === 0) return {};
  const latest = mine
    .map((d) => d.date)
    .sort()
    .at(-1)!;
  const assessment = assessSchedule({ birthDate: person.birth_date, gender: person.gender }, doses, latest);
  const feedback = assessment.doses
    .filter(
      (d) => d.organisationUra === ura && d.activityId === activityId && d.validity.status === 'Not Valid',
    )
    .map((d) => ({
      vaccineType: d.vaccineType,
      date: d.date,
      status: d.validity.status,
      reason: d.validity.reason,
    }));
  return feedback.length > 0 ? { feedback } : {};
}
