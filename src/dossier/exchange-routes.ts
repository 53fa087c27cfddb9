import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { isoDateSchema } from '../domain/dates/index.js';
import { ACTIVITY_TYPES, LIMITS, OBJECTION_CODES, VACCINE_TYPES } from '../domain/messages/index.js';
import { validityFeedbackDose } from '../exchange/feedback-schema.js';
import { publicKeys, signingKeyFor } from '../exchange/keys.js';
import type { ExchangeSender } from '../exchange/sender.js';
import { signPayload } from '../exchange/signing.js';
import type { App } from '../http/app.js';
import { requirePermission } from '../http/policy.js';
import { notFound, ProblemError } from '../http/problem.js';
import { organisationOf } from './clients.js';
import { consentForExchange } from './consent.js';
import type { DossierSchema } from './schema.js';
import { changeVaccination, listActivities, recordActivity } from './vaccinations.js';

const codes = <T extends readonly { code: string }[]>(list: T) =>
  z.enum(list.map((c) => c.code) as [T[number]['code'], ...T[number]['code'][]]);

const Vaccination = z.strictObject({
  vaccineType: codes(VACCINE_TYPES).describe('BDS 461 (W0422)'),
  date: isoDateSchema.describe('BDS 1409'),
  batchNumber: z.string().trim().min(1).max(LIMITS.batchNumber).describe('BDS 472'),
  performer: z.string().trim().min(1).max(LIMITS.performer).describe('BDS 1336'),
  location: z.string().trim().min(1).max(LIMITS.location).describe('BDS 1452'),
  objection: codes(OBJECTION_CODES).nullable().optional().describe('BDS 683 (W0323)'),
});

const MessageState = z.object({
  version: z.number(),
  reason: z.enum(['new', 'correction', 'cancellation', 'repair']),
  state: z.enum(['queued', 'sent', 'held', 'refused', 'superseded']),
  urgency: z.enum(['nightly', 'immediate']),
  sentKind: z.enum(['personalised', 'anonymous']).nullable(),
  sentAt: z.string().nullable(),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  registryOutcome: z.string().nullable(),
  registryReason: z.string().nullable(),
  validityFeedback: z
    .array(validityFeedbackDose)
    .nullable()
    .describe('R-R3: doses the registry judged not valid'),
});
const Activity = z.object({
  id: z.string(),
  activityId: z.string(),
  activityType: z.string(),
  activityDate: z.string(),
  originUra: z.string(),
  version: z.number(),
  vaccinations: z.array(
    Vaccination.extend({
      id: z.string(),
      status: z.enum(['active', 'cancelled']),
      vaccineType: z.string(),
      objection: z.string().nullable().optional(),
    }),
  ),
  messages: z.array(MessageState),
});

export interface DossierExchange {
  sender: ExchangeSender;
  registryUrl: () => string;
}

/** Vaccinations, their messages, the status query, and the keys the registry verifies with. */
export function registerExchangeRoutes(
  app: App,
  db: Kysely<DossierSchema>,
  today: () => string,
  exchange: DossierExchange,
): void {
  const ctx = (request: { actor: unknown; id: string }) => ({
    actor: request.actor as NonNullable<Parameters<typeof listActivities>[1]['actor']>,
    requestId: request.id,
  });
  const ClientParams = z.object({ id: z.uuid() });

  app.get(
    '/.well-known/jwks.json',
    { schema: { tags: ['exchange'], summary: "The organisations' public signing keys (JWKS)" } },
    async () => ({ keys: await publicKeys(db) }),
  );

  app.get(
    '/api/code-lists',
    { schema: { tags: ['vaccinations'], summary: 'Code lists for the vaccination form' } },
    async () => ({ vaccineTypes: VACCINE_TYPES, activityTypes: ACTIVITY_TYPES, objections: OBJECTION_CODES }),
  );

  app.get(
    '/api/clients/:id/activities',
    {
      schema: {
        tags: ['vaccinations'],
        summary: 'Contact moments with their vaccinations and the state of each message to the registry',
        params: ClientParams,
        response: { 200: z.object({ items: z.array(Activity) }) },
      },
    },
    async (request) => ({ items: await listActivities(db, ctx(request), request.params.id) }),
  );

  app.post(
    '/api/clients/:id/activities',
    {
      schema: {
        tags: ['vaccinations'],
        summary: 'Record a contact moment with its vaccinations (queued for the nightly delivery)',
        params: ClientParams,
        body: z.strictObject({
          activityType: codes(ACTIVITY_TYPES).describe('BDS 494'),
          activityDate: isoDateSchema.describe('BDS 724'),
          vaccinations: z.array(Vaccination).min(1).max(20),
        }),
        response: { 201: Activity },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await recordActivity(db, ctx(request), request.params.id, request.body, today())),
  );

  app.patch(
    '/api/vaccinations/:id',
    {
      schema: {
        tags: ['vaccinations'],
        summary: 'Correct a vaccination; the registry receives the new version',
        params: z.object({ id: z.uuid() }),
        body: Vaccination.partial().refine((b) => Object.keys(b).length > 0, 'Niets te corrigeren'),
        response: { 200: Activity },
      },
    },
    async (request) =>
      changeVaccination(db, ctx(request), request.params.id, { correction: request.body }, today()),
  );

  app.delete(
    '/api/vaccinations/:id',
    {
      schema: {
        tags: ['vaccinations'],
        summary: 'Cancel a vaccination; the registry receives the new version without it',
        params: z.object({ id: z.uuid() }),
        response: { 200: Activity },
      },
    },
    async (request) => changeVaccination(db, ctx(request), request.params.id, { cancel: true }, today()),
  );

  app.get(
    '/api/exchange/worklist',
    {
      schema: {
        tags: ['exchange'],
        summary:
          'Messages the registry refused or held, with its reason, and messages that could not be delivered yet',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                clientId: z.string(),
                activityId: z.string(),
                version: z.number(),
                /** `undelivered`: still queued after a failed delivery (registry down, batch refused). */
                state: z.enum(['refused', 'held', 'undelivered']),
                registryReason: z.string().nullable(),
                sentAt: z.string().nullable(),
                attempts: z.number(),
                deliveryError: z.string().nullable(),
                nextAttemptAt: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = ctx(request).actor;
      const ura = organisationOf(actor);
      requirePermission(actor, 'exchange.worklist');
      const rows = await db
        .selectFrom('outbox_message as o')
        .innerJoin('activity as a', 'a.id', 'o.activity_pk')
        .select([
          'a.client_id',
          'a.activity_id',
          'o.version',
          'o.state',
          'o.registry_reason',
          'o.sent_at',
          'o.attempts',
          'o.last_error',
          'o.next_attempt_at',
        ])
        .where('o.organisation_ura', '=', ura)
        .where((eb) =>
          eb.or([
            eb('o.state', 'in', ['refused', 'held']),
            // R-V5: a batch the registry refuses whole (its signature, say) or a registry that is down
            // leaves messages queued; the operator sees them here rather than only in a log.
            eb.and([eb('o.state', '=', 'queued'), eb('o.last_error', 'is not', null)]),
          ]),
        )
        // Undelivered first (never sent), then the newest answers.
        .orderBy(sql`o.sent_at desc nulls first`)
        .orderBy('o.next_attempt_at')
        .limit(500)
        .execute();
      return {
        items: rows.map((r) => {
          const undelivered = r.state === 'queued';
          return {
            clientId: r.client_id,
            activityId: r.activity_id,
            version: r.version,
            state: undelivered ? ('undelivered' as const) : (r.state as 'refused' | 'held'),
            registryReason: r.registry_reason,
            sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
            attempts: r.attempts,
            deliveryError: undelivered ? r.last_error : null,
            nextAttemptAt: undelivered ? new Date(r.next_attempt_at).toISOString() : null,
          };
        }),
      };
    },
  );

  app.post(
    '/api/exchange/run',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Run the nightly delivery now (JGZ admin or planner)',
        response: {
          200: z.object({
            attempted: z.number(),
            sent: z.number(),
            held: z.number(),
            refused: z.number(),
            failed: z.number(),
            personalised: z.number(),
            anonymous: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const actor = ctx(request).actor;
      requirePermission(actor, 'exchange.run');
      // Sending now after mending a failed delivery means now: the organisation's waiting messages
      // do not sit out their backoff.
      await exchange.sender.expediteRetries(organisationOf(actor));
      return exchange.sender.runNightly();
    },
  );

  app.get(
    '/api/clients/:id/vaccination-status',
    {
      schema: {
        tags: ['vaccinations'],
        summary: 'Ask the registry for the full vaccination status (R-V7); only with consent (R-C6)',
        params: ClientParams,
      },
    },
    async (request) => {
      const actor = ctx(request).actor;
      const ura = organisationOf(actor);
      const client = await db
        .selectFrom('client')
        .select(['id', 'bsn'])
        .where('organisation_ura', '=', ura)
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!client) throw notFound('Deze cliënt');
      const consent = await consentForExchange(db, ura, client.id, today());
      if (consent.decision !== 'toestemming') {
        throw new ProblemError(
          409,
          'no-consent',
          'Statusvraag niet toegestaan',
          'Zonder toestemming voor gegevensuitwisseling mag de vaccinatiestatus niet bij het register worden opgevraagd (R-C6).',
          [{ field: 'client', rule: 'no-consent', message: 'Geen toestemming gegevensuitwisseling RVP.' }],
        );
      }
      if (!client.bsn) {
        throw new ProblemError(409, 'no-bsn', 'Statusvraag niet mogelijk', 'Deze cliënt heeft geen BSN.');
      }
      const key = await signingKeyFor(db, ura);
      const jws = await signPayload(
        {
          schema: 'open-rvp/status-query/v1',
          organisationUra: ura,
          bsn: client.bsn,
          requestedAt: new Date().toISOString(),
        },
        key,
      );
      let response: Response;
      try {
        response = await fetch(`${exchange.registryUrl()}/api/exchange/status-query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ request: jws }),
          signal: AbortSignal.timeout(15_000),
        });
      } catch {
        throw new ProblemError(
          502,
          'registry-unreachable',
          'Register niet bereikbaar',
          'Probeer het later opnieuw.',
        );
      }
      const body = (await response.json()) as Record<string, unknown>;
      if (!response.ok) {
        throw new ProblemError(
          response.status === 403 ? 409 : 502,
          String(body.type ?? 'registry-refused').replace(/^urn:open-rvp:problem:/, ''),
          'Register weigert de statusvraag',
          String(body.detail ?? body.title ?? 'Onbekende reden'),
          [
            {
              field: 'registry',
              rule: String(body.type ?? 'registry-refused').replace(/^urn:open-rvp:problem:/, ''),
              message: String(body.detail ?? body.title ?? 'Onbekende reden'),
            },
          ],
        );
      }
      await db
        .insertInto('audit_event')
        .values({
          actor_id: actor.userId,
          organisation_ura: ura,
          action: 'vaccination-status.query',
          subject_type: 'client',
          subject_id: client.id,
          request_id: request.id,
        })
        .execute();
      return body;
    },
  );
}
