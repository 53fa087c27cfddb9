import { inOrganisation } from './scope.js';
import { requirePermission } from '../http/policy.js';
import type { Kysely, Transaction } from 'kysely';
import { appendAudit } from '../db/audit.js';
import { compareIsoDates } from '../domain/dates/index.js';
import type { IsoDate } from '../domain/dates/index.js';
import { newActivityId } from '../domain/messages/index.js';
import { enqueueActivity } from '../exchange/outbox.js';
import { notFound, ProblemError, type FieldError } from '../http/problem.js';
import { organisationOf, type RequestContext } from './clients.js';
import type { DossierSchema, OutboxReason } from './schema.js';

export interface VaccinationInput {
  vaccineType: string; // BDS 461
  date: IsoDate; // BDS 1409
  batchNumber: string; // BDS 472
  performer: string; // BDS 1336
  location: string; // BDS 1452
  objection?: '1' | '2' | '98' | null; // BDS 683
}

export interface ActivityInput {
  activityType: string; // BDS 494
  activityDate: IsoDate; // BDS 724
  vaccinations: VaccinationInput[];
}

export interface MessageState {
  version: number;
  reason: OutboxReason;
  state: 'queued' | 'sent' | 'held' | 'refused' | 'superseded';
  urgency: 'nightly' | 'immediate';
  sentKind: 'personalised' | 'anonymous' | null;
  sentAt: string | null;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  registryOutcome: string | null;
  registryReason: string | null;
  /** R-R3: doses the registry judged not valid, with its reason. */
  validityFeedback: Array<{
    vaccineType: string;
    date: string;
    status: string;
    reason: string | null;
  }> | null;
}

export interface ActivityView {
  id: string;
  activityId: string;
  activityType: string;
  activityDate: IsoDate;
  originUra: string;
  version: number;
  vaccinations: Array<VaccinationInput & { id: string; status: 'active' | 'cancelled' }>;
  messages: MessageState[];
}

type Db = Kysely<DossierSchema> | Transaction<DossierSchema>;

async function requireClient(db: Db, ura: string, clientId: string) {
  const client = await db
    .selectFrom('client')
    .select(['id', 'birth_date'])
    .where('organisation_ura', '=', ura)
    .where('id', '=', clientId)
    .executeTakeFirst();
  if (!client) throw notFound('Deze cliënt');
  return client;
}

function checkDates(
  input: {
    activityDate?: IsoDate;
    vaccinations: Array<{ date: IsoDate }>;
    field?: (index: number) => string;
  },
  birthDate: IsoDate,
  today: IsoDate,
) {
  const errors: FieldError[] = [];
  const check = (field: string, date: IsoDate) => {
    if (compareIsoDates(date, today) > 0) {
      errors.push({
        field,
        rule: 'no-future-date',
        message: 'Een vaccinatie kan niet in de toekomst liggen.',
      });
    } else if (compareIsoDates(date, birthDate) < 0) {
      errors.push({ field, rule: 'not-before-birth', message: 'De datum ligt vóór de geboortedatum.' });
    }
  };
  if (input.activityDate) check('body.activityDate', input.activityDate);
  input.vaccinations.forEach((v, i) => check(input.field?.(i) ?? `body.vaccinations[${i}].date`, v.date));
  if (errors.length > 0) {
    throw new ProblemError(
      422,
      'rule-violation',
      'Registratie geweigerd',
      errors.map((e) => e.message).join(' '),
      errors,
    );
  }
}

/** Records a contact moment with its vaccinations, and queues it for the nightly delivery. */
/** Recording and changing vaccinations is the work of a JGZ professional (nurse, doctor). */
function requireProfessional(ctx: RequestContext): void {
  requirePermission(ctx.actor, 'vaccination.record');
}

export async function recordActivity(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  clientId: string,
  input: ActivityInput,
  today: IsoDate,
): Promise<ActivityView> {
  requireProfessional(ctx);
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const client = await requireClient(trx, ura, clientId);
    checkDates(input, client.birth_date, today);
    // A random id, unique within the organisation; retry on the (rare) collision.
    let activityPk: string | undefined;
    for (let attempt = 0; attempt < 5 && !activityPk; attempt++) {
      const activityId = newActivityId();
      const taken = await trx
        .selectFrom('activity')
        .select('id')
        .where('organisation_ura', '=', ura)
        .where('activity_id', '=', activityId)
        .executeTakeFirst();
      if (taken) continue;
      const row = await trx
        .insertInto('activity')
        .values({
          organisation_ura: ura,
          client_id: clientId,
          activity_id: activityId,
          activity_type: input.activityType,
          activity_date: input.activityDate,
          origin_ura: ura,
          created_by: ctx.actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      activityPk = row.id;
    }
    if (!activityPk) throw new Error('could not allocate a unique activity id');
    await trx
      .insertInto('vaccination')
      .values(
        input.vaccinations.map((v) => ({
          activity_pk: activityPk!,
          vaccine_type: v.vaccineType,
          vaccination_date: v.date,
          batch_number: v.batchNumber,
          performer: v.performer,
          location: v.location,
          objection: v.objection ?? null,
          recorded_by: ctx.actor.userId,
          changed_by: null,
          changed_at: null,
        })),
      )
      .execute();
    await enqueueActivity(trx, {
      activityPk,
      organisationUra: ura,
      version: 1,
      reason: 'new',
      immediate: false,
    });
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'vaccination.record',
      subjectType: 'client',
      subjectId: clientId,
      requestId: ctx.requestId,
    });
    return (await loadActivities(trx, ura, clientId, activityPk))[0]!;
  });
}

/** Corrects or cancels one vaccination; the activity gets a new version that replaces the old one. */
export async function changeVaccination(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  vaccinationId: string,
  change: { cancel: true } | { cancel?: false; correction: Partial<VaccinationInput> },
  today: IsoDate,
): Promise<ActivityView> {
  requireProfessional(ctx);
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const row = await trx
      .selectFrom('vaccination as v')
      .innerJoin('activity as a', 'a.id', 'v.activity_pk')
      .innerJoin('client as c', 'c.id', 'a.client_id')
      .select([
        'v.id',
        'v.status',
        'a.id as activity_pk',
        'a.version',
        'a.client_id',
        'a.origin_ura',
        'c.birth_date',
      ])
      .where('v.id', '=', vaccinationId)
      .where('a.organisation_ura', '=', ura)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('Deze vaccinatie');
    if (row.status === 'cancelled') {
      throw new ProblemError(409, 'conflict', 'Al geannuleerd', 'Deze vaccinatie is al geannuleerd.');
    }
    if (row.origin_ura !== ura) {
      throw new ProblemError(
        403,
        'forbidden',
        'Niet toegestaan',
        'Deze vaccinatie komt uit het dossier van een andere organisatie.',
      );
    }
    let reason: OutboxReason;
    if (change.cancel) {
      reason = 'cancellation';
      await trx
        .updateTable('vaccination')
        .set({ status: 'cancelled', changed_by: ctx.actor.userId, changed_at: new Date() })
        .where('id', '=', vaccinationId)
        .execute();
    } else {
      reason = 'correction';
      const c = change.correction;
      if (c.date)
        checkDates({ vaccinations: [{ date: c.date }], field: () => 'body.date' }, row.birth_date, today);
      await trx
        .updateTable('vaccination')
        .set({
          ...(c.vaccineType !== undefined ? { vaccine_type: c.vaccineType } : {}),
          ...(c.date !== undefined ? { vaccination_date: c.date } : {}),
          ...(c.batchNumber !== undefined ? { batch_number: c.batchNumber } : {}),
          ...(c.performer !== undefined ? { performer: c.performer } : {}),
          ...(c.location !== undefined ? { location: c.location } : {}),
          ...(c.objection !== undefined ? { objection: c.objection } : {}),
          changed_by: ctx.actor.userId,
          changed_at: new Date(),
        })
        .where('id', '=', vaccinationId)
        .execute();
    }
    const version = row.version + 1;
    await trx.updateTable('activity').set({ version }).where('id', '=', row.activity_pk).execute();
    await enqueueActivity(trx, {
      activityPk: row.activity_pk,
      organisationUra: ura,
      version,
      reason,
      immediate: false,
    });
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: change.cancel ? 'vaccination.cancel' : 'vaccination.correct',
      subjectType: 'client',
      subjectId: row.client_id,
      requestId: ctx.requestId,
    });
    return (await loadActivities(trx, ura, row.client_id, row.activity_pk))[0]!;
  });
}

export async function listActivities(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  clientId: string,
): Promise<ActivityView[]> {
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    await requireClient(trx, ura, clientId);
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'vaccination.read',
      subjectType: 'client',
      subjectId: clientId,
      requestId: ctx.requestId,
    });
    return loadActivities(trx, ura, clientId);
  });
}

async function loadActivities(
  db: Db,
  ura: string,
  clientId: string,
  onlyPk?: string,
): Promise<ActivityView[]> {
  let query = db
    .selectFrom('activity')
    .selectAll()
    .where('organisation_ura', '=', ura)
    .where('client_id', '=', clientId)
    .orderBy('activity_date', 'desc')
    .orderBy('created_at', 'desc');
  if (onlyPk) query = query.where('id', '=', onlyPk);
  const activities = await query.execute();
  if (activities.length === 0) return [];
  const pks = activities.map((a) => a.id);
  const vaccinations = await db
    .selectFrom('vaccination')
    .selectAll()
    .where('activity_pk', 'in', pks)
    .orderBy('vaccination_date')
    .execute();
  const messages = await db
    .selectFrom('outbox_message')
    .selectAll()
    .where('activity_pk', 'in', pks)
    .orderBy('version', 'desc')
    .execute();
  return activities.map((a) => ({
    id: a.id,
    activityId: a.activity_id,
    activityType: a.activity_type,
    activityDate: a.activity_date,
    originUra: a.origin_ura,
    version: a.version,
    vaccinations: vaccinations
      .filter((v) => v.activity_pk === a.id)
      .map((v) => ({
        id: v.id,
        vaccineType: v.vaccine_type,
        date: v.vaccination_date,
        batchNumber: v.batch_number,
        performer: v.performer,
        location: v.location,
        objection: v.objection,
        status: v.status,
      })),
    messages: messages
      .filter((m) => m.activity_pk === a.id)
      .map((m) => ({
        version: m.version,
        reason: m.reason,
        state: m.state,
        urgency: m.urgency,
        sentKind: m.sent_kind,
        sentAt: m.sent_at ? new Date(m.sent_at).toISOString() : null,
        attempts: m.attempts,
        nextAttemptAt: new Date(m.next_attempt_at).toISOString(),
        lastError: m.last_error,
        registryOutcome: m.registry_outcome,
        registryReason: m.registry_reason,
        validityFeedback:
          (m.validity_feedback as { doses: MessageState['validityFeedback'] } | null)?.doses ?? null,
      })),
  }));
}
