import { sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { createApp, type App } from '../http/app.js';
import { checkPassword } from '../http/passwords.js';
import type { Actor } from '../http/session.js';
import { localKeys, type KeyResolver } from '../exchange/signing.js';
import { registerCampaignPortalRoutes, REGISTRY_PORTAL_PATH } from '../campaigns/portal-routes.js';
import { registerCampaignRoutes } from '../campaigns/routes.js';
import { registerCitizenRoutes } from './citizen-routes.js';
import { registerCoverageRoutes } from './coverage-routes.js'; // issue 10
import { registerSupplyRoutes } from '../supply/routes.js'; // issue 10
import { registerExchangeRoutes } from './exchange-routes.js';
import { registerRegistrationFormRoutes } from './registration-form.js';
import { registerInvitationRoutes } from './invitation-routes.js';
import { populationByMunicipality } from './population.js';
import { registerScheduleRoutes } from './schedule-routes.js';
import type { RegistrySchema } from './schema.js';
import { isoDateInZone } from '../domain/dates/index.js';

export interface RegistryAppOptions {
  database: Database<RegistrySchema>;
  sessionSecret?: string;
  logLevel?: string;
  logStream?: import('pino').DestinationStream;
  /** Today, for age bands; injectable so tests are stable. */
  today?: () => string;
  /** The organisations' public keys the registry trusts for signed messages. */
  trustedKeys?: () => KeyResolver;
  /** Issue 11: the secret of the portal's service tokens (closed without), and the portal's URL for letters. */
  portalServiceSecret?: () => string | undefined;
  portalUrl?: () => string | null;
}

/** The registry service (Praeventis analogue). */
export async function createRegistryApp(options: RegistryAppOptions): Promise<App> {
  const { db } = options.database;
  // The Dutch calendar date. UTC's lags it from 22:00 or 23:00 UTC to midnight, when a location's
  // report of that day would be refused as "in the future".
  const today = options.today ?? (() => isoDateInZone(new Date()));
  const findUser = async (userId: string): Promise<Actor | null> => {
    const row = await db.selectFrom('staff_user').selectAll().where('id', '=', userId).executeTakeFirst();
    return row
      ? {
          userId: row.id,
          name: row.name,
          role: row.role,
          organisation: { ura: null, name: row.organisation_name },
          municipalityCode: row.municipality_code,
        }
      : null;
  };
  const app = await createApp({
    service: 'registry',
    title: 'open-rvp registry (RVP)',
    description: 'Landelijk register RVP: bevolking, vaccinaties, uitnodigingen en vaccinatiegraad.',
    findUser,
    checkPassword: (userId, password) => checkPassword(db, userId, password),
    listDemoUsers: async () => {
      const ids = await db.selectFrom('staff_user').select('id').orderBy('id').execute();
      const users = await Promise.all(ids.map((r) => findUser(r.id)));
      return users.filter((u): u is Actor => u !== null);
    },
    machinePaths: ['/api/exchange/', REGISTRY_PORTAL_PATH],
    healthCheck: async () => {
      await sql`select 1`.execute(db);
    },
    ...(options.sessionSecret ? { sessionSecret: options.sessionSecret } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });

  app.get(
    '/api/population/municipalities',
    {
      schema: {
        tags: ['population'],
        summary: 'Population counts per municipality (aggregates only)',
        response: {
          200: z.object({
            items: z.array(
              z.object({ code: z.string(), name: z.string(), persons: z.number(), youth: z.number() }),
            ),
            totals: z.object({ persons: z.number(), youth: z.number(), municipalities: z.number() }),
          }),
        },
      },
    },
    async (request) => {
      const actor = request.actor!;
      // A municipality officer sees only their own municipality's aggregates.
      const only = actor.role === 'municipality-officer' ? (actor.municipalityCode ?? '-') : undefined;
      return populationByMunicipality(db, { today: today(), actor, requestId: request.id, only });
    },
  );

  registerInvitationRoutes(app, db, { today, trustedKeys: options.trustedKeys ?? (() => localKeys([])) });
  registerExchangeRoutes(app, db, options.trustedKeys ?? (() => localKeys([])));
  registerRegistrationFormRoutes(app, db, options.trustedKeys ?? (() => localKeys([]))); // R-V6, issue 12
  registerScheduleRoutes(app, db, { today });
  registerCitizenRoutes(app, db, { today });
  registerCoverageRoutes(app, db, { today }); // issue 10: coverage and reports
  registerSupplyRoutes(app, db, { today }); // issue 10: supply and loss
  const portalUrl = options.portalUrl ?? (() => process.env.RVP_PORTAL_URL ?? null);
  registerCampaignRoutes(app, db, { today, portalUrl });
  registerCampaignPortalRoutes(app, db, {
    today,
    portalUrl,
    serviceSecret: options.portalServiceSecret ?? (() => process.env.RVP_PORTAL_SERVICE_SECRET),
  });
  return app;
}
