/**
 * Registry staff API for citizen requests (R-R6): unlink personal data, the "no consent" notice, the
 * vaccination certificate (PDF) and its verification. Registry staff and analysts only; every read
 * and write is audited (R-C8); refusals are problem+json naming field and rule. docs/population.md.
 */
import type { Kysely } from 'kysely';
import { requirePermission } from '../http/policy.js';
import { z } from 'zod';
import { isValidBsn } from '../domain/identifiers/index.js';
import type { App } from '../http/app.js';
import { notFound } from '../http/problem.js';
import type { Actor } from '../http/session.js';
import {
  citizenRequestSummary,
  issueCertificate,
  registerNoConsentNotice,
  unlinkPerson,
  verifyCertificate,
  withdrawNoConsentNotice,
} from './citizen-requests.js';
import type { RegistrySchema } from './schema.js';

export interface CitizenRouteOptions {
  /** Today (YYYY-MM-DD): the day a certificate is issued and ages are computed. */
  today: () => string;
}

function requireStaff(actor: Actor | null): Actor {
  return requirePermission(actor, 'registry.citizen-request');
}

const personParams = z.object({ id: z.uuid() });

const noticeSchema = z.object({
  id: z.string(),
  personId: z.string(),
  registeredAt: z.string(),
  registeredBy: z.string(),
  withdrawnAt: z.string().nullable(),
  withdrawnBy: z.string().nullable(),
});

export const certificateRequestSchema = z.strictObject({
  requester: z
    .enum(['self', 'custodian'])
    .describe('self: the person asks; custodian: a parent with custody or a guardian asks'),
  requesterBsn: z
    .string()
    .regex(/^\d{9}$/, 'BSN: 9 cijfers')
    .refine(isValidBsn, 'BSN voldoet niet aan de 11-proef')
    .describe("The requester's BSN, checked against the person (self) or the registered custodians"),
  youthConsent: z
    .boolean()
    .default(false)
    .describe('A custodian asking for a youth of 12–15: the youth agreed (staff checked this)'),
});

export function registerCitizenRoutes(
  app: App,
  db: Kysely<RegistrySchema>,
  options: CitizenRouteOptions,
): void {
  app.post(
    '/api/persons/:id/unlink',
    {
      schema: {
        tags: ['citizen requests'],
        summary:
          'Unlink personal data (R-R6): the vaccinations become anonymous, consent facts go; status queries are refused from now on',
        params: personParams,
        response: {
          200: z.object({
            personId: z.string(),
            unlinkRequestId: z.string(),
            requestedAt: z.string(),
            anonymisedVaccinations: z.number(),
            activities: z.number(),
            consentFactsRemoved: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const actor = requireStaff(request.actor);
      return unlinkPerson(db, { personId: request.params.id, actor, requestId: request.id });
    },
  );

  app.post(
    '/api/persons/:id/no-consent-notice',
    {
      schema: {
        tags: ['citizen requests'],
        summary: 'Register a "no consent" notice (R-R6): reminders stop, invitations continue',
        params: personParams,
        response: { 201: noticeSchema },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request.actor);
      const notice = await registerNoConsentNotice(db, {
        personId: request.params.id,
        actor,
        requestId: request.id,
      });
      return reply.code(201).send(notice);
    },
  );

  app.delete(
    '/api/persons/:id/no-consent-notice',
    {
      schema: {
        tags: ['citizen requests'],
        summary: 'Withdraw the "no consent" notice: reminders resume',
        params: personParams,
        response: { 200: noticeSchema },
      },
    },
    async (request) => {
      const actor = requireStaff(request.actor);
      return withdrawNoConsentNotice(db, { personId: request.params.id, actor, requestId: request.id });
    },
  );

  app.get(
    '/api/persons/:id/citizen-requests',
    {
      schema: {
        tags: ['citizen requests'],
        summary: "A person's citizen requests: unlinked, active notice, certificates issued (audited)",
        params: personParams,
        response: {
          200: z.object({
            personId: z.string(),
            unlinked: z.object({ requestedAt: z.string(), registeredBy: z.string() }).nullable(),
            noConsentNotice: noticeSchema.nullable(),
            certificates: z.array(
              z.object({
                verificationId: z.string(),
                issuedOn: z.string(),
                requester: z.enum(['self', 'custodian']),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = requireStaff(request.actor);
      return citizenRequestSummary(db, { personId: request.params.id, actor, requestId: request.id });
    },
  );

  app.post(
    '/api/persons/:id/certificate',
    {
      schema: {
        tags: ['citizen requests'],
        summary:
          'Issue a vaccination certificate (R-R6) as application/pdf: under 12 by a custodian, 12–15 by the youth or a custodian with consent, 16+ by the youth',
        description:
          "A POST, not a GET: it records the issue (verification id) and keeps the requester's BSN out of URLs and logs. " +
          'Refusals by the age rules answer 422 with errors[].rule.',
        params: personParams,
        body: certificateRequestSchema,
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request.actor);
      const issued = await issueCertificate(db, {
        personId: request.params.id,
        actor,
        requestId: request.id,
        requester: request.body.requester,
        requesterBsn: request.body.requesterBsn,
        youthConsent: request.body.youthConsent,
        on: options.today(),
      });
      return reply
        .code(200)
        .type('application/pdf')
        .header('content-disposition', 'attachment; filename="vaccinatiebewijs.pdf"')
        .header('cache-control', 'no-store')
        .header('x-verification-id', issued.verificationId)
        .header('x-certificate-rule', issued.decision.rule)
        .send(Buffer.from(issued.pdf));
    },
  );

  app.get(
    '/api/certificates/:verificationId',
    {
      schema: {
        tags: ['citizen requests'],
        summary: 'Verify an issued certificate by the id on its barcode (audited)',
        params: z.object({
          verificationId: z.string().regex(/^RVP-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/, 'RVP-XXXX-XXXX-XXXX'),
        }),
        response: {
          200: z.object({
            verificationId: z.string(),
            personId: z.string(),
            issuedOn: z.string(),
            requester: z.enum(['self', 'custodian']),
            vaccinations: z.number(),
            contentSha256: z.string(),
          }),
        },
      },
    },
    async (request) => {
      const actor = requireStaff(request.actor);
      const found = await verifyCertificate(db, {
        verificationId: request.params.verificationId,
        actor,
        requestId: request.id,
      });
      if (!found) throw notFound('Dit vaccinatiebewijs');
      return found;
    },
  );
}
