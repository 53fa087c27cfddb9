/**
 * Campaign API of the registry (SPEC §7): staff of the organisation in charge of inviting create a
 * campaign, select and invite, remind, record attendance and read uptake. Everything through the API,
 * no file exchange (seed 000). docs/campaigns.md.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isoDateSchema } from '../domain/dates/index.js';
import type { App } from '../http/app.js';
import { requirePermission } from '../http/policy.js';
import type { RegistrySchema } from '../registry/schema.js';
import { renderCampaignLetter } from './letter.js';
import {
  campaignLetterData,
  cancelAppointment,
  createCampaign,
  findInvitations,
  getCampaign,
  getInviter,
  listCampaigns,
  moveAppointment,
  recordAttendance,
  selectAndInvite,
  sendReminders,
  setInviter,
  uptakeReport,
  whoOf,
} from './service.js';

const Time = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'tijd: UU:MM');
const Bsn = z.string().regex(/^\d{9}$/, 'BSN: 9 cijfers');
const InviterSchema = z.object({
  organisationName: z.string(),
  organisationUra: z.string().nullable(),
  setBy: z.string(),
  setAt: z.string(),
});
const Summary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  referenceDate: z.string(),
  minAge: z.number(),
  maxAge: z.number().nullable(),
  comparisonShare: z.number(),
  invitingOrganisation: z.string(),
  createdBy: z.string(),
  selectedAt: z.string().nullable(),
});
export const SlotSchema = z.object({
  id: z.string(),
  locationId: z.string(),
  location: z.string(),
  address: z.string(),
  date: z.string(),
  time: z.string(),
  capacity: z.number(),
  booked: z.number(),
});
const Params = z.object({ id: z.uuid() });

export function registerCampaignRoutes(
  app: App,
  db: Kysely<RegistrySchema>,
  options: { today: () => string; portalUrl: () => string | null },
): void {
  app.get(
    '/api/campaign-inviter',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'The one organisation in charge of inviting (null when not set)',
        response: { 200: z.object({ inviter: InviterSchema.nullable() }) },
      },
    },
    async (request) => {
      requirePermission(request.actor, 'campaign.read');
      return { inviter: await getInviter(db) };
    },
  );

  app.put(
    '/api/campaign-inviter',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Set the one organisation in charge of inviting ("regie uitnodigen bij 1 organisatie")',
        body: z.strictObject({
          organisationName: z.string().trim().min(1).max(200),
          organisationUra: z
            .string()
            .regex(/^\d{8}$/, 'URA: 8 cijfers')
            .optional(),
        }),
        response: { 200: InviterSchema },
      },
    },
    async (request) => {
      const actor = requirePermission(request.actor, 'campaign.manage');
      return setInviter(db, whoOf(actor, request.id), request.body);
    },
  );

  app.get(
    '/api/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'All campaigns',
        response: { 200: z.object({ items: z.array(Summary) }) },
      },
    },
    async (request) => {
      requirePermission(request.actor, 'campaign.read');
      return { items: await listCampaigns(db) };
    },
  );

  app.post(
    '/api/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Create a campaign: who is eligible, the comparison share, locations and their slots',
        body: z
          .strictObject({
            name: z.string().trim().min(1).max(200),
            description: z.string().trim().min(1).max(500),
            referenceDate: isoDateSchema.describe('ages are counted on this date'),
            minAge: z.number().int().min(0).max(130),
            maxAge: z.number().int().min(0).max(130).optional(),
            municipalityCodes: z
              .array(z.string().regex(/^GM\d{4}$/))
              .max(400)
              .optional(),
            comparisonShare: z
              .number()
              .min(0)
              .max(0.5)
              .default(0)
              .describe('share that gets a plain invitation without appointment (comparison group)'),
            reminderDaysBefore: z.number().int().min(0).max(60).default(3),
            locations: z
              .array(
                z.strictObject({
                  name: z.string().trim().min(1).max(200),
                  address: z.string().trim().min(1).max(300),
                  municipalityCode: z
                    .string()
                    .regex(/^GM\d{4}$/)
                    .optional(),
                  dates: z.array(isoDateSchema).min(1).max(60),
                  from: Time,
                  until: Time,
                  slotMinutes: z.number().int().min(5).max(240),
                  capacityPerSlot: z.number().int().min(1).max(1000),
                }),
              )
              .min(1)
              .max(100),
          })
          .refine((b) => b.maxAge === undefined || b.maxAge >= b.minAge, {
            path: ['maxAge'],
            message: 'maxAge moet minstens minAge zijn',
          }),
        response: { 201: Summary.extend({ slots: z.array(SlotSchema), invitations: z.number() }) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request.actor, 'campaign.manage');
      const { id } = await createCampaign(db, whoOf(actor, request.id), request.body);
      return reply.code(201).send(await getCampaign(db, id));
    },
  );

  app.get(
    '/api/campaigns/:id',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'One campaign with its slots and their occupancy',
        params: Params,
        response: { 200: Summary.extend({ slots: z.array(SlotSchema), invitations: z.number() }) },
      },
    },
    async (request) => {
      requirePermission(request.actor, 'campaign.read');
      return getCampaign(db, request.params.id);
    },
  );

  app.post(
    '/api/campaigns/:id/invitations',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'Select the eligible people and invite: an appointment each within capacity, or a plain invitation',
        params: Params,
        response: {
          201: z.object({
            campaignId: z.string(),
            eligible: z.number(),
            appointments: z.number(),
            plain: z.number(),
            withoutRoom: z.number(),
          }),
        },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request.actor, 'campaign.manage');
      return reply.code(201).send(await selectAndInvite(db, whoOf(actor, request.id), request.params.id));
    },
  );

  app.post(
    '/api/campaigns/:id/reminders',
    {
      schema: {
        tags: ['campaigns'],
        summary: "Remind everyone whose appointment falls within the campaign's reminder window",
        params: Params,
        response: { 200: z.object({ reminders: z.number() }) },
      },
    },
    async (request) => {
      const actor = requirePermission(request.actor, 'campaign.manage');
      return sendReminders(db, whoOf(actor, request.id), request.params.id, options.today());
    },
  );

  app.post(
    '/api/campaigns/:id/attendance',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Record attendance at a location (by the invitation id on the letter, or the BSN)',
        params: Params,
        body: z
          .strictObject({
            invitationId: z.uuid().optional(),
            bsn: Bsn.optional(),
            locationId: z.uuid(),
            date: isoDateSchema,
          })
          .refine((b) => (b.invitationId === undefined) !== (b.bsn === undefined), {
            path: ['invitationId'],
            message: 'geef invitationId of bsn (precies één)',
          }),
        response: { 201: z.object({ invitationId: z.string(), group: z.enum(['appointment', 'plain']) }) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request.actor, 'campaign.attendance');
      return reply
        .code(201)
        .send(await recordAttendance(db, whoOf(actor, request.id), request.params.id, request.body));
    },
  );

  app.get(
    '/api/campaigns/:id/invitations',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'Find invited people at the location: by the barcode on the letter (invitation id), BSN or name',
        params: Params,
        querystring: z.object({ search: z.string().trim().min(1).max(100) }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                invitationId: z.string(),
                name: z.string(),
                bsn: z.string().nullable(),
                birthDate: z.string(),
                group: z.enum(['appointment', 'plain']),
                appointment: z
                  .object({ location: z.string(), date: z.string(), time: z.string() })
                  .nullable(),
                attended: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      requirePermission(request.actor, 'campaign.attendance');
      return { items: await findInvitations(db, request.params.id, request.query.search) };
    },
  );

  app.get(
    '/api/campaigns/:id/uptake',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'Uptake: attended / invited per group (appointment vs plain invitation), appointments, reminders',
        params: Params,
        response: {
          200: z.object({
            campaignId: z.string(),
            groups: z.array(
              z.object({
                group: z.enum(['appointment', 'plain']),
                invited: z.number(),
                attended: z.number(),
                uptake: z.number().nullable(),
              }),
            ),
            difference: z.number().nullable(),
            appointments: z.object({ booked: z.number(), moved: z.number(), cancelled: z.number() }),
            reminders: z.number(),
          }),
        },
      },
    },
    async (request) => {
      requirePermission(request.actor, 'campaign.read');
      return uptakeReport(db, request.params.id);
    },
  );

  app.post(
    '/api/campaign-invitations/:id/appointment',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Staff move (or book) an appointment for an invited person, e.g. on the phone',
        params: Params,
        body: z.strictObject({ slotId: z.uuid() }),
        response: { 200: z.object({ appointmentId: z.string() }) },
      },
    },
    async (request) => {
      const actor = requirePermission(request.actor, 'campaign.manage');
      return moveAppointment(
        db,
        whoOf(actor, request.id),
        request.params.id,
        request.body.slotId,
        options.today(),
      );
    },
  );

  app.delete(
    '/api/campaign-invitations/:id/appointment',
    {
      schema: { tags: ['campaigns'], summary: 'Staff cancel an appointment', params: Params },
    },
    async (request, reply) => {
      const actor = requirePermission(request.actor, 'campaign.manage');
      await cancelAppointment(db, whoOf(actor, request.id), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/campaign-invitations/:id/letter',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'The invitation letter with the appointment (PDF), or ?kind=reminder',
        params: Params,
        querystring: z.object({ kind: z.enum(['invitation', 'reminder']).default('invitation') }),
      },
    },
    async (request, reply) => {
      requirePermission(request.actor, 'campaign.read');
      const data = await campaignLetterData(db, request.params.id, request.query.kind);
      const pdf = await renderCampaignLetter({ ...data, portalUrl: options.portalUrl() });
      return reply.type('application/pdf').header('cache-control', 'no-store').send(Buffer.from(pdf));
    },
  );
}
