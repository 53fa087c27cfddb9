/** HTTP API of group sessions and sweeps (issue 9; SPEC §6). Services: sessions.ts, sweeps.ts. */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isoDateSchema } from '../domain/dates/index.js';
import { CONSENT_SOURCES } from '../domain/consent/index.js';
import { VACCINE_TYPES } from '../domain/messages/index.js';
import { SWEEP_KINDS } from '../domain/sessions/index.js';
import type { App } from '../http/app.js';
import type { Actor } from '../http/session.js';
import type { RequestContext } from './clients.js';
import type { DossierSchema } from './schema.js';
import { NOT_VACCINATED_REASONS } from './sessions-schema.js';
import {
  answerCard,
  callList,
  checkIn,
  createSession,
  findForCheckIn,
  getSession,
  listSessionLetters,
  listSessions,
  lookupCard,
  phoneConsent,
  recordSessionVaccinations,
  sessionLetters,
} from './sessions.js';
import { getSweep, listSweeps, runSweep, sweepLetters } from './sweeps.js';

const vaccineCode = z.enum(VACCINE_TYPES.map((v) => v.code) as [string, ...string[]]);
const Params = z.object({ id: z.uuid() });
const MemberParams = z.object({ id: z.uuid(), clientId: z.uuid() });
const CodeParams = z.object({ code: z.string().min(1).max(40) });
const Contact = z
  .string()
  .trim()
  .min(6)
  .max(300)
  .describe('How to reach a professional; printed on every letter');
const GraceQuery = z.object({ graceDays: z.coerce.number().int().min(0).max(365).default(14) });

const Due = z.object({
  vaccineType: z.string(),
  status: z.enum(['due', 'given', 'too-early', 'not-due']),
  earliest: z.string().nullable(),
});
const Member = z.object({
  clientId: z.string(),
  name: z.string(),
  birthDate: z.string(),
  bsn: z.string().nullable(),
  age: z.number(),
  decision: z.enum(['toestemming', 'geen-toestemming']),
  missing: z.array(z.string()),
  due: z.array(Due),
  advice: z.enum(['vaccinate', 'desk', 'nothing-due', 'done', 'not-vaccinated']),
  requests: z.object({
    issued: z.number(),
    answered: z.number(),
    lastIssuedOn: z.string().nullable(),
    lastKind: z.string().nullable(),
  }),
  nonResponder: z.boolean(),
  checkedInAt: z.string().nullable(),
  notVaccinated: z.object({ reason: z.enum(NOT_VACCINATED_REASONS), note: z.string().nullable() }).nullable(),
  custodians: z.array(z.object({ id: z.string(), name: z.string(), phone: z.string().nullable() })),
});
const Session = z.object({
  id: z.string(),
  name: z.string(),
  location: z.string(),
  contact: z.string(),
  dates: z.array(z.string()),
  vaccines: z.array(z.object({ vaccineType: z.string(), name: z.string(), batchNumber: z.string() })),
  cohort: z.object({
    birthFrom: z.string(),
    birthTo: z.string(),
    municipalityCodes: z.array(z.string()),
    onlyDue: z.boolean(),
  }),
  memberCount: z.number(),
  createdBy: z.string(),
  createdAt: z.string(),
});
const SweepMember = z.object({
  clientId: z.string(),
  name: z.string(),
  birthDate: z.string(),
  decision: z.enum(['toestemming', 'geen-toestemming']),
  missing: z.array(z.string()),
  birthday: z.string().optional(),
  decisionThen: z.enum(['toestemming', 'geen-toestemming']).optional(),
  lastLetterOn: z.string().optional(),
});
const SweepRun = z.object({
  id: z.string(),
  kind: z.enum(SWEEP_KINDS),
  referenceDate: z.string(),
  trigger: z.enum(['monthly', 'on-demand']),
  period: z.string().nullable(),
  parameters: z.object({ months: z.number().optional(), graceDays: z.number().optional() }),
  startedBy: z.string(),
  startedAt: z.string(),
  memberCount: z.number(),
  members: z.array(SweepMember).optional(),
});

export function registerSessionRoutes(app: App, db: Kysely<DossierSchema>, today: () => string): void {
  const ctx = (request: { actor: Actor | null; id: string }): RequestContext => ({
    actor: request.actor!,
    requestId: request.id,
  });
  // A PDF for clients that ask for one (Accept: application/pdf); otherwise JSON with the PDF in
  // base64, so the web app's JSON client (which carries the CSRF token) can fetch it too.
  const pdf = (
    request: { headers: Record<string, string | string[] | undefined> },
    reply: { header: (k: string, v: string) => unknown; send: (body: unknown) => unknown },
    name: string,
    bytes: Uint8Array,
    counts: Record<string, number>,
  ) => {
    if (String(request.headers.accept ?? '').includes('application/pdf')) {
      reply.header('content-type', 'application/pdf');
      reply.header('content-disposition', `attachment; filename="${name}"`);
      for (const [k, v] of Object.entries(counts)) reply.header(`x-rvp-${k}`, String(v));
      return reply.send(Buffer.from(bytes));
    }
    return reply.send({ ...counts, fileName: name, pdfBase64: Buffer.from(bytes).toString('base64') });
  };

  app.get(
    '/api/group-sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Planned group sessions',
        response: { 200: z.object({ items: z.array(Session) }) },
      },
    },
    async (request) => ({ items: await listSessions(db, ctx(request)) }),
  );

  app.post(
    '/api/group-sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Plan a group session and select its cohort (JGZ planner)',
        body: z.strictObject({
          name: z.string().trim().min(1).max(200),
          location: z.string().trim().min(1).max(50).describe('BDS 1452 of the vaccinations'),
          contact: Contact,
          dates: z.array(isoDateSchema).min(1).max(10),
          vaccines: z
            .array(
              z.strictObject({
                vaccineType: vaccineCode.describe('BDS 461'),
                batchNumber: z.string().trim().min(1).max(50).describe('BDS 472'),
              }),
            )
            .min(1)
            .max(5),
          cohort: z.strictObject({
            birthFrom: isoDateSchema,
            birthTo: isoDateSchema,
            municipalityCodes: z
              .array(z.string().regex(/^GM\d{4}$/))
              .max(100)
              .default([]),
            onlyDue: z.boolean().default(true),
          }),
        }),
        response: { 201: Session },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createSession(db, ctx(request), request.body, today())),
  );

  app.get(
    '/api/group-sessions/:id',
    {
      schema: {
        tags: ['sessions'],
        summary: 'A session with each member’s consent decision, what is missing, what is due',
        params: Params,
        querystring: GraceQuery,
        response: { 200: Session.extend({ day: z.string(), members: z.array(Member) }) },
      },
    },
    async (request) => getSession(db, ctx(request), request.params.id, today(), request.query.graceDays),
  );

  app.post(
    '/api/group-sessions/:id/letters',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Letters as one PDF: consent requests, reminders to non-responders, or confirmations',
        params: Params,
        body: z.strictObject({
          kind: z.enum(['request', 'reminder', 'confirmation']),
          graceDays: z.number().int().min(0).max(365).default(14),
        }),
      },
    },
    async (request, reply) => {
      const result = await sessionLetters(
        db,
        ctx(request),
        request.params.id,
        request.body.kind,
        today(),
        request.body.graceDays,
      );
      return pdf(request, reply, `brieven-${request.body.kind}.pdf`, result.pdf, {
        letters: result.letters,
        youth: result.youth,
      });
    },
  );

  app.get(
    '/api/group-sessions/:id/letters',
    {
      schema: {
        tags: ['sessions'],
        summary: 'The letters sent for this session, with their codes (verzendlijst)',
        params: Params,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                code: z.string(),
                clientId: z.string(),
                recipientPersonId: z.string(),
                kind: z.string(),
                issuedOn: z.string(),
                answered: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await listSessionLetters(db, ctx(request), request.params.id) }),
  );

  app.get(
    '/api/group-sessions/:id/call-list',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Non-responders to call',
        params: Params,
        querystring: GraceQuery,
        response: { 200: z.object({ items: z.array(Member) }) },
      },
    },
    async (request) => ({
      items: await callList(db, ctx(request), request.params.id, today(), request.query.graceDays),
    }),
  );

  app.get(
    '/api/consent-cards/:code',
    {
      schema: {
        tags: ['sessions'],
        summary: 'A scanned response card: the youth, the addressee and who may answer',
        params: CodeParams,
      },
    },
    async (request) => lookupCard(db, ctx(request), request.params.code, today()),
  );

  app.post(
    '/api/consent-cards/:code/answers',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Register the answers on a returned card (each a consent record, method written)',
        params: CodeParams,
        body: z.strictObject({
          date: isoDateSchema.describe('BDS 1536: the date on the card'),
          answers: z
            .array(
              z.strictObject({
                personId: z.union([z.literal('self'), z.uuid()]).describe('BDS 1534'),
                agreed: z.boolean().describe('BDS 1533'),
                source: z.enum(CONSENT_SOURCES).describe('BDS 1535'),
              }),
            )
            .min(1)
            .max(4),
        }),
        response: {
          201: z.object({
            registered: z.number(),
            decision: z.enum(['toestemming', 'geen-toestemming']),
            repairsQueued: z.number(),
          }),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await answerCard(db, ctx(request), request.params.code, request.body, today())),
  );

  app.get(
    '/api/group-sessions/:id/check-in',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Check-in: find a member by a scanned code or by name/BSN',
        params: Params,
        querystring: z
          .object({ code: z.string().max(40).optional(), search: z.string().max(100).optional() })
          .refine((q) => q.code || q.search, 'Scan een code of zoek op naam of BSN'),
        response: { 200: z.object({ day: z.string(), items: z.array(Member) }) },
      },
    },
    async (request) => findForCheckIn(db, ctx(request), request.params.id, request.query, today()),
  );

  app.post(
    '/api/group-sessions/:id/members/:clientId/check-in',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Check a member in; optionally record why they are not vaccinated',
        params: MemberParams,
        body: z.strictObject({
          notVaccinated: z
            .strictObject({
              reason: z.enum(NOT_VACCINATED_REASONS),
              note: z.string().trim().max(500).optional(),
            })
            .nullable()
            .optional(),
        }),
        response: { 200: Member },
      },
    },
    async (request) =>
      checkIn(db, ctx(request), request.params.id, request.params.clientId, request.body, today()),
  );

  app.post(
    '/api/group-sessions/:id/members/:clientId/phone-consent',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Desk: a custodian by phone, verified with the last 3 digits of both BSNs',
        params: MemberParams,
        body: z.strictObject({
          personId: z.uuid(),
          custodianBsnLast3: z.string().max(10),
          youthBsnLast3: z.string().max(10),
          agreed: z.boolean(),
          source: z.enum(['03', '04']),
        }),
        response: {
          201: z.object({ decision: z.enum(['toestemming', 'geen-toestemming']), repairsQueued: z.number() }),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await phoneConsent(
            db,
            ctx(request),
            request.params.id,
            request.params.clientId,
            request.body,
            today(),
          ),
        ),
  );

  app.post(
    '/api/group-sessions/:id/vaccinations',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Record the session’s vaccinations (preset batch) for these members, today',
        params: Params,
        body: z.strictObject({
          clientIds: z.array(z.uuid()).min(1).max(200),
          performer: z
            .string()
            .trim()
            .min(1)
            .max(50)
            .optional()
            .describe('BDS 1336; default the signed-in professional'),
        }),
        response: {
          200: z.object({
            date: z.string(),
            items: z.array(
              z.object({
                clientId: z.string(),
                outcome: z.enum(['vaccinated', 'skipped']),
                reason: z.string().nullable(),
                activityId: z.string().nullable(),
                vaccineTypes: z.array(z.string()),
              }),
            ),
          }),
        },
      },
    },
    async (request) => recordSessionVaccinations(db, ctx(request), request.params.id, request.body, today()),
  );

  app.get(
    '/api/sweeps',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'Sweep runs (monthly and on demand)',
        response: { 200: z.object({ items: z.array(SweepRun) }) },
      },
    },
    async (request) => ({ items: await listSweeps(db, ctx(request)) }),
  );

  app.post(
    '/api/sweeps',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'Run a sweep now',
        body: z.strictObject({
          kind: z.enum(SWEEP_KINDS),
          months: z.number().int().min(1).max(24).optional(),
          graceDays: z.number().int().min(0).max(365).optional(),
        }),
        response: { 201: SweepRun },
      },
    },
    async (request, reply) => {
      const { kind, ...parameters } = request.body;
      return reply.code(201).send(await runSweep(db, ctx(request), kind, parameters, today()));
    },
  );

  app.get(
    '/api/sweeps/:id',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'One sweep run with its list',
        params: Params,
        response: { 200: SweepRun },
      },
    },
    async (request) => getSweep(db, ctx(request), request.params.id),
  );

  app.post(
    '/api/sweeps/:id/letters',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'The letters of a sweep run as one PDF (once per run)',
        params: Params,
        body: z.strictObject({ contact: Contact }),
      },
    },
    async (request, reply) => {
      const result = await sweepLetters(db, ctx(request), request.params.id, request.body.contact, today());
      return pdf(request, reply, 'brieven-veegactie.pdf', result.pdf, { letters: result.letters });
    },
  );
}
