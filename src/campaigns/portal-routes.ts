/**
 * The registry's machine endpoints for the portal (/api/portal/*): a citizen's campaign invitations
 * (move, cancel, letter) and the vaccination certificate under the registry's own age rules. Each
 * request carries the portal's short-lived service token naming the citizen (src/portal/service-token.ts).
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ageInYears, compareIsoDates } from '../domain/dates/index.js';
import { formatPersonName } from '../domain/names.js';
import type { App } from '../http/app.js';
import { notFound } from '../http/problem.js';
import type { Actor } from '../http/session.js';
import { PORTAL_AUTH, verifyServiceToken } from '../portal/service-token.js';
import { issueCertificate } from '../registry/citizen-requests.js';
import type { RegistrySchema } from '../registry/schema.js';
import { renderCampaignLetter } from './letter.js';
import { SlotSchema } from './routes.js';
import {
  campaignLetterData,
  cancelAppointment,
  freeSlots,
  invitationsForCitizen,
  moveAppointment,
  type Who,
} from './service.js';

export const REGISTRY_PORTAL_PATH = '/api/portal/';

const Invitation = z.object({
  invitationId: z.string(),
  campaign: z.object({ id: z.string(), name: z.string(), description: z.string() }),
  person: z.object({ name: z.string(), self: z.boolean() }),
  group: z.enum(['appointment', 'plain']),
  sentBy: z.string(),
  appointment: z
    .object({
      slotId: z.string(),
      location: z.string(),
      address: z.string(),
      date: z.string(),
      time: z.string(),
    })
    .nullable(),
  attended: z.boolean(),
});

const PORTAL_ACTOR: Actor = {
  userId: 'portal',
  name: 'Portaal',
  role: 'citizen-portal',
  organisation: { ura: null, name: 'Portaal' },
};

export function registerCampaignPortalRoutes(
  app: App,
  db: Kysely<RegistrySchema>,
  options: { today: () => string; serviceSecret: () => string | undefined; portalUrl: () => string | null },
): void {
  const citizen = (request: { headers: { authorization?: string | undefined } }) =>
    verifyServiceToken(options.serviceSecret(), 'open-rvp-registry', request.headers.authorization);
  const who = (requestId: string): Who => ({ actorId: 'portal', requestId });
  const Params = z.object({ id: z.uuid() });

  /** The invitation, if it is the citizen's own or a child's in their custody; 404 otherwise. */
  const mine = async (bsn: string, invitationId: string) => {
    const found = (await invitationsForCitizen(db, bsn)).find((i) => i.invitationId === invitationId);
    if (!found) throw notFound('Deze uitnodiging');
    return found;
  };

  app.get(
    '/api/portal/invitations',
    {
      schema: {
        tags: ['portal'],
        summary: "The citizen's campaign invitations and those of children in their custody",
        description: PORTAL_AUTH,
        response: { 200: z.object({ items: z.array(Invitation) }) },
      },
    },
    async (request) => ({ items: await invitationsForCitizen(db, await citizen(request)) }),
  );

  app.get(
    '/api/portal/invitations/:id/slots',
    {
      schema: {
        tags: ['portal'],
        summary: 'Slots with room to move the appointment to (from today)',
        description: PORTAL_AUTH,
        params: Params,
        response: { 200: z.object({ items: z.array(SlotSchema) }) },
      },
    },
    async (request) => {
      const invitation = await mine(await citizen(request), request.params.id);
      return { items: await freeSlots(db, invitation.campaign.id, options.today()) };
    },
  );

  app.post(
    '/api/portal/invitations/:id/appointment',
    {
      schema: {
        tags: ['portal'],
        summary: 'Move (or book) the appointment; refused with 409 when the slot is full',
        description: PORTAL_AUTH,
        params: Params,
        body: z.strictObject({ slotId: z.uuid() }),
        response: { 200: z.object({ appointmentId: z.string() }) },
      },
    },
    async (request) => {
      await mine(await citizen(request), request.params.id);
      return moveAppointment(db, who(request.id), request.params.id, request.body.slotId, options.today());
    },
  );

  app.delete(
    '/api/portal/invitations/:id/appointment',
    {
      schema: {
        tags: ['portal'],
        summary: 'Cancel the appointment',
        description: PORTAL_AUTH,
        params: Params,
      },
    },
    async (request, reply) => {
      await mine(await citizen(request), request.params.id);
      await cancelAppointment(db, who(request.id), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/portal/invitations/:id/letter',
    {
      schema: {
        tags: ['portal'],
        summary: 'The invitation letter (PDF)',
        description: PORTAL_AUTH,
        params: Params,
      },
    },
    async (request, reply) => {
      await mine(await citizen(request), request.params.id);
      const data = await campaignLetterData(db, request.params.id, 'invitation');
      const pdf = await renderCampaignLetter({ ...data, portalUrl: options.portalUrl() });
      return reply.type('application/pdf').header('cache-control', 'no-store').send(Buffer.from(pdf));
    },
  );

  app.get(
    '/api/portal/persons',
    {
      schema: {
        tags: ['portal'],
        summary: 'Persons the citizen may ask a vaccination certificate for: themself, children in custody',
        description: PORTAL_AUTH,
        response: {
          200: z.object({
            items: z.array(
              z.object({ personId: z.string(), name: z.string(), age: z.number(), self: z.boolean() }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const bsn = await citizen(request);
      const today = options.today();
      const rows = await db
        .selectFrom('person as p')
        .select(['p.id', 'p.bsn', 'p.given_name', 'p.name_prefix', 'p.family_name', 'p.birth_date'])
        .where((eb) =>
          eb.or([
            eb('p.bsn', '=', bsn),
            eb(
              'p.id',
              'in',
              eb.selectFrom('person_custodian').select('person_id').where('custodian_bsn', '=', bsn),
            ),
          ]),
        )
        .orderBy('p.birth_date')
        .execute();
      return {
        items: rows
          .filter((r) => compareIsoDates(r.birth_date, today) <= 0)
          .map((r) => ({
            personId: r.id,
            name: formatPersonName(r.given_name, r.name_prefix, r.family_name),
            age: ageInYears(r.birth_date, today),
            self: r.bsn === bsn,
          })),
      };
    },
  );

  app.post(
    '/api/portal/persons/:id/certificate',
    {
      schema: {
        tags: ['portal'],
        summary:
          'The vaccination certificate (PDF) under the age rules: under 12 a custodian, 12–15 the youth, 16+ the youth only',
        description: `${PORTAL_AUTH} A custodian of a youth of 12–15 is refused (rule youth-consent-required): the portal cannot check that the youth agreed.`,
        params: Params,
      },
    },
    async (request, reply) => {
      const bsn = await citizen(request);
      const person = await db
        .selectFrom('person')
        .select(['id', 'bsn'])
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!person) throw notFound('Deze persoon');
      const issued = await issueCertificate(db, {
        personId: person.id,
        actor: PORTAL_ACTOR,
        requestId: request.id,
        requester: person.bsn === bsn ? 'self' : 'custodian',
        requesterBsn: bsn,
        youthConsent: false,
        on: options.today(),
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', 'attachment; filename="vaccinatiebewijs.pdf"')
        .header('cache-control', 'no-store')
        .header('x-verification-id', issued.verificationId)
        .send(Buffer.from(issued.pdf));
    },
  );
}
