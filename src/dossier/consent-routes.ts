import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isoDateSchema } from '../domain/dates/index.js';
import { CONSENT_SOURCES } from '../domain/consent/index.js';
import type { App } from '../http/app.js';
import {
  getConsentHistory,
  getConsentOverview,
  registerCompetenceJudgement,
  registerConsentRecord,
  SELF,
} from './consent.js';
import type { DossierSchema } from './schema.js';

const ClientParams = z.object({ id: z.uuid() });

const PathStep = z.object({ question: z.string(), answer: z.string() });
const Decision = z.enum(['toestemming', 'geen-toestemming']);
const Person = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['client', 'custodian', 'parent-without-custody', 'legal-representative']),
});
const Method = z.enum(['written', 'verbal', 'phone', 'portal', 'other']);
const StoredRecord = z.object({
  id: z.string(),
  agreed: z.boolean().describe('BDS 1533'),
  sourcePerson: Person.describe('BDS 1534'),
  source: z.enum(CONSENT_SOURCES).describe('BDS 1535 (W0691)'),
  date: z.string().describe('BDS 1536'),
  endDate: z.string().nullable().describe('BDS 1607'),
  method: Method.nullable().describe('W0678'),
  note: z.string().nullable(),
  organisationUra: z.string(),
  registeredBy: z.object({ id: z.string(), name: z.string().nullable() }),
  registeredAt: z.string(),
});
const DomainRecord = z.object({
  id: z.string().optional(),
  agreed: z.boolean(),
  by: z.string(),
  source: z.enum(CONSENT_SOURCES),
  date: z.string(),
  endDate: z.string().nullable().optional(),
  registeredAt: z.string().optional(),
});
const Evaluation = z.object({
  evaluationDate: z.string(),
  decision: Decision,
  path: z.array(PathStep).readonly(),
  activeRecords: z.array(DomainRecord).readonly(),
  ignoredRecords: z
    .array(z.object({ record: DomainRecord, reason: z.string(), explanation: z.string() }))
    .readonly(),
  ageOnEvaluationDate: z.number(),
  ageBand: z.enum(['under-12', '12-15', '16-plus']),
  competent: z.boolean().nullable(),
});
const Judgement = z.object({
  id: z.string(),
  date: z.string(),
  competent: z.boolean(),
  explanation: z.string(),
  registeredBy: z.object({ id: z.string(), name: z.string().nullable() }),
  registeredAt: z.string(),
});

/** Consent API of the dossier (R-C1..R-C8): the decision with its path, history, and registration. */
export function registerConsentRoutes(
  app: App,
  db: Kysely<DossierSchema>,
  today: () => string,
  onRepairsQueued: () => void,
): void {
  const ctx = (request: { actor: unknown; id: string }) => ({
    actor: request.actor as NonNullable<Parameters<typeof getConsentOverview>[1]['actor']>,
    requestId: request.id,
  });

  app.get(
    '/api/clients/:id/consent',
    {
      schema: {
        tags: ['consent'],
        summary: 'The exchange-consent decision today (or on ?on=YYYY-MM-DD) with the path through the tree',
        params: ClientParams,
        querystring: z.object({ on: isoDateSchema.optional() }),
        response: {
          200: z.object({
            clientId: z.string(),
            evaluation: Evaluation,
            whoMayConsent: z.array(
              z.object({ personId: z.string(), name: z.string(), sources: z.array(z.enum(CONSENT_SOURCES)) }),
            ),
            upcoming: z.array(
              z.object({
                date: z.string(),
                age: z.union([z.literal(12), z.literal(16)]),
                decisionNow: z.string(),
                decisionThen: z.string(),
                explanation: z.string(),
              }),
            ),
            persons: z.array(Person),
            records: z.array(StoredRecord),
          }),
        },
      },
    },
    async (request) =>
      getConsentOverview(db, ctx(request), request.params.id, { today: today(), on: request.query.on }),
  );

  app.get(
    '/api/clients/:id/consent/history',
    {
      schema: {
        tags: ['consent'],
        summary:
          'Every consent record and competence judgement, and every change of the decision since birth',
        params: ClientParams,
        response: {
          200: z.object({
            clientId: z.string(),
            records: z.array(StoredRecord),
            judgements: z.array(Judgement),
            transitions: z.array(
              z.object({
                date: z.string(),
                decision: Decision,
                previous: Decision,
                cause: z.string(),
                causes: z.array(z.string()).readonly(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => getConsentHistory(db, ctx(request), request.params.id, today()),
  );

  app.post(
    '/api/clients/:id/consent-records',
    {
      schema: {
        tags: ['consent'],
        summary: 'Register a consent record (append-only; ends the same person’s previous record)',
        params: ClientParams,
        // Nothing is pre-set (R-C1): `agreed` and `source` must be chosen explicitly.
        body: z.strictObject({
          agreed: z.boolean().describe('BDS 1533: yes or no, always chosen explicitly'),
          sourcePersonId: z
            .union([z.literal(SELF), z.uuid()])
            .describe('BDS 1534: "self" for the client/youth, or the id of a related person'),
          source: z.enum(CONSENT_SOURCES).describe('BDS 1535'),
          date: isoDateSchema.describe('BDS 1536'),
          method: Method.optional(),
          note: z.string().max(2000).optional(),
        }),
        response: {
          201: z.object({
            record: StoredRecord,
            evaluation: Evaluation,
            ended: z.array(z.string()),
            repairsQueued: z.number().describe('personalised repairs queued for today (R-C5)'),
          }),
        },
      },
    },
    async (request, reply) => {
      const result = await registerConsentRecord(db, ctx(request), request.params.id, request.body, today());
      if (result.repairsQueued > 0) onRepairsQueued();
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/api/clients/:id/competence-judgements',
    {
      schema: {
        tags: ['consent'],
        summary: 'Register a competence judgement (wilsbekwaamheid) of a youth of 12 or older',
        params: ClientParams,
        body: z.strictObject({
          date: isoDateSchema,
          competent: z.boolean(),
          explanation: z.string().trim().min(1).max(2000).describe('bijzonderheden wilsontwikkeling'),
        }),
        response: {
          201: z.object({ judgement: Judgement, evaluation: Evaluation, repairsQueued: z.number() }),
        },
      },
    },
    async (request, reply) => {
      const result = await registerCompetenceJudgement(
        db,
        ctx(request),
        request.params.id,
        request.body,
        today(),
      );
      return reply.code(201).send(result);
    },
  );
}
