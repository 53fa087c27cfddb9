/**
 * Registry staff API for dose validity and forecast (R-R3): find a person by BSN, and the person's
 * vaccinations judged under the schedule with what is due next. Also registers the FHIR endpoint
 * (`$immds-forecast`, fhir-routes.ts). Every read is audited (R-C8).
 */
import type { Kysely } from 'kysely';
import { requirePermission } from '../http/policy.js';
import { z } from 'zod';
import { appendAudit } from '../db/audit.js';
import { isoDateSchema } from '../domain/dates/index.js';
import { isValidBsn } from '../domain/identifiers/index.js';
import type { App } from '../http/app.js';
import { notFound } from '../http/problem.js';
import type { Actor } from '../http/session.js';
import { registerFhirRoutes } from './fhir-routes.js';
import { loadPersonSchedule, scheduleAssessmentSchema } from './schedule-service.js';
import type { RegistrySchema } from './schema.js';

function requireStaff(actor: Actor | null): Actor {
  return requirePermission(actor, 'registry.person.read');
}

export const personSummarySchema = z.object({
  id: z.string(),
  givenName: z.string(),
  namePrefix: z.string().nullable(),
  familyName: z.string(),
  birthDate: z.string(),
  municipality: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
});

export const personScheduleSchema = scheduleAssessmentSchema.extend({
  person: z.object({ id: z.string(), birthDate: z.string() }),
});

export interface ScheduleRouteOptions {
  /** Today (YYYY-MM-DD), the default assessment date. */
  today: () => string;
}

export function registerScheduleRoutes(
  app: App,
  db: Kysely<RegistrySchema>,
  options: ScheduleRouteOptions,
): void {
  app.get(
    '/api/persons',
    {
      schema: {
        tags: ['persons'],
        summary: 'Find a person by exact BSN (registry staff; audited)',
        querystring: z.object({
          bsn: z
            .string()
            .regex(/^\d{9}$/, 'BSN: 9 cijfers')
            .refine(isValidBsn, 'BSN voldoet niet aan de 11-proef'),
        }),
        response: { 200: z.object({ items: z.array(personSummarySchema) }) },
      },
    },
    async (request) => {
      const actor = requireStaff(request.actor);
      return db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom('person as p')
          .leftJoin('municipality as m', 'm.code', 'p.municipality_code')
          .select([
            'p.id',
            'p.given_name',
            'p.name_prefix',
            'p.family_name',
            'p.birth_date',
            'p.municipality_code',
            'm.name as municipality_name',
          ])
          .where('p.bsn', '=', request.query.bsn)
          .execute();
        await appendAudit(trx, {
          actorId: actor.userId,
          organisationUra: null,
          action: 'person.search',
          subjectType: 'person',
          subjectId: rows[0]?.id ?? null,
          requestId: request.id,
        });
        return {
          items: rows.map((r) => ({
            id: r.id,
            givenName: r.given_name,
            namePrefix: r.name_prefix,
            familyName: r.family_name,
            birthDate: r.birth_date,
            municipality:
              r.municipality_code === null
                ? null
                : { code: r.municipality_code, name: r.municipality_name ?? null },
          })),
        };
      });
    },
  );

  app.get(
    '/api/persons/:id/schedule',
    {
      schema: {
        tags: ['persons'],
        summary: 'Validity of every registered dose and the forecast per vaccine group (R-R3; audited)',
        params: z.object({ id: z.uuid() }),
        querystring: z.object({
          on: isoDateSchema.optional().describe('Assessment date; default today'),
        }),
        response: { 200: personScheduleSchema },
      },
    },
    async (request) => {
      const actor = requireStaff(request.actor);
      const on = request.query.on ?? options.today();
      return db.transaction().execute(async (trx) => {
        const found = await loadPersonSchedule(trx, request.params.id, on);
        if (!found) throw notFound('Deze persoon');
        await appendAudit(trx, {
          actorId: actor.userId,
          organisationUra: null,
          action: 'person.schedule.read',
          subjectType: 'person',
          subjectId: found.person.id,
          requestId: request.id,
        });
        return { person: found.person, ...found.assessment };
      });
    },
  );

  registerFhirRoutes(app, db);
}
