import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../db/audit.js';
import { compareIsoDates, isoDateSchema, type IsoDate } from '../domain/dates/index.js';
import { isValidBsn } from '../domain/identifiers/index.js';
import { randomBytes } from 'node:crypto';
import type { App } from '../http/app.js';
import { requirePermission } from '../http/policy.js';
import { notFound, ProblemError, ruleViolation } from '../http/problem.js';
import type { Actor } from '../http/session.js';
import { organisationOf, type RequestContext } from './clients.js';
import type { DossierSchema } from './schema.js';
import { inOrganisation } from './scope.js';
import { insertCopiedActivity } from './transfer.js';

/**
 * New dossiers, and R-V9 "vaccinating elsewhere" (seed 001 §4.12): organisation A vaccinates a youth
 * whose active dossier is at B (in care there, e.g. school in B's area). A keeps a non-active dossier
 * (BDS 696 '02') only to register consent and the vaccination; with the youth's/custodian's consent
 * to inform third parties, A tells B, and B's active dossier shows the vaccination with A as origin.
 */

export interface NewDossier {
  bsn: string | null;
  givenName: string;
  prefix?: string | null | undefined;
  familyName: string;
  gender: '0' | '1' | '2' | '3';
  birthDate: IsoDate;
  postcode?: string | null | undefined;
  houseNumber?: number | null | undefined;
  city?: string | null | undefined;
  /** Set for a non-active dossier kept for a vaccination given here to a youth in care elsewhere. */
  caringUra?: string | null | undefined;
}

/** A new dossier: active, or non-active for R-V9. A youth without a BSN gets one too (R-V6). */
export async function createDossier(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  input: NewDossier,
  today: IsoDate,
): Promise<{ id: string; dossierStatus: '01' | '02' }> {
  requirePermission(ctx.actor, 'client.create');
  const ura = organisationOf(ctx.actor);
  if (input.bsn !== null && !isValidBsn(input.bsn)) {
    throw ruleViolation('body.bsn', 'bsn-11-check', 'Dit BSN voldoet niet aan de elfproef.');
  }
  if (compareIsoDates(input.birthDate, today) > 0) {
    throw ruleViolation('body.birthDate', 'no-future-date', 'De geboortedatum ligt in de toekomst.');
  }
  if (input.caringUra) {
    if (input.caringUra === ura) {
      throw ruleViolation(
        'body.caringUra',
        'other-organisation',
        'De zorgdragende organisatie is een andere organisatie.',
      );
    }
    const known = await db
      .selectFrom('organisation')
      .select('ura')
      .where('ura', '=', input.caringUra)
      .executeTakeFirst();
    if (!known)
      throw ruleViolation('body.caringUra', 'known-organisation', 'Deze organisatie is niet bekend.');
  }
  return inOrganisation(db, ura, async (trx) => {
    if (input.bsn) {
      const exists = await trx
        .selectFrom('client')
        .select('id')
        .where('organisation_ura', '=', ura)
        .where('bsn', '=', input.bsn)
        .executeTakeFirst();
      if (exists) {
        throw new ProblemError(
          409,
          'client-exists',
          'Dossier bestaat al',
          'Er is al een dossier met dit BSN.',
          [{ field: 'body.bsn', rule: 'client-exists', message: 'Er is al een dossier met dit BSN.' }],
        );
      }
    }
    const status = input.caringUra ? '02' : '01';
    const row = await trx
      .insertInto('client')
      .values({
        organisation_ura: ura,
        kind: 'youth',
        // BDS 695: random, never derived from the person.
        dossier_number: `N${randomBytes(6).toString('hex').toUpperCase()}`,
        dossier_status: status,
        bsn: input.bsn,
        given_name: input.givenName,
        name_prefix: input.prefix ?? null,
        family_name: input.familyName,
        gender: input.gender,
        birth_date: input.birthDate,
        street: null,
        house_number: input.houseNumber ?? null,
        house_letter: null,
        house_number_addition: null,
        postcode: input.postcode ?? null,
        city: input.city ?? null,
        municipality_code: null,
        transferred_to_ura: null,
        transferred_on: null,
        caring_ura: input.caringUra ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'client.create',
      subjectType: 'client',
      subjectId: row.id,
      requestId: ctx.requestId,
    });
    return { id: row.id, dossierStatus: status };
  });
}

export interface ThirdPartyConsentInput {
  agreed: boolean;
  source: 'youth' | 'custodian' | 'legal-representative';
  recipientUra: string;
  explanation: string;
  date: IsoDate;
}

/** BDS "Toestemming verstrekken informatie aan derden" with its explanation; append-only evidence. */
export async function registerThirdPartyConsent(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  clientId: string,
  input: ThirdPartyConsentInput,
  today: IsoDate,
): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'consent.register');
  const ura = organisationOf(ctx.actor);
  if (compareIsoDates(input.date, today) > 0) {
    throw ruleViolation('body.date', 'no-future-date', 'De datum ligt in de toekomst.');
  }
  return inOrganisation(db, ura, async (trx) => {
    const client = await trx
      .selectFrom('client')
      .select('id')
      .where('organisation_ura', '=', ura)
      .where('id', '=', clientId)
      .executeTakeFirst();
    if (!client) throw notFound('Deze cliënt');
    const row = await trx
      .insertInto('third_party_consent')
      .values({
        client_id: clientId,
        organisation_ura: ura,
        agreed: input.agreed,
        source: input.source,
        recipient_ura: input.recipientUra,
        explanation: input.explanation,
        consent_date: input.date,
        registered_by: ctx.actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'third-party-consent.register',
      subjectType: 'client',
      subjectId: clientId,
      requestId: ctx.requestId,
    });
    return { id: row.id };
  });
}

export interface NotificationDocument {
  schema: 'open-rvp/vaccination-elsewhere/v1';
  fromUra: string;
  youth: { bsn: string | null; birthDate: IsoDate; familyName: string };
  activity: {
    activityId: string;
    activityType: string;
    activityDate: IsoDate;
    version: number;
    createdBy: string;
  };
  vaccinations: Array<{
    vaccineType: string;
    date: IsoDate;
    batchNumber: string;
    performer: string;
    location: string;
    objection: '1' | '2' | '98' | null;
    recordedBy: string;
  }>;
}

/**
 * Tells the caring organisation about a vaccination given here (R-V9). Needs this organisation's own
 * activity and an active "yes" to inform that organisation. In one transaction: the notification is
 * written as this organisation, then — acting for the receiver, as its dossier system would on
 * receipt — matched by BSN to the receiver's active dossier, where the vaccination appears with this
 * organisation as origin (never resent by the receiver). No match: it waits in the receiver's list.
 */
export async function notifyCaringOrganisation(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  clientId: string,
  activityPk: string,
): Promise<{ id: string; state: 'delivered' | 'unmatched'; toUra: string }> {
  requirePermission(ctx.actor, 'vaccination.record');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const client = await trx
      .selectFrom('client')
      .select(['id', 'bsn', 'birth_date', 'family_name', 'caring_ura'])
      .where('organisation_ura', '=', ura)
      .where('id', '=', clientId)
      .executeTakeFirst();
    if (!client) throw notFound('Deze cliënt');
    if (!client.caring_ura) {
      throw ruleViolation(
        'params.id',
        'in-care-elsewhere',
        'Deze jeugdige is bij uw eigen organisatie in zorg; er is geen andere organisatie om te informeren.',
      );
    }
    const activity = await trx
      .selectFrom('activity')
      .selectAll()
      .where('id', '=', activityPk)
      .where('client_id', '=', clientId)
      .where('organisation_ura', '=', ura)
      .executeTakeFirst();
    if (!activity) throw notFound('Deze activiteit');
    if (activity.origin_ura !== ura) {
      throw ruleViolation(
        'body.activityPk',
        'own-activity',
        'Alleen een eigen vaccinatie wordt doorgegeven.',
      );
    }
    // The latest registration for this recipient decides.
    const consent = await trx
      .selectFrom('third_party_consent')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('recipient_ura', '=', client.caring_ura)
      .orderBy('consent_date', 'desc')
      .orderBy('registered_at', 'desc')
      .executeTakeFirst();
    if (!consent?.agreed) {
      throw ruleViolation(
        'body.activityPk',
        'third-party-consent-required',
        'Zonder toestemming voor het verstrekken van informatie aan derden wordt de zorgdragende organisatie niet geïnformeerd.',
      );
    }
    const vaccinations = await trx
      .selectFrom('vaccination')
      .selectAll()
      .where('activity_pk', '=', activityPk)
      .where('status', '=', 'active')
      .orderBy('vaccination_date')
      .execute();
    const document: NotificationDocument = {
      schema: 'open-rvp/vaccination-elsewhere/v1',
      fromUra: ura,
      youth: { bsn: client.bsn, birthDate: client.birth_date, familyName: client.family_name },
      activity: {
        activityId: activity.activity_id,
        activityType: activity.activity_type,
        activityDate: activity.activity_date,
        version: activity.version,
        createdBy: activity.created_by,
      },
      vaccinations: vaccinations.map((v) => ({
        vaccineType: v.vaccine_type,
        date: v.vaccination_date,
        batchNumber: v.batch_number,
        performer: v.performer,
        location: v.location,
        objection: v.objection,
        recordedBy: v.recorded_by,
      })),
    };
    const already = await trx
      .selectFrom('third_party_notification')
      .select('id')
      .where('from_activity_pk', '=', activityPk)
      .where('to_ura', '=', client.caring_ura)
      .executeTakeFirst();
    if (already) {
      throw new ProblemError(409, 'already-notified', 'Al doorgegeven', 'Deze vaccinatie is al doorgegeven.');
    }
    const notification = await trx
      .insertInto('third_party_notification')
      .values({
        from_ura: ura,
        to_ura: client.caring_ura,
        from_client_id: clientId,
        from_activity_pk: activityPk,
        consent_id: consent.id,
        document: document as unknown as Record<string, unknown>,
        state: 'unmatched',
        to_client_id: null,
        to_activity_pk: null,
        created_by: ctx.actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'vaccination.notify-third-party',
      subjectType: 'client',
      subjectId: clientId,
      requestId: ctx.requestId,
    });

    // Receipt at the caring organisation, under its own row-level security.
    const toUra = client.caring_ura;
    await sql`select set_config('rvp.organisation_ura', ${toUra}, true)`.execute(trx);
    const target = client.bsn
      ? await trx
          .selectFrom('client')
          .select('id')
          .where('organisation_ura', '=', toUra)
          .where('bsn', '=', client.bsn)
          .where('dossier_status', '=', '01')
          .executeTakeFirst()
      : undefined;
    let state: 'delivered' | 'unmatched' = 'unmatched';
    if (target) {
      const taken = await trx
        .selectFrom('activity')
        .select('id')
        .where('organisation_ura', '=', toUra)
        .where('activity_id', '=', activity.activity_id)
        .executeTakeFirst();
      if (!taken) {
        await deliver(trx, notification.id, toUra, target.id, document, `third-party:${ura}`, ctx.requestId);
        state = 'delivered';
      }
    }
    await sql`select set_config('rvp.organisation_ura', ${ura}, true)`.execute(trx);
    return { id: notification.id, state, toUra };
  });
}

/**
 * Receipt at the caring organisation (run with its tenant set): the vaccination appears in its
 * dossier with the sender as origin, so it is shown there and never sent by the receiver.
 */
async function deliver(
  trx: Transaction<DossierSchema>,
  notificationId: string,
  toUra: string,
  targetClientId: string,
  document: NotificationDocument,
  actorId: string,
  requestId: string,
  linkedBy: string | null = null,
): Promise<string> {
  const activityPk = await insertCopiedActivity(
    trx,
    { ura: toUra, clientId: targetClientId },
    { ...document.activity, originUra: document.fromUra },
    document.vaccinations,
  );
  await trx
    .updateTable('third_party_notification')
    .set({
      state: 'delivered',
      to_client_id: targetClientId,
      to_activity_pk: activityPk,
      ...(linkedBy ? { linked_by: linkedBy, linked_at: new Date() } : {}),
    })
    .where('id', '=', notificationId)
    .execute();
  await appendAudit(trx, {
    actorId,
    organisationUra: toUra,
    action: linkedBy ? 'vaccination.link-third-party' : 'vaccination.receive-third-party',
    subjectType: 'client',
    subjectId: targetClientId,
    requestId,
  });
  return activityPk;
}

/**
 * R-V9, the receiver's hand: a notification that found no active dossier by BSN (no BSN, or the
 * dossier did not exist yet) is linked by a professional of the caring organisation to one of its
 * active dossiers. Guards against linking to the wrong youth: birth date must be the same, and a BSN
 * on both sides must be the same.
 */
export async function linkNotification(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  notificationId: string,
  clientId: string,
): Promise<{ id: string; state: 'delivered'; toClientId: string; toActivityPk: string }> {
  requirePermission(ctx.actor, 'vaccination.record');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const row = await trx
      .selectFrom('third_party_notification')
      .selectAll()
      .where('id', '=', notificationId)
      .where('to_ura', '=', ura)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('Deze melding');
    if (row.state !== 'unmatched') {
      throw new ProblemError(
        409,
        'already-linked',
        'Al gekoppeld',
        'Deze melding is al aan een dossier gekoppeld.',
        [
          {
            field: 'params.id',
            rule: 'already-linked',
            message: 'Deze melding is al aan een dossier gekoppeld.',
          },
        ],
      );
    }
    const document = row.document as NotificationDocument;
    const client = await trx
      .selectFrom('client')
      .select(['id', 'bsn', 'birth_date', 'dossier_status'])
      .where('organisation_ura', '=', ura)
      .where('id', '=', clientId)
      .executeTakeFirst();
    if (!client)
      throw ruleViolation('body.clientId', 'own-dossier', 'Dit dossier is niet bij uw organisatie bekend.');
    if (client.dossier_status !== '01') {
      throw ruleViolation('body.clientId', 'active-dossier', 'Koppel de melding aan een actief dossier.');
    }
    if (client.birth_date !== document.youth.birthDate) {
      throw ruleViolation(
        'body.clientId',
        'same-birth-date',
        'De geboortedatum in de melding verschilt van die in dit dossier.',
      );
    }
    if (client.bsn && document.youth.bsn && client.bsn !== document.youth.bsn) {
      throw ruleViolation(
        'body.clientId',
        'same-bsn',
        'Het BSN in de melding verschilt van dat in dit dossier.',
      );
    }
    const taken = await trx
      .selectFrom('activity')
      .select('id')
      .where('organisation_ura', '=', ura)
      .where('activity_id', '=', document.activity.activityId)
      .executeTakeFirst();
    if (taken) {
      throw new ProblemError(
        409,
        'activity-known',
        'Al bekend',
        'Deze vaccinatie staat al in een dossier hier.',
      );
    }
    const toActivityPk = await deliver(
      trx,
      row.id,
      ura,
      client.id,
      document,
      ctx.actor.userId,
      ctx.requestId,
      ctx.actor.userId,
    );
    return { id: row.id, state: 'delivered' as const, toClientId: client.id, toActivityPk };
  });
}

/** Notifications this organisation sent or received (R-V9), newest first. */
export async function listNotifications(db: Kysely<DossierSchema>, ctx: RequestContext) {
  requirePermission(ctx.actor, 'client.read');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const rows = await trx
      .selectFrom('third_party_notification')
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(200)
      .execute();
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'third-party-notification.list',
      subjectType: 'third-party-notification',
      requestId: ctx.requestId,
    });
    return rows.map((r) => {
      const doc = r.document as NotificationDocument;
      return {
        id: r.id,
        direction: r.to_ura === ura ? ('incoming' as const) : ('outgoing' as const),
        fromUra: r.from_ura,
        toUra: r.to_ura,
        state: r.state,
        activityDate: doc.activity.activityDate,
        vaccineTypes: doc.vaccinations.map((v) => v.vaccineType),
        // What the receiver needs to find the youth by hand (it was given with consent to inform).
        youth: doc.youth,
        toClientId: r.to_ura === ura ? r.to_client_id : null,
        linkedBy: r.linked_by,
        createdAt: new Date(r.created_at).toISOString(),
      };
    });
  });
}

const Gender = z.enum(['0', '1', '2', '3']);

/** Routes: new dossier, consent to inform third parties, notification (R-V9, R-V6). */
export function registerElsewhereRoutes(app: App, db: Kysely<DossierSchema>, today: () => IsoDate): void {
  const ctx = (request: { actor: Actor | null; id: string }): RequestContext => ({
    actor: request.actor!,
    requestId: request.id,
  });
  app.post(
    '/api/clients',
    {
      schema: {
        tags: ['clients'],
        summary:
          'A new dossier: active, without BSN (R-V6), or non-active for a vaccination elsewhere (R-V9)',
        body: z.strictObject({
          bsn: z
            .string()
            .regex(/^\d{9}$/)
            .nullable()
            .describe('BDS 7; null when the youth has no BSN'),
          givenName: z.string().trim().min(1).max(200),
          prefix: z.string().trim().max(10).nullable().optional(),
          familyName: z.string().trim().min(1).max(200),
          gender: Gender,
          birthDate: isoDateSchema,
          postcode: z.string().trim().max(7).nullable().optional(),
          houseNumber: z.number().int().min(1).max(99999).nullable().optional(),
          city: z.string().trim().max(80).nullable().optional(),
          caringUra: z
            .string()
            .regex(/^\d{8}$/)
            .nullable()
            .optional()
            .describe('R-V9: organisation the youth is in care with'),
        }),
        response: { 201: z.object({ id: z.string(), dossierStatus: z.enum(['01', '02']) }) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createDossier(db, ctx(request), request.body, today())),
  );
  app.post(
    '/api/clients/:id/third-party-consents',
    {
      schema: {
        tags: ['elsewhere'],
        summary:
          'Register consent to inform a third party (BDS "Toestemming verstrekken informatie aan derden")',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({
          agreed: z.boolean(),
          source: z.enum(['youth', 'custodian', 'legal-representative']),
          recipientUra: z.string().regex(/^\d{8}$/),
          explanation: z
            .string()
            .trim()
            .min(1)
            .max(500)
            .describe('"Toelichting verstrekking informatie aan derden"'),
          date: isoDateSchema,
        }),
        response: { 201: z.object({ id: z.string() }) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await registerThirdPartyConsent(db, ctx(request), request.params.id, request.body, today())),
  );
  app.post(
    '/api/clients/:id/third-party-notifications',
    {
      schema: {
        tags: ['elsewhere'],
        summary: 'Tell the caring organisation about a vaccination given here (R-V9)',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ activityPk: z.uuid() }),
        response: {
          201: z.object({ id: z.string(), state: z.enum(['delivered', 'unmatched']), toUra: z.string() }),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await notifyCaringOrganisation(db, ctx(request), request.params.id, request.body.activityPk)),
  );
  app.get(
    '/api/third-party-notifications',
    {
      schema: {
        tags: ['elsewhere'],
        summary: 'Vaccinations given elsewhere, told to or by this organisation (R-V9)',
      },
    },
    async (request) => ({ items: await listNotifications(db, ctx(request)) }),
  );
  app.post(
    '/api/third-party-notifications/:id/link',
    {
      schema: {
        tags: ['elsewhere'],
        summary: 'Link an unmatched notification to one of this organisation’s active dossiers (R-V9)',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ clientId: z.uuid() }),
        response: {
          200: z.object({
            id: z.string(),
            state: z.literal('delivered'),
            toClientId: z.string(),
            toActivityPk: z.string(),
          }),
        },
      },
    },
    async (request) => linkNotification(db, ctx(request), request.params.id, request.body.clientId),
  );
}
