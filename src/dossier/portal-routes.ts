/**
 * Machine endpoints for the portal (/api/portal/*): no staff session; each request carries a
 * short-lived service token signed by the portal naming the citizen (src/portal/service-token.ts).
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { App } from '../http/app.js';
import { PORTAL_AUTH, verifyServiceToken } from '../portal/service-token.js';
import { portalConsent, portalSubjects, registerPortalConsent } from './portal.js';
import type { DossierSchema } from './schema.js';

const Subject = z.object({
  clientId: z.string(),
  name: z.string(),
  birthDate: z.string(),
  age: z.number(),
  capacity: z.enum(['self', 'custodian']),
  organisation: z.string(),
  mayRegister: z.boolean(),
  explanation: z.string(),
});
const ConsentView = z.object({
  subject: Subject,
  own: z
    .object({ agreed: z.boolean(), date: z.string(), source: z.enum(['01', '03', '04', '05']) })
    .nullable(),
  decision: z.enum(['toestemming', 'geen-toestemming']).nullable(),
  others: z.array(z.object({ name: z.string(), agreed: z.boolean(), date: z.string() })),
});

export const PORTAL_MACHINE_PATH = '/api/portal/';

export function registerPortalRoutes(
  app: App,
  db: Kysely<DossierSchema>,
  options: { today: () => string; serviceSecret: () => string | undefined; onRepairsQueued: () => void },
): void {
  const citizen = (request: { headers: { authorization?: string | undefined } }) =>
    verifyServiceToken(options.serviceSecret(), 'open-rvp-dossier', request.headers.authorization);

  app.get(
    '/api/portal/subjects',
    {
      schema: {
        tags: ['portal'],
        summary: 'Whom the citizen (service token subject) may act for: themself 12+, children in custody',
        description: PORTAL_AUTH,
        response: { 200: z.object({ items: z.array(Subject) }) },
      },
    },
    async (request) => ({ items: await portalSubjects(db, await citizen(request), options.today()) }),
  );

  app.get(
    '/api/portal/clients/:id/consent',
    {
      schema: {
        tags: ['portal'],
        summary: 'The consent part the citizen may see for this client (never the rest of the dossier)',
        description: PORTAL_AUTH,
        params: z.object({ id: z.uuid() }),
        response: { 200: ConsentView },
      },
    },
    async (request) =>
      portalConsent(db, await citizen(request), request.params.id, options.today(), request.id),
  );

  app.post(
    '/api/portal/clients/:id/consent',
    {
      schema: {
        tags: ['portal'],
        summary:
          'Register yes/no as the citizen (method portal, dated today): same rules and transitions as a professional registration',
        description: PORTAL_AUTH,
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ agreed: z.boolean().describe('BDS 1533, chosen explicitly') }),
        response: { 201: ConsentView.extend({ repairsQueued: z.number() }) },
      },
    },
    async (request, reply) => {
      const result = await registerPortalConsent(
        db,
        await citizen(request),
        request.params.id,
        request.body.agreed,
        options.today(),
        request.id,
      );
      if (result.repairsQueued > 0) options.onRepairsQueued();
      return reply.code(201).send({ ...result.view, repairsQueued: result.repairsQueued });
    },
  );
}
