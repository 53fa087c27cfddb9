import { sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { isoDateInZone } from '../domain/dates/index.js';
import { municipalityByCode } from '../domain/geo/municipalities.js';
import { createApp, type App } from '../http/app.js';
import { checkPassword } from '../http/passwords.js';
import type { Actor } from '../http/session.js';
import { getClient, listClients, type RequestContext } from './clients.js';
import { registerAuditRoutes } from './audit-routes.js';
import { registerSessionRoutes } from './sessions-routes.js';
import { registerConsentRoutes } from './consent-routes.js';
import { registerElsewhereRoutes } from './elsewhere.js';
import { registerRegistrationFormRoutes } from './registration-form.js';
import { registerSideEffectRoutes } from './side-effects.js';
import { registerTransferRoutes } from './transfer.js';
import { PORTAL_MACHINE_PATH, registerPortalRoutes } from './portal-routes.js';
import { registerExchangeRoutes, type DossierExchange } from './exchange-routes.js';
import { ExchangeSender } from '../exchange/sender.js';
import type { DossierSchema } from './schema.js';

export interface DossierAppOptions {
  database: Database<DossierSchema>;
  sessionSecret?: string;
  logLevel?: string;
  logStream?: import('pino').DestinationStream;
  /** Today in the Netherlands; injectable so tests can stand on a chosen day. */
  today?: () => string;
  /** Delivery to the registry; without it, messages wait in the outbox. */
  exchange?: DossierExchange;
  /** Issue 11: the secret the portal signs its service tokens with; without it /api/portal is closed. */
  portalServiceSecret?: () => string | undefined;
}

const Uuid = z.uuid();

/** The dossier service (DD JGZ analogue): one app, scoped per organisation by the acting user. */
export async function createDossierApp(options: DossierAppOptions): Promise<App> {
  const { db } = options.database;
  const findUser = async (userId: string): Promise<Actor | null> => {
    const row = await db
      .selectFrom('staff_user as u')
      .innerJoin('organisation as o', 'o.ura', 'u.organisation_ura')
      .select(['u.id', 'u.name', 'u.role', 'o.ura', 'o.name as organisation_name'])
      .where('u.id', '=', userId)
      .executeTakeFirst();
    return row
      ? {
          userId: row.id,
          name: row.name,
          role: row.role,
          organisation: { ura: row.ura, name: row.organisation_name },
        }
      : null;
  };
  const app = await createApp({
    service: 'dossier',
    title: 'open-rvp dossier (JGZ)',
    description: 'Digitaal dossier JGZ: cliënten, toestemming en vaccinaties per JGZ-organisatie.',
    findUser,
    checkPassword: (userId, password) => checkPassword(db, userId, password),
    listDemoUsers: async () => {
      const ids = await db
        .selectFrom('staff_user')
        .select('id')
        .orderBy('organisation_ura')
        .orderBy('id')
        .execute();
      const users = await Promise.all(ids.map((r) => findUser(r.id)));
      return users.filter((u): u is Actor => u !== null);
    },
    machinePaths: ['/.well-known/', PORTAL_MACHINE_PATH],
    healthCheck: async () => {
      await sql`select 1`.execute(db);
    },
    ...(options.sessionSecret ? { sessionSecret: options.sessionSecret } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });

  const context = (request: { actor: Actor | null; id: string }): RequestContext => ({
    actor: request.actor!,
    requestId: request.id,
  });

  const ClientSummary = z.object({
    id: z.string(),
    bsn: z.string().nullable(),
    givenName: z.string(),
    prefix: z.string().nullable(),
    familyName: z.string(),
    birthDate: z.string(),
    kind: z.enum(['youth', 'client']),
    gender: z.string(),
    municipalityCode: z.string().nullable(),
    municipalityName: z.string().nullable(),
  });

  app.get(
    '/api/clients',
    {
      schema: {
        tags: ['clients'],
        summary: "The organisation's clients (youth and clients of 18+)",
        querystring: z.object({
          search: z.string().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
        }),
        response: { 200: z.object({ items: z.array(ClientSummary), total: z.number().int() }) },
      },
    },
    async (request) => {
      const page = await listClients(db, context(request), request.query);
      return {
        total: page.total,
        items: page.items.map((c) => ({ ...c, municipalityName: nameOf(c.municipalityCode) })),
      };
    },
  );

  app.get(
    '/api/clients/:id',
    {
      schema: {
        tags: ['clients'],
        summary: 'One client with address and custodians',
        params: z.object({ id: Uuid }),
      },
    },
    async (request) => {
      const client = await getClient(db, context(request), request.params.id);
      return {
        ...client,
        address: { ...client.address, municipalityName: nameOf(client.address.municipalityCode) },
      };
    },
  );

  const today = options.today ?? (() => isoDateInZone(new Date()));
  const exchange: DossierExchange = options.exchange ?? {
    registryUrl: () => process.env.REGISTRY_URL ?? 'http://127.0.0.1:3002',
    sender: new ExchangeSender({
      db,
      registryUrl: () => process.env.REGISTRY_URL ?? 'http://127.0.0.1:3002',
      today,
    }),
  };
  // Repairs after a consent gain go out the same day: start a delivery now, without making the
  // professional wait for the registry.
  const kick = () => {
    exchange.sender
      .deliverDue()
      .catch((error: unknown) => app.log.warn({ err: error }, 'immediate delivery failed'));
  };
  registerConsentRoutes(app, db, today, kick);
  registerPortalRoutes(app, db, {
    today,
    serviceSecret: options.portalServiceSecret ?? (() => process.env.RVP_PORTAL_SERVICE_SECRET),
    onRepairsQueued: kick,
  });
  registerExchangeRoutes(app, db, today, exchange);
  registerAuditRoutes(app, db);
  registerSessionRoutes(app, db, today); // issue 9: group sessions and sweeps
  // Issue 12: transfer (R-V8), vaccinating elsewhere (R-V9), registration form (R-V6), side effects.
  registerTransferRoutes(app, db, today);
  registerElsewhereRoutes(app, db, today);
  registerRegistrationFormRoutes(app, db, today, exchange.registryUrl);
  registerSideEffectRoutes(app, db, today);
  return app;
}

const nameOf = (code: string | null): string | null =>
  code ? (municipalityByCode(code)?.name ?? null) : null;
