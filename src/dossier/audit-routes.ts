import { inOrganisation } from './scope.js';
import { requirePermission } from '../http/policy.js';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../db/audit.js';
import type { App } from '../http/app.js';
import { notFound } from '../http/problem.js';
import { organisationOf } from './clients.js';
import type { DossierSchema } from './schema.js';

/** "Who looked at this child?" for the organisation's privacy officer (JGZ admin) (R-C8). */
export function registerAuditRoutes(app: App, db: Kysely<DossierSchema>): void {
  app.get(
    '/api/clients/:id/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Every read and write of this client’s data: who, when, what (JGZ admin only)',
        params: z.object({ id: z.uuid() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                at: z.string(),
                actorId: z.string(),
                actorName: z.string().nullable(),
                action: z.string(),
                requestId: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = request.actor!;
      const ura = organisationOf(actor);
      requirePermission(actor, 'audit.read');
      return inOrganisation(db, ura, async (trx) => {
        const client = await trx
          .selectFrom('client')
          .select('id')
          .where('organisation_ura', '=', ura)
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (!client) throw notFound('Deze cliënt');
        const rows = await trx
          .selectFrom('audit_event as e')
          .leftJoin('staff_user as u', 'u.id', 'e.actor_id')
          .select(['e.at', 'e.actor_id', 'u.name', 'e.action', 'e.request_id'])
          .where('e.subject_type', '=', 'client')
          .where('e.subject_id', '=', client.id)
          .where('e.organisation_ura', '=', ura)
          .orderBy('e.seq', 'desc')
          .limit(1000)
          .execute();
        await appendAudit(trx, {
          actorId: actor.userId,
          organisationUra: ura,
          action: 'audit.read',
          subjectType: 'client',
          subjectId: client.id,
          requestId: request.id,
        });
        return {
          items: rows.map((r) => ({
            at: new Date(r.at).toISOString(),
            actorId: r.actor_id,
            actorName: r.name,
            action: r.action,
            requestId: r.request_id,
          })),
        };
      });
    },
  );
}
