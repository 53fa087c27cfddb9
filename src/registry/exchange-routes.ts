import type { Kysely } from 'kysely';
import { auditBatcherFor } from '../db/audit-batch.js';
import { requirePermission } from '../http/policy.js';
import { z } from 'zod';
import { validityFeedbackDose } from '../exchange/feedback-schema.js';
import { createSignatureChecker } from '../exchange/signature-worker.js';
import { MAX_SIGNED_BATCH_CHARS, type KeyResolver } from '../exchange/signing.js';
import type { App } from '../http/app.js';
import { ProblemError } from '../http/problem.js';
import { MAX_BATCH, receiveMessages, receiveSignedBatch } from './intake.js';
import type { RegistrySchema } from './schema.js';
import { answerStatusQuery, statusQueryResponseSchema } from './status-query.js';

const Jws = z.string().min(1).max(200_000);

/** The registry's side of the exchange: intake of signed messages, status queries, worklists. */
export function registerExchangeRoutes(
  app: App,
  db: Kysely<RegistrySchema>,
  trustedKeys: () => KeyResolver,
): void {
  const audit = auditBatcherFor(db);
  // Entries already queued are written before the database handle goes away.
  app.addHook('onClose', () => audit.drain());
  const signatures = createSignatureChecker();
  app.addHook('onClose', () => signatures.close());
  const intakeResults = z.object({
    results: z.array(
      z.object({
        index: z.number(),
        outcome: z.enum(['accepted', 'duplicate', 'stale', 'held', 'refused']),
        rule: z.string().optional(),
        reason: z.string().optional(),
        feedback: z
          .array(validityFeedbackDose)
          .optional()
          .describe('R-R3: doses of this activity the registry judged not valid'),
      }),
    ),
  });
  app.post(
    '/api/exchange/messages',
    {
      bodyLimit: 50 * 1_048_576,
      schema: {
        tags: ['exchange'],
        summary: 'Intake of signed vaccination messages 4/4a and repairs, each its own JWS (compact, ES256)',
        body: z.strictObject({ messages: z.array(Jws).min(1).max(MAX_BATCH) }),
        response: { 200: intakeResults },
      },
    },
    async (request) => ({
      results: await receiveMessages(db, trustedKeys(), request.body.messages, {
        onGroupStored: (messages) => request.log.debug({ messages }, 'intake group stored'),
        signatures,
      }),
    }),
  );

  // A signed batch is the JWS itself (RFC 7515's media type), not wrapped in JSON.
  app.addContentTypeParser(
    'application/jose',
    { parseAs: 'string', bodyLimit: MAX_SIGNED_BATCH_CHARS },
    (_request, body, done) => done(null, body),
  );
  app.post(
    '/api/exchange/batches',
    {
      bodyLimit: MAX_SIGNED_BATCH_CHARS,
      schema: {
        tags: ['exchange'],
        summary:
          'Intake of one organisation’s messages 4/4a and repairs as one signed batch: a JWS (compact, ES256, typ open-rvp-batch+jws) over {"messages": [...]}, sent as application/jose',
        consumes: ['application/jose'],
        body: z.string().min(1).max(MAX_SIGNED_BATCH_CHARS),
        response: { 200: intakeResults },
      },
    },
    async (request) => {
      const received = await receiveSignedBatch(db, trustedKeys(), request.body, {
        onGroupStored: (messages) => request.log.debug({ messages }, 'intake group stored'),
      });
      if (!received.ok) {
        // Nothing of it was stored; the sender keeps its messages queued and retries.
        throw new ProblemError(422, 'batch-refused', 'Batch geweigerd', received.reason, [
          { field: 'body', rule: received.rule, message: received.reason },
        ]);
      }
      return { results: received.results };
    },
  );

  app.post(
    '/api/exchange/status-query',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Vaccination status of one person for an organisation with consent (R-V7, R-C6)',
        body: z.strictObject({ request: Jws }),
        response: { 200: statusQueryResponseSchema },
      },
    },
    // Answered only after the read's audit entry is committed (group commit; 503 when it cannot be).
    async (request) =>
      answerStatusQuery(db, trustedKeys(), request.body.request, { audit, requestId: request.id }),
  );

  app.get(
    '/api/intake/worklist',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Messages held (unknown BSN) and refused, for registry staff',
        response: {
          200: z.object({
            held: z.array(
              z.object({
                id: z.string(),
                organisationUra: z.string(),
                activityId: z.string(),
                version: z.number(),
                reasonCode: z.string(),
                reason: z.string(),
                receivedAt: z.string(),
              }),
            ),
            refused: z.array(
              z.object({
                organisationUra: z.string().nullable(),
                activityId: z.string().nullable(),
                rule: z.string(),
                reason: z.string(),
                receivedAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      requirePermission(request.actor, 'registry.intake-worklist');
      const held = await db
        .selectFrom('intake_worklist')
        .select(['id', 'organisation_ura', 'activity_id', 'version', 'reason_code', 'reason', 'received_at'])
        .where('resolved_at', 'is', null)
        .orderBy('received_at', 'desc')
        .limit(500)
        .execute();
      const refused = await db
        .selectFrom('intake_refusal')
        .select(['organisation_ura', 'activity_id', 'rule', 'reason', 'received_at'])
        .orderBy('received_at', 'desc')
        .limit(500)
        .execute();
      return {
        held: held.map((h) => ({
          id: h.id,
          organisationUra: h.organisation_ura,
          activityId: h.activity_id,
          version: h.version,
          reasonCode: h.reason_code,
          reason: h.reason,
          receivedAt: new Date(h.received_at).toISOString(),
        })),
        refused: refused.map((r) => ({
          organisationUra: r.organisation_ura,
          activityId: r.activity_id,
          rule: r.rule,
          reason: r.reason,
          receivedAt: new Date(r.received_at).toISOString(),
        })),
      };
    },
  );
}
