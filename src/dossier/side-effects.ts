import type { Kysely } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../db/audit.js';
import { compareIsoDates, isoDateSchema, type IsoDate } from '../domain/dates/index.js';
import { VACCINE_TYPES } from '../domain/messages/index.js';
import {
  buildLarebExport,
  checkSideEffect,
  larebExportSchema,
  OUTCOMES,
  REACTIONS,
  REPORTERS,
  SERIOUSNESS,
  type LarebExport,
  type OutcomeCode,
  type ReactionCode,
  type SeriousnessCode,
  type SideEffectInput,
} from '../domain/side-effects/index.js';
import type { App } from '../http/app.js';
import { requirePermission } from '../http/policy.js';
import { notFound, ProblemError, ruleViolation } from '../http/problem.js';
import type { Actor } from '../http/session.js';
import { organisationOf, type RequestContext } from './clients.js';
import type { DossierSchema } from './schema.js';
import { inOrganisation } from './scope.js';

/** Side effects reported after a vaccination, and their export for Lareb (docs/side-effects.md). */

export interface SideEffectView extends SideEffectInput {
  id: string;
  clientId: string;
  vaccinationId: string;
  vaccineType: string;
  vaccinationDate: IsoDate;
  batchNumber: string;
  serious: boolean;
  registeredBy: string;
  registeredAt: string;
}

export async function recordSideEffect(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  clientId: string,
  body: SideEffectInput & { vaccinationId: string },
  today: IsoDate,
): Promise<SideEffectView> {
  requirePermission(ctx.actor, 'side-effect.record');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const vaccination = await trx
      .selectFrom('vaccination as v')
      .innerJoin('activity as a', 'a.id', 'v.activity_pk')
      .select(['v.id', 'v.vaccination_date', 'v.status'])
      .where('v.id', '=', body.vaccinationId)
      .where('a.client_id', '=', clientId)
      .where('a.organisation_ura', '=', ura)
      .executeTakeFirst();
    if (!vaccination) throw notFound('Deze vaccinatie');
    if (vaccination.status === 'cancelled') {
      throw ruleViolation('body.vaccinationId', 'active-vaccination', 'Deze vaccinatie is geannuleerd.');
    }
    const violations = checkSideEffect(body, { vaccinationDate: vaccination.vaccination_date, today });
    if (violations.length > 0) {
      throw new ProblemError(
        422,
        'rule-violation',
        'Registratie geweigerd',
        violations.map((v) => v.message).join(' '),
        violations.map((v) => ({ ...v, field: `body.${v.field}` })),
      );
    }
    const row = await trx
      .insertInto('side_effect_report')
      .values({
        organisation_ura: ura,
        client_id: clientId,
        vaccination_id: body.vaccinationId,
        reported_on: body.reportedOn,
        reporter: body.reporter,
        onset_date: body.onsetDate,
        reactions: body.reactions,
        description: body.description,
        serious: body.seriousness.length > 0,
        seriousness: body.seriousness,
        outcome: body.outcome,
        registered_by: ctx.actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'side-effect.record',
      subjectType: 'client',
      subjectId: clientId,
      requestId: ctx.requestId,
    });
    return (await loadReports(trx, ura, { clientId, id: row.id }))[0]!;
  });
}

async function loadReports(
  trx: Kysely<DossierSchema>,
  ura: string,
  filter: { clientId?: string; id?: string; from?: IsoDate; to?: IsoDate },
) {
  let query = trx
    .selectFrom('side_effect_report as s')
    .innerJoin('vaccination as v', 'v.id', 's.vaccination_id')
    .selectAll('s')
    .select(['v.vaccine_type', 'v.vaccination_date', 'v.batch_number'])
    .where('s.organisation_ura', '=', ura)
    .orderBy('s.reported_on', 'desc')
    .orderBy('s.registered_at', 'desc');
  if (filter.clientId) query = query.where('s.client_id', '=', filter.clientId);
  if (filter.id) query = query.where('s.id', '=', filter.id);
  if (filter.from) query = query.where('s.reported_on', '>=', filter.from);
  if (filter.to) query = query.where('s.reported_on', '<=', filter.to);
  const rows = await query.limit(5000).execute();
  return rows.map((r): SideEffectView => ({
    id: r.id,
    clientId: r.client_id,
    vaccinationId: r.vaccination_id,
    vaccineType: r.vaccine_type,
    vaccinationDate: r.vaccination_date,
    batchNumber: r.batch_number,
    reportedOn: r.reported_on,
    reporter: r.reporter,
    onsetDate: r.onset_date,
    reactions: r.reactions as ReactionCode[],
    description: r.description,
    serious: r.serious,
    seriousness: r.seriousness as SeriousnessCode[],
    outcome: r.outcome as OutcomeCode,
    registeredBy: r.registered_by,
    registeredAt: new Date(r.registered_at).toISOString(),
  }));
}

export async function listSideEffects(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  clientId: string,
): Promise<SideEffectView[]> {
  requirePermission(ctx.actor, 'client.read');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const client = await trx.selectFrom('client').select('id').where('id', '=', clientId).executeTakeFirst();
    if (!client) throw notFound('Deze cliënt');
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'side-effect.read',
      subjectType: 'client',
      subjectId: clientId,
      requestId: ctx.requestId,
    });
    return loadReports(trx, ura, { clientId });
  });
}

/** The organisation's reports of a period as the E2B-shaped export for Lareb. */
export async function exportForLareb(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  period: { from: IsoDate; to: IsoDate },
  now: Date = new Date(),
): Promise<LarebExport> {
  requirePermission(ctx.actor, 'side-effect.export');
  const ura = organisationOf(ctx.actor);
  if (compareIsoDates(period.from, period.to) > 0) {
    throw ruleViolation('query.from', 'from-not-after-to', 'De begindatum ligt na de einddatum.');
  }
  return inOrganisation(db, ura, async (trx) => {
    const organisation = await trx
      .selectFrom('organisation')
      .select(['ura', 'name'])
      .where('ura', '=', ura)
      .executeTakeFirstOrThrow();
    const reports = await loadReports(trx, ura, period);
    const clients =
      reports.length === 0
        ? []
        : await trx
            .selectFrom('client')
            .select(['id', 'given_name', 'family_name', 'birth_date', 'gender'])
            .where(
              'id',
              'in',
              reports.map((r) => r.clientId),
            )
            .execute();
    const clientById = new Map(clients.map((c) => [c.id, c]));
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'side-effect.export',
      subjectType: 'side-effect-report',
      requestId: ctx.requestId,
    });
    return buildLarebExport(
      reports.map((r) => {
        const c = clientById.get(r.clientId)!;
        return {
          id: r.id,
          organisation,
          recordedBy: r.registeredBy,
          registeredAt: r.registeredAt,
          reportedOn: r.reportedOn,
          reporter: r.reporter,
          onsetDate: r.onsetDate,
          reactions: r.reactions,
          description: r.description,
          seriousness: r.seriousness,
          outcome: r.outcome,
          patient: {
            givenName: c.given_name,
            familyName: c.family_name,
            birthDate: c.birth_date,
            gender: c.gender,
          },
          vaccination: {
            vaccineType: r.vaccineType,
            vaccineName: VACCINE_TYPES.find((v) => v.code === r.vaccineType)?.name ?? r.vaccineType,
            date: r.vaccinationDate,
            batchNumber: r.batchNumber,
          },
        };
      }),
      period,
      now.toISOString(),
    );
  });
}

const codes = <T extends readonly { code: string }[]>(list: T) =>
  z.enum(list.map((c) => c.code) as [T[number]['code'], ...T[number]['code'][]]);

const SideEffectBody = z.strictObject({
  vaccinationId: z.uuid(),
  reportedOn: isoDateSchema,
  reporter: codes(REPORTERS),
  onsetDate: isoDateSchema,
  reactions: z.array(codes(REACTIONS)).min(1).max(10),
  description: z.string().trim().min(1).max(2000),
  seriousness: z.array(codes(SERIOUSNESS)).max(6),
  outcome: codes(OUTCOMES),
});

const SideEffectViewSchema = SideEffectBody.extend({
  id: z.string(),
  clientId: z.string(),
  vaccineType: z.string(),
  vaccinationDate: z.string(),
  batchNumber: z.string(),
  serious: z.boolean(),
  registeredBy: z.string(),
  registeredAt: z.string(),
  reporter: z.string(),
});

export function registerSideEffectRoutes(app: App, db: Kysely<DossierSchema>, today: () => IsoDate): void {
  const ctx = (request: { actor: Actor | null; id: string }): RequestContext => ({
    actor: request.actor!,
    requestId: request.id,
  });
  app.get(
    '/api/side-effects/code-lists',
    {
      schema: { tags: ['side-effects'], summary: 'Reactions, seriousness criteria, outcomes and reporters' },
    },
    async () => ({
      reactions: REACTIONS,
      seriousness: SERIOUSNESS,
      outcomes: OUTCOMES,
      reporters: REPORTERS,
    }),
  );
  app.get(
    '/api/clients/:id/side-effects',
    {
      schema: {
        tags: ['side-effects'],
        summary: 'Side effects reported after vaccinations of this client',
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ items: z.array(SideEffectViewSchema) }) },
      },
    },
    async (request) => ({ items: await listSideEffects(db, ctx(request), request.params.id) }),
  );
  app.post(
    '/api/clients/:id/side-effects',
    {
      schema: {
        tags: ['side-effects'],
        summary: 'Record a side effect reported after a vaccination',
        params: z.object({ id: z.uuid() }),
        body: SideEffectBody,
        response: { 201: SideEffectViewSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await recordSideEffect(db, ctx(request), request.params.id, request.body, today())),
  );
  app.get(
    '/api/side-effects/lareb-export',
    {
      schema: {
        tags: ['side-effects'],
        summary: 'Reported side effects of a period, E2B(R3)-shaped JSON for Lareb (docs/side-effects.md)',
        querystring: z.object({ from: isoDateSchema, to: isoDateSchema }),
        response: { 200: larebExportSchema },
      },
    },
    async (request, reply) => {
      const body = await exportForLareb(db, ctx(request), request.query);
      return reply
        .header(
          'content-disposition',
          `attachment; filename="lareb-${request.query.from}-${request.query.to}.json"`,
        )
        .send(body);
    },
  );
}
