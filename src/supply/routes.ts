/** Supply API (SPEC §8): stock, deliveries, incidents, recalls, inventory, loss, scenarios. Staff only. */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isoDateSchema } from '../domain/dates/index.js';
import type { App } from '../http/app.js';
import { requirePermission } from '../http/policy.js';
import type { RegistrySchema } from '../registry/schema.js';
import {
  confirmDelivery,
  decideIncident,
  discrepancies,
  listDeliveries,
  listIncidents,
  listInventoryCounts,
  listRecalls,
  organisationLoss,
  recallDetails,
  recordInventory,
  registerDelivery,
  reportIncident,
  reportIncidents,
  startRecall,
  stockPerFridge,
  stockScenario,
  type Ctx,
} from './supply.js';

const vaccineType = z.string().regex(/^\d{2}$/, 'W0422: 2 cijfers');
const batch = z.string().trim().min(1).max(30);
const fridgeId = z.string().regex(/^[A-Z0-9-]{2,30}$/, 'koelkast-id');
const count = z.number().int().min(0).max(1_000_000);
const incidentKind = z.enum(['cold-chain', 'breakage', 'expired', 'other']);
// A cold-chain incident's measurements (annex B 9); the service requires them for kind cold-chain.
const measurements = {
  minTemperature: z.number().min(-50).max(60).optional(),
  maxTemperature: z.number().min(-50).max(60).optional(),
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 31)
    .optional(),
};
const inventoryBody = z.strictObject({
  fridgeId,
  countDate: isoDateSchema,
  counts: z
    .array(z.strictObject({ vaccineType, counted: count }))
    .min(1)
    .max(30),
});

export function registerSupplyRoutes(
  app: App,
  db: Kysely<RegistrySchema>,
  options: { today: () => string },
): void {
  const ctx = (
    request: { actor?: unknown; id: string },
    permission: 'supply.read' | 'supply.manage',
  ): Ctx => ({
    actor: requirePermission(request.actor as never, permission),
    requestId: request.id,
    today: options.today(),
  });

  app.get(
    '/api/supply/stock',
    { schema: { tags: ['supply'], summary: 'Book stock per fridge (usable and quarantined)' } },
    async (request) => {
      ctx(request, 'supply.read');
      return { items: await stockPerFridge(db) };
    },
  );

  app.get(
    '/api/supply/deliveries',
    { schema: { tags: ['supply'], summary: 'Recent deliveries with their lines and confirmations' } },
    async (request) => {
      ctx(request, 'supply.read');
      return { items: await listDeliveries(db) };
    },
  );

  app.get(
    '/api/supply/incidents',
    { schema: { tags: ['supply'], summary: 'Incidents; quarantined ones (awaiting a decision) first' } },
    async (request) => {
      ctx(request, 'supply.read');
      return { items: await listIncidents(db) };
    },
  );

  app.get(
    '/api/supply/recalls',
    { schema: { tags: ['supply'], summary: 'Batch recalls (without recipients)' } },
    async (request) => {
      ctx(request, 'supply.read');
      return { items: await listRecalls(db) };
    },
  );

  app.get(
    '/api/supply/inventory',
    { schema: { tags: ['supply'], summary: 'Inventory counts with their plausibility check' } },
    async (request) => {
      ctx(request, 'supply.read');
      return { items: await listInventoryCounts(db) };
    },
  );

  app.post(
    '/api/supply/deliveries',
    {
      schema: {
        tags: ['supply'],
        summary:
          'Register a delivery to a fridge; the organisation confirms each line within one working day',
        body: z.strictObject({
          fridgeId,
          deliveredOn: isoDateSchema,
          lines: z
            .array(
              z.strictObject({
                vaccineType,
                batchNumber: batch,
                quantity: count.min(1),
                expiryDate: isoDateSchema.optional(),
              }),
            )
            .min(1)
            .max(50),
        }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await registerDelivery(db, request.body, ctx(request, 'supply.manage'))),
  );

  app.post(
    '/api/supply/deliveries/:id/confirmation',
    {
      schema: {
        tags: ['supply'],
        summary: 'Confirm the delivered quantities per line; a difference needs a note (discrepancy report)',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({
          lines: z
            .array(
              z.strictObject({
                lineId: z.uuid(),
                confirmedQuantity: count,
                // As on the vials, when it differs from the delivery note.
                batchNumber: batch.optional(),
                expiryDate: isoDateSchema.optional(),
                note: z.string().max(1000).optional(),
              }),
            )
            .min(1),
        }),
      },
    },
    async (request) => confirmDelivery(db, request.params.id, request.body, ctx(request, 'supply.manage')),
  );

  app.get(
    '/api/supply/discrepancies',
    { schema: { tags: ['supply'], summary: 'Delivery discrepancies and overdue confirmations' } },
    async (request) => {
      const c = ctx(request, 'supply.read');
      return { items: await discrepancies(db, c.today) };
    },
  );

  app.post(
    '/api/supply/incidents',
    {
      schema: {
        tags: ['supply'],
        summary: 'Report an incident; a cold-chain incident quarantines the doses until the registry decides',
        body: z.strictObject({
          fridgeId,
          kind: incidentKind,
          vaccineType,
          batchNumber: batch,
          quantity: count.min(1),
          occurredOn: isoDateSchema,
          description: z.string().trim().min(1).max(2000),
          ...measurements,
        }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await reportIncident(db, request.body, ctx(request, 'supply.manage'))),
  );

  app.post(
    '/api/supply/incident-reports',
    {
      schema: {
        tags: ['supply'],
        summary:
          'The incident form: one fridge, several vaccines affected (one incident each), all or nothing',
        body: z.strictObject({
          fridgeId,
          kind: incidentKind,
          occurredOn: isoDateSchema,
          description: z.string().trim().min(1).max(2000),
          ...measurements,
          items: z
            .array(z.strictObject({ vaccineType, batchNumber: batch, quantity: count.min(1) }))
            .min(1)
            .max(50),
        }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send({ items: await reportIncidents(db, request.body, ctx(request, 'supply.manage')) }),
  );

  app.post(
    '/api/supply/incidents/:id/decision',
    {
      schema: {
        tags: ['supply'],
        summary: 'The registry decides on quarantined doses: release them or destroy them (known loss)',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({
          decision: z.enum(['release', 'destroy']),
          note: z.string().trim().min(1).max(2000),
        }),
      },
    },
    async (request) => decideIncident(db, request.params.id, request.body, ctx(request, 'supply.manage')),
  );

  app.post(
    '/api/supply/recalls',
    {
      schema: {
        tags: ['supply'],
        summary: 'Recall a batch: which fridges held it, who received it (personalised records only)',
        body: z.strictObject({ vaccineType, batchNumber: batch, reason: z.string().trim().min(1).max(2000) }),
      },
    },
    async (request, reply) => {
      const c = ctx(request, 'supply.manage');
      requirePermission(c.actor, 'registry.person.read');
      return reply.status(201).send(await startRecall(db, request.body, c));
    },
  );

  app.get(
    '/api/supply/recalls/:id',
    {
      schema: {
        tags: ['supply'],
        summary: 'A recall with locations and recipients',
        params: z.object({ id: z.uuid() }),
      },
    },
    async (request) => {
      const c = ctx(request, 'supply.read');
      requirePermission(c.actor, 'registry.person.read');
      return recallDetails(db, request.params.id, c);
    },
  );

  app.post(
    '/api/supply/inventory',
    {
      schema: {
        tags: ['supply'],
        summary:
          'Record an inventory count per fridge (last working day of May/November) with a plausibility check',
        body: inventoryBody,
      },
    },
    async (request) => recordInventory(db, request.body, ctx(request, 'supply.manage')),
  );

  app.post(
    '/api/supply/inventory/check',
    {
      schema: {
        tags: ['supply'],
        summary: 'The plausibility check of an inventory count without saving it (the form warns first)',
        body: inventoryBody,
      },
    },
    async (request) => recordInventory(db, request.body, ctx(request, 'supply.manage'), { save: false }),
  );

  app.get(
    '/api/supply/loss',
    {
      schema: {
        tags: ['supply'],
        summary: 'Vaccine loss of an organisation between two inventory days (D = A + B − C; loss = D − E)',
        querystring: z.object({
          organisationUra: z.string().regex(/^\d{8}$/, 'URA: 8 cijfers'),
          from: isoDateSchema,
          to: isoDateSchema,
        }),
      },
    },
    async (request) => {
      const c = ctx(request, 'supply.read');
      return organisationLoss(db, { ...request.query, assessmentDate: c.today, actorId: c.actor.userId });
    },
  );

  app.get(
    '/api/supply/scenario',
    {
      schema: {
        tags: ['supply'],
        summary: 'Projected need per vaccine against stock: surplus to donate or shortfall (seed 004)',
        querystring: z.object({
          fromMonth: z
            .string()
            .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'JJJJ-MM')
            .optional(),
          months: z.coerce.number().int().min(1).max(24).default(6),
          uptake: z.coerce.number().min(0).max(1).default(0.9),
          safetyMonths: z.coerce.number().min(0).max(12).default(1),
        }),
      },
    },
    async (request) => {
      const c = ctx(request, 'supply.read');
      const q = request.query;
      return { items: await stockScenario(db, { ...q, fromMonth: q.fromMonth ?? c.today.slice(0, 7) }) };
    },
  );
}
