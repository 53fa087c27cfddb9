/**
 * Campaigns with proactive invitations (SPEC §7, seed 000) in the registry database: the one
 * organisation in charge of inviting, selection, appointments within capacity, letters, moving and
 * cancelling, reminders, attendance and uptake. Each state change is one transaction with its audit
 * entry; capacity is enforced by the database (migration 010), the domain function only plans.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { appendAudit } from '../db/audit.js';
import { addDays, compareIsoDates, isoDateInZone, type IsoDate } from '../domain/dates/index.js';
import {
  assignSlots,
  inComparisonGroup,
  isEligible,
  reminderDue,
  slotTimes,
  uptake,
  type InvitationGroup,
} from '../domain/campaigns/index.js';
import { formatPersonName } from '../domain/names.js';
import { notFound, ProblemError, ruleViolation } from '../http/problem.js';
import type { Actor } from '../http/session.js';
import type { RegistrySchema } from '../registry/schema.js';

type Db = Kysely<RegistrySchema>;
type Trx = Transaction<RegistrySchema>;

export interface Who {
  /** Staff user id, or `portal` for a citizen acting in the portal. */
  actorId: string;
  requestId: string;
}

export const whoOf = (actor: Actor, requestId: string): Who => ({ actorId: actor.userId, requestId });

const audit = (trx: Trx, who: Who, action: string, subjectType: string, subjectId: string) =>
  appendAudit(trx, {
    actorId: who.actorId,
    organisationUra: null,
    action,
    subjectType,
    subjectId,
    requestId: who.requestId,
  });

// ---------------------------------------------------------------------------------------------------
// The organisation in charge of inviting

export interface Inviter {
  organisationName: string;
  organisationUra: string | null;
  setBy: string;
  setAt: string;
}

export async function getInviter(db: Db): Promise<Inviter | null> {
  const row = await db.selectFrom('campaign_inviter').selectAll().executeTakeFirst();
  return row
    ? {
        organisationName: row.organisation_name,
        organisationUra: row.organisation_ura,
        setBy: row.set_by,
        setAt: new Date(row.set_at).toISOString(),
      }
    : null;
}

/** Sets (or replaces) the one organisation in charge of inviting; earlier invitations keep their sender. */
export async function setInviter(
  db: Db,
  who: Who,
  body: { organisationName: string; organisationUra?: string | undefined },
): Promise<Inviter> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('campaign_inviter')
      .values({
        organisation_name: body.organisationName,
        organisation_ura: body.organisationUra ?? null,
        set_by: who.actorId,
      })
      .onConflict((oc) =>
        oc.column('singleton').doUpdateSet({
          organisation_name: body.organisationName,
          organisation_ura: body.organisationUra ?? null,
          set_by: who.actorId,
          set_at: sql`now()`,
        }),
      )
      .execute();
    await audit(trx, who, 'campaign.inviter.set', 'campaign_inviter', 'singleton');
  });
  return (await getInviter(db))!;
}

// ---------------------------------------------------------------------------------------------------
// Campaigns

export interface NewLocation {
  name: string;
  address: string;
  municipalityCode?: string | undefined;
  dates: IsoDate[];
  from: string;
  until: string;
  slotMinutes: number;
  capacityPerSlot: number;
}

export interface NewCampaign {
  name: string;
  description: string;
  referenceDate: IsoDate;
  minAge: number;
  maxAge?: number | undefined;
  municipalityCodes?: string[] | undefined;
  comparisonShare: number;
  reminderDaysBefore: number;
  locations: NewLocation[];
}

export async function createCampaign(db: Db, who: Who, body: NewCampaign): Promise<{ id: string }> {
  return db.transaction().execute(async (trx) => {
    const inviter = await trx.selectFrom('campaign_inviter').selectAll().executeTakeFirst();
    if (!inviter) {
      throw ruleViolation(
        'campaign_inviter',
        'one-inviter-required',
        'Stel eerst de organisatie in die de regie over het uitnodigen heeft.',
      );
    }
    const campaign = await trx
      .insertInto('campaign')
      .values({
        name: body.name,
        description: body.description,
        reference_date: body.referenceDate,
        min_age: body.minAge,
        max_age: body.maxAge ?? null,
        municipality_codes: body.municipalityCodes ?? [],
        comparison_share: String(body.comparisonShare),
        reminder_days_before: body.reminderDaysBefore,
        inviting_organisation: inviter.organisation_name,
        created_by: who.actorId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [index, location] of body.locations.entries()) {
      const times = slotTimes(location.from, location.until, location.slotMinutes);
      if (times.length === 0) {
        throw ruleViolation(
          `body.locations[${index}].until`,
          'slots-in-opening-hours',
          'De eindtijd moet na de begintijd liggen (minstens één tijdvak).',
        );
      }
      const row = await trx
        .insertInto('campaign_location')
        .values({
          campaign_id: campaign.id,
          name: location.name,
          address: location.address,
          municipality_code: location.municipalityCode ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const slots = [...new Set(location.dates)].flatMap((date) =>
        times.map((time) => ({
          campaign_id: campaign.id,
          location_id: row.id,
          slot_date: date,
          start_time: time,
          capacity: location.capacityPerSlot,
        })),
      );
      await trx.insertInto('campaign_slot').values(slots).execute();
    }
    await audit(trx, who, 'campaign.create', 'campaign', campaign.id);
    return campaign;
  });
}

export interface SelectionResult {
  campaignId: string;
  eligible: number;
  appointments: number;
  plain: number;
  /** Appointment group members for whom every slot was full: they got a plain invitation. */
  withoutRoom: number;
}

/** People read per batch during selection: bounds memory for a national campaign (millions eligible). */
export const SELECTION_BATCH_SIZE = 2000;

/**
 * Selects the eligible people, splits off the comparison group and gives everyone else a slot, in one
 * transaction. Runs once per campaign (a second call answers 409): invitations are letters that went out.
 *
 * The population is read in batches by person id (keyset pagination), so memory stays bounded by the
 * batch size and the campaign's slots, never by the number eligible. Assignment is greedy in person-id
 * order and each batch plans against the slots' remaining room after the batches before it (the
 * trigger keeps `booked` current), so the result is the same as one plan over everyone.
 */
export async function selectAndInvite(
  db: Db,
  who: Who,
  campaignId: string,
  options: { batchSize?: number } = {},
): Promise<SelectionResult> {
  const batchSize = Math.max(1, options.batchSize ?? SELECTION_BATCH_SIZE);
  return db.transaction().execute(async (trx) => {
    const campaign = await trx
      .selectFrom('campaign')
      .selectAll()
      .where('id', '=', campaignId)
      .forUpdate()
      .executeTakeFirst();
    if (!campaign) throw notFound('Deze campagne');
    if (campaign.selected_at) {
      throw new ProblemError(
        409,
        'already-selected',
        'Al uitgenodigd',
        'Deze campagne heeft al uitgenodigd.',
        [{ field: 'params.id', rule: 'select-once', message: 'De selectie is al gedaan.' }],
      );
    }
    const criteria = {
      minAge: campaign.min_age,
      maxAge: campaign.max_age ?? undefined,
      municipalityCodes: campaign.municipality_codes,
    };
    const share = Number(campaign.comparison_share);
    const totals = { eligible: 0, appointments: 0, plain: 0, withoutRoom: 0 };
    let after: string | null = null;
    for (;;) {
      // Narrow in SQL by birth date (cheap, indexed), decide exactly in the domain.
      let query = trx
        .selectFrom('person')
        .select(['id', 'birth_date', 'municipality_code', 'deceased_on', 'emigrated_on'])
        .where('birth_date', '<=', addDays(campaign.reference_date, -campaign.min_age * 365))
        .where('deceased_on', 'is', null)
        .where('emigrated_on', 'is', null)
        .orderBy('id')
        .limit(batchSize);
      if (after !== null) query = query.where('id', '>', after);
      if (campaign.municipality_codes.length > 0)
        query = query.where('municipality_code', 'in', campaign.municipality_codes);
      const page = await query.execute();
      if (page.length === 0) break;
      after = page.at(-1)!.id;
      const candidates = page.filter((p) =>
        isEligible(
          {
            personId: p.id,
            birthDate: p.birth_date,
            municipalityCode: p.municipality_code,
            deceasedOn: p.deceased_on,
            emigratedOn: p.emigrated_on,
          },
          criteria,
          campaign.reference_date,
        ),
      );
      if (candidates.length > 0) {
        const counts = await inviteBatch(trx, who, campaign, candidates, share);
        totals.eligible += candidates.length;
        totals.appointments += counts.appointments;
        totals.plain += counts.plain;
        totals.withoutRoom += counts.withoutRoom;
      }
      if (page.length < batchSize) break;
    }
    await trx
      .updateTable('campaign')
      .set({ selected_at: sql`now()` })
      .where('id', '=', campaign.id)
      .execute();
    await audit(trx, who, 'campaign.select-and-invite', 'campaign', campaign.id);
    return { campaignId: campaign.id, ...totals };
  });
}

/** One batch of the selection: groups, slots against the room left now, invitations and appointments. */
async function inviteBatch(
  trx: Trx,
  who: Who,
  campaign: { id: string; inviting_organisation: string },
  candidates: ReadonlyArray<{ id: string; municipality_code: string | null }>,
  share: number,
): Promise<{ appointments: number; plain: number; withoutRoom: number }> {
  const plain = candidates.filter((p) => inComparisonGroup(p.id, campaign.id, share));
  const proactive = candidates.filter((p) => !inComparisonGroup(p.id, campaign.id, share));
  // Only slots with room are read, so a full campaign costs nothing per later batch.
  const slots =
    proactive.length === 0
      ? []
      : await trx
          .selectFrom('campaign_slot as s')
          .innerJoin('campaign_location as l', 'l.id', 's.location_id')
          .select([
            's.id',
            's.location_id',
            'l.municipality_code',
            's.slot_date',
            's.start_time',
            's.capacity',
            's.booked',
          ])
          .where('s.campaign_id', '=', campaign.id)
          .whereRef('s.booked', '<', 's.capacity')
          .execute();
  const plan = assignSlots(
    proactive.map((p) => ({ personId: p.id, municipalityCode: p.municipality_code })),
    slots.map((s) => ({
      id: s.id,
      locationId: s.location_id,
      municipalityCode: s.municipality_code,
      date: s.slot_date,
      startTime: s.start_time,
      capacity: s.capacity,
      booked: s.booked,
    })),
  );
  const slotOf = new Map(plan.assignments.map((a) => [a.personId, a.slotId]));
  const groupOf = (id: string): InvitationGroup => (slotOf.has(id) ? 'appointment' : 'plain');
  for (let i = 0; i < candidates.length; i += 500) {
    const chunk = candidates.slice(i, i + 500);
    const invitations = await trx
      .insertInto('campaign_invitation')
      .values(
        chunk.map((p) => ({
          campaign_id: campaign.id,
          person_id: p.id,
          invitation_group: groupOf(p.id),
          sent_by: who.actorId,
          sent_by_organisation: campaign.inviting_organisation,
        })),
      )
      .returning(['id', 'person_id'])
      .execute();
    const appointments = invitations
      .filter((inv) => slotOf.has(inv.person_id))
      .map((inv) => ({
        invitation_id: inv.id,
        slot_id: slotOf.get(inv.person_id)!,
        created_by: who.actorId,
      }));
    if (appointments.length > 0) await insertAppointments(trx, appointments);
  }
  return {
    appointments: plan.assignments.length,
    plain: plain.length + plan.unassigned.length,
    withoutRoom: plan.unassigned.length,
  };
}

/** Inserts booked appointments; the database refuses the one that would overbook a slot (409). */
async function insertAppointments(
  trx: Trx,
  rows: Array<{ invitation_id: string; slot_id: string; created_by: string }>,
): Promise<string[]> {
  try {
    const inserted = await trx.insertInto('campaign_appointment').values(rows).returning('id').execute();
    return inserted.map((r) => r.id);
  } catch (error) {
    throw asSlotFull(error);
  }
}

function asSlotFull(error: unknown): unknown {
  const text =
    error instanceof Error ? `${error.message} ${(error as { constraint?: string }).constraint ?? ''}` : '';
  if (text.includes('campaign_slot_no_overbooking')) {
    return new ProblemError(409, 'slot-full', 'Tijdvak vol', 'Dit tijdvak is vol; kies een ander tijdstip.', [
      { field: 'body.slotId', rule: 'slot-capacity', message: 'Dit tijdvak is vol.' },
    ]);
  }
  if (text.includes('campaign_appointment_one_booked')) {
    return new ProblemError(409, 'already-booked', 'Al een afspraak', 'Er staat al een afspraak.', [
      { field: 'params.id', rule: 'one-appointment-per-person', message: 'Er staat al een afspraak.' },
    ]);
  }
  return error;
}

export interface CampaignSummary {
  id: string;
  name: string;
  description: string;
  referenceDate: string;
  minAge: number;
  maxAge: number | null;
  comparisonShare: number;
  invitingOrganisation: string;
  createdBy: string;
  selectedAt: string | null;
}

export async function listCampaigns(db: Db): Promise<CampaignSummary[]> {
  const rows = await db.selectFrom('campaign').selectAll().orderBy('created_at', 'desc').execute();
  return rows.map(summaryOf);
}

function summaryOf(row: Awaited<ReturnType<typeof loadCampaign>>): CampaignSummary {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    referenceDate: row.reference_date,
    minAge: row.min_age,
    maxAge: row.max_age,
    comparisonShare: Number(row.comparison_share),
    invitingOrganisation: row.inviting_organisation,
    createdBy: row.created_by,
    selectedAt: row.selected_at ? new Date(row.selected_at).toISOString() : null,
  };
}

async function loadCampaign(db: Db | Trx, id: string) {
  const row = await db.selectFrom('campaign').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Deze campagne');
  return row;
}

export interface SlotView {
  id: string;
  locationId: string;
  location: string;
  address: string;
  date: string;
  time: string;
  capacity: number;
  booked: number;
}

export async function getCampaign(
  db: Db,
  id: string,
): Promise<CampaignSummary & { slots: SlotView[]; invitations: number }> {
  const campaign = await loadCampaign(db, id);
  const slots = await campaignSlots(db, id);
  const count = await db
    .selectFrom('campaign_invitation')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('campaign_id', '=', id)
    .executeTakeFirstOrThrow();
  return { ...summaryOf(campaign), slots, invitations: Number(count.n) };
}

async function campaignSlots(db: Db | Trx, campaignId: string, from?: IsoDate): Promise<SlotView[]> {
  let query = db
    .selectFrom('campaign_slot as s')
    .innerJoin('campaign_location as l', 'l.id', 's.location_id')
    .select([
      's.id',
      's.location_id',
      'l.name',
      'l.address',
      's.slot_date',
      's.start_time',
      's.capacity',
      's.booked',
    ])
    .where('s.campaign_id', '=', campaignId)
    .orderBy('s.slot_date')
    .orderBy('s.start_time')
    .orderBy('l.name');
  if (from) query = query.where('s.slot_date', '>=', from);
  const rows = await query.execute();
  return rows.map((s) => ({
    id: s.id,
    locationId: s.location_id,
    location: s.name,
    address: s.address,
    date: s.slot_date,
    time: s.start_time,
    capacity: s.capacity,
    booked: s.booked,
  }));
}

// ---------------------------------------------------------------------------------------------------
// Appointments: move, cancel (the person in the portal, or staff)

interface AppointmentRow {
  invitationId: string;
  appointmentId: string | null;
  campaignId: string;
  personId: string;
}

async function lockInvitation(trx: Trx, invitationId: string): Promise<AppointmentRow> {
  const invitation = await trx
    .selectFrom('campaign_invitation')
    .select(['id', 'campaign_id', 'person_id'])
    .where('id', '=', invitationId)
    .forUpdate()
    .executeTakeFirst();
  if (!invitation) throw notFound('Deze uitnodiging');
  const appointment = await trx
    .selectFrom('campaign_appointment')
    .select('id')
    .where('invitation_id', '=', invitationId)
    .where('status', '=', 'booked')
    .executeTakeFirst();
  return {
    invitationId: invitation.id,
    appointmentId: appointment?.id ?? null,
    campaignId: invitation.campaign_id,
    personId: invitation.person_id,
  };
}

/**
 * Moves the invitation's appointment to another slot of the same campaign (or books one when the person
 * had none, e.g. after cancelling or in the plain group). The old appointment stays as history ('moved').
 */
export async function moveAppointment(
  db: Db,
  who: Who,
  invitationId: string,
  slotId: string,
  today: IsoDate,
): Promise<{ appointmentId: string }> {
  return db.transaction().execute(async (trx) => {
    const current = await lockInvitation(trx, invitationId);
    const slot = await trx
      .selectFrom('campaign_slot')
      .select(['id', 'campaign_id', 'slot_date'])
      .where('id', '=', slotId)
      .executeTakeFirst();
    if (!slot || slot.campaign_id !== current.campaignId) {
      throw ruleViolation('body.slotId', 'slot-of-campaign', 'Dit tijdvak hoort niet bij deze campagne.');
    }
    if (compareIsoDates(slot.slot_date, today) < 0) {
      throw ruleViolation('body.slotId', 'slot-not-past', 'Dit tijdvak ligt in het verleden.');
    }
    if (current.appointmentId) {
      await trx
        .updateTable('campaign_appointment')
        .set({ status: 'moved', ended_by: who.actorId, ended_at: sql`now()` })
        .where('id', '=', current.appointmentId)
        .execute();
    }
    const [appointmentId] = await insertAppointments(trx, [
      { invitation_id: invitationId, slot_id: slotId, created_by: who.actorId },
    ]);
    await audit(trx, who, 'campaign.appointment.move', 'campaign_invitation', invitationId);
    return { appointmentId: appointmentId! };
  });
}

export async function cancelAppointment(db: Db, who: Who, invitationId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const current = await lockInvitation(trx, invitationId);
    if (!current.appointmentId) {
      throw ruleViolation('params.id', 'appointment-booked', 'Er staat geen afspraak om te annuleren.');
    }
    await trx
      .updateTable('campaign_appointment')
      .set({ status: 'cancelled', ended_by: who.actorId, ended_at: sql`now()` })
      .where('id', '=', current.appointmentId)
      .execute();
    await audit(trx, who, 'campaign.appointment.cancel', 'campaign_invitation', invitationId);
  });
}

// ---------------------------------------------------------------------------------------------------
// Reminders, attendance, uptake

/** Records a reminder for every booked appointment due within the campaign's reminder window. */
export async function sendReminders(
  db: Db,
  who: Who,
  campaignId: string,
  today: IsoDate,
): Promise<{ reminders: number }> {
  return db.transaction().execute(async (trx) => {
    const campaign = await loadCampaign(trx, campaignId);
    const due = await trx
      .selectFrom('campaign_appointment as a')
      .innerJoin('campaign_slot as s', 's.id', 'a.slot_id')
      .leftJoin('campaign_reminder as r', 'r.appointment_id', 'a.id')
      .leftJoin('campaign_attendance as t', 't.invitation_id', 'a.invitation_id')
      .select(['a.id', 's.slot_date'])
      .where('s.campaign_id', '=', campaignId)
      .where('a.status', '=', 'booked')
      .where('r.id', 'is', null)
      .where('t.invitation_id', 'is', null)
      .execute();
    const rows = due
      .filter((a) => reminderDue(a.slot_date, today, campaign.reminder_days_before))
      .map((a) => ({ appointment_id: a.id, sent_by: who.actorId }));
    if (rows.length > 0) await trx.insertInto('campaign_reminder').values(rows).execute();
    await audit(trx, who, 'campaign.remind', 'campaign', campaignId);
    return { reminders: rows.length };
  });
}

/** Attendance at a location, by the person's invitation id (barcode on the letter) or BSN. */
export async function recordAttendance(
  db: Db,
  who: Who,
  campaignId: string,
  body: { invitationId?: string | undefined; bsn?: string | undefined; locationId: string; date: IsoDate },
): Promise<{ invitationId: string; group: InvitationGroup }> {
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('campaign_invitation as i')
      .innerJoin('person as p', 'p.id', 'i.person_id')
      .select(['i.id', 'i.invitation_group'])
      .where('i.campaign_id', '=', campaignId);
    if (body.invitationId) query = query.where('i.id', '=', body.invitationId);
    else query = query.where('p.bsn', '=', body.bsn ?? '');
    const invitation = await query.executeTakeFirst();
    if (!invitation) {
      throw ruleViolation(
        body.invitationId ? 'body.invitationId' : 'body.bsn',
        'invited-in-campaign',
        'Deze persoon is niet uitgenodigd in deze campagne.',
      );
    }
    const location = await trx
      .selectFrom('campaign_location')
      .select('id')
      .where('id', '=', body.locationId)
      .where('campaign_id', '=', campaignId)
      .executeTakeFirst();
    if (!location) throw ruleViolation('body.locationId', 'location-of-campaign', 'Onbekende locatie.');
    const inserted = await trx
      .insertInto('campaign_attendance')
      .values({
        invitation_id: invitation.id,
        location_id: body.locationId,
        attended_on: body.date,
        recorded_by: who.actorId,
      })
      .onConflict((oc) => oc.column('invitation_id').doNothing())
      .returning('invitation_id')
      .executeTakeFirst();
    if (!inserted) {
      throw new ProblemError(409, 'already-attended', 'Al geregistreerd', 'De opkomst is al geregistreerd.', [
        { field: 'body', rule: 'attendance-once', message: 'De opkomst is al geregistreerd.' },
      ]);
    }
    await audit(trx, who, 'campaign.attendance', 'campaign_invitation', invitation.id);
    return { invitationId: invitation.id, group: invitation.invitation_group };
  });
}

export interface UptakeReport {
  campaignId: string;
  groups: Array<{ group: InvitationGroup; invited: number; attended: number; uptake: number | null }>;
  difference: number | null;
  appointments: { booked: number; moved: number; cancelled: number };
  reminders: number;
}

export async function uptakeReport(db: Db, campaignId: string): Promise<UptakeReport> {
  await loadCampaign(db, campaignId);
  const invitations = await db
    .selectFrom('campaign_invitation as i')
    .leftJoin('campaign_attendance as a', 'a.invitation_id', 'i.id')
    .select(['i.invitation_group', 'a.invitation_id as attended'])
    .where('i.campaign_id', '=', campaignId)
    .execute();
  const result = uptake(
    invitations.map((i) => ({ group: i.invitation_group, attended: i.attended !== null })),
  );
  const statuses = await db
    .selectFrom('campaign_appointment as a')
    .innerJoin('campaign_invitation as i', 'i.id', 'a.invitation_id')
    .select(['a.status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('i.campaign_id', '=', campaignId)
    .groupBy('a.status')
    .execute();
  const reminders = await db
    .selectFrom('campaign_reminder as r')
    .innerJoin('campaign_appointment as a', 'a.id', 'r.appointment_id')
    .innerJoin('campaign_invitation as i', 'i.id', 'a.invitation_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('i.campaign_id', '=', campaignId)
    .executeTakeFirstOrThrow();
  const count = (status: string) => Number(statuses.find((s) => s.status === status)?.n ?? 0);
  return {
    campaignId,
    ...result,
    appointments: { booked: count('booked'), moved: count('moved'), cancelled: count('cancelled') },
    reminders: Number(reminders.n),
  };
}

// ---------------------------------------------------------------------------------------------------
// The person's view (portal) and the letter

export interface CitizenInvitation {
  invitationId: string;
  campaign: { id: string; name: string; description: string };
  person: { name: string; self: boolean };
  group: InvitationGroup;
  sentBy: string;
  appointment: { slotId: string; location: string; address: string; date: string; time: string } | null;
  attended: boolean;
}

/**
 * The invitations a citizen may see and act on: their own, and those of children in their custody
 * under 16 (person_custodian from the BRP extract). Identified by BSN from the portal's sign-in.
 */
export async function invitationsForCitizen(db: Db, bsn: string): Promise<CitizenInvitation[]> {
  const rows = await db
    .selectFrom('campaign_invitation as i')
    .innerJoin('campaign as c', 'c.id', 'i.campaign_id')
    .innerJoin('person as p', 'p.id', 'i.person_id')
    .leftJoin('campaign_appointment as a', (join) =>
      join.onRef('a.invitation_id', '=', 'i.id').on('a.status', '=', 'booked'),
    )
    .leftJoin('campaign_slot as s', 's.id', 'a.slot_id')
    .leftJoin('campaign_location as l', 'l.id', 's.location_id')
    .leftJoin('campaign_attendance as t', 't.invitation_id', 'i.id')
    .select([
      'i.id',
      'i.invitation_group',
      'i.sent_by_organisation',
      'c.id as campaign_id',
      'c.name as campaign_name',
      'c.description',
      'p.bsn',
      'p.given_name',
      'p.name_prefix',
      'p.family_name',
      's.id as slot_id',
      's.slot_date',
      's.start_time',
      'l.name as location',
      'l.address',
      't.invitation_id as attended',
    ])
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
    .orderBy('c.created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    invitationId: r.id,
    campaign: { id: r.campaign_id, name: r.campaign_name, description: r.description },
    person: { name: formatPersonName(r.given_name, r.name_prefix, r.family_name), self: r.bsn === bsn },
    group: r.invitation_group,
    sentBy: r.sent_by_organisation,
    appointment:
      r.slot_id && r.slot_date && r.start_time && r.location && r.address
        ? {
            slotId: r.slot_id,
            location: r.location,
            address: r.address,
            date: r.slot_date,
            time: r.start_time,
          }
        : null,
    attended: r.attended !== null,
  }));
}

/** Slots with room from `from` on: what a person may move to. */
export async function freeSlots(db: Db, campaignId: string, from: IsoDate): Promise<SlotView[]> {
  return (await campaignSlots(db, campaignId, from)).filter((s) => s.booked < s.capacity);
}

export async function campaignLetterData(db: Db, invitationId: string, kind: 'invitation' | 'reminder') {
  const row = await db
    .selectFrom('campaign_invitation as i')
    .innerJoin('campaign as c', 'c.id', 'i.campaign_id')
    .innerJoin('person as p', 'p.id', 'i.person_id')
    .leftJoin('campaign_appointment as a', (join) =>
      join.onRef('a.invitation_id', '=', 'i.id').on('a.status', '=', 'booked'),
    )
    .leftJoin('campaign_slot as s', 's.id', 'a.slot_id')
    .leftJoin('campaign_location as l', 'l.id', 's.location_id')
    .select([
      'i.id',
      'i.sent_by_organisation',
      'i.sent_at',
      'c.name',
      'c.description',
      'p.given_name',
      'p.name_prefix',
      'p.family_name',
      'p.street',
      'p.house_number',
      'p.house_letter',
      'p.house_number_addition',
      'p.postcode',
      'p.city',
      's.slot_date',
      's.start_time',
      'l.name as location',
      'l.address',
    ])
    .where('i.id', '=', invitationId)
    .executeTakeFirst();
  if (!row) throw notFound('Deze uitnodiging');
  const name = formatPersonName(row.given_name, row.name_prefix, row.family_name);
  return {
    kind,
    campaign: { name: row.name, description: row.description },
    person: {
      name,
      addressLines: [
        name,
        [row.street, [row.house_number, row.house_letter, row.house_number_addition].filter(Boolean).join('')]
          .filter(Boolean)
          .join(' '),
        [row.postcode, row.city].filter(Boolean).join('  '),
      ].filter((l) => l.trim() !== ''),
    },
    sentBy: row.sent_by_organisation,
    invitationId: row.id,
    appointment:
      row.slot_date && row.start_time && row.location && row.address
        ? { location: row.location, address: row.address, date: row.slot_date, time: row.start_time }
        : null,
    issuedOn: isoDateInZone(new Date(row.sent_at)),
  };
}

// ---------------------------------------------------------------------------------------------------
// The location screen: find an invited person (barcode, BSN or name)

export interface InvitationRow {
  invitationId: string;
  name: string;
  bsn: string | null;
  birthDate: string;
  group: InvitationGroup;
  appointment: { location: string; date: string; time: string } | null;
  attended: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Invitations of a campaign matching what was typed or scanned at the location: the invitation id
 * (the barcode on the letter), a BSN (9 digits) or part of the family name. At most `limit` rows.
 */
export async function findInvitations(
  db: Db,
  campaignId: string,
  search: string,
  limit = 20,
): Promise<InvitationRow[]> {
  await loadCampaign(db, campaignId);
  const term = search.trim();
  if (term === '') return [];
  let query = db
    .selectFrom('campaign_invitation as i')
    .innerJoin('person as p', 'p.id', 'i.person_id')
    .leftJoin('campaign_appointment as a', (join) =>
      join.onRef('a.invitation_id', '=', 'i.id').on('a.status', '=', 'booked'),
    )
    .leftJoin('campaign_slot as s', 's.id', 'a.slot_id')
    .leftJoin('campaign_location as l', 'l.id', 's.location_id')
    .leftJoin('campaign_attendance as t', 't.invitation_id', 'i.id')
    .select([
      'i.id',
      'i.invitation_group',
      'p.bsn',
      'p.birth_date',
      'p.given_name',
      'p.name_prefix',
      'p.family_name',
      's.slot_date',
      's.start_time',
      'l.name as location',
      't.invitation_id as attended',
    ])
    .where('i.campaign_id', '=', campaignId)
    .orderBy('p.family_name')
    .orderBy('p.given_name')
    .orderBy('i.id')
    .limit(limit);
  if (UUID.test(term)) query = query.where('i.id', '=', term.toLowerCase());
  else if (/^\d{9}$/.test(term)) query = query.where('p.bsn', '=', term);
  else {
    // Every word must occur in the given name, prefix or family name ("daan jansen", "jans").
    // LIKE patterns: escape the wildcards so a typed % or _ matches itself.
    for (const word of term.split(/\s+/).slice(0, 5)) {
      const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb('p.family_name', 'ilike', pattern),
          eb('p.given_name', 'ilike', pattern),
          eb('p.name_prefix', 'ilike', pattern),
        ]),
      );
    }
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    invitationId: r.id,
    name: formatPersonName(r.given_name, r.name_prefix, r.family_name),
    bsn: r.bsn,
    birthDate: r.birth_date,
    group: r.invitation_group,
    appointment:
      r.slot_date && r.start_time && r.location
        ? { location: r.location, date: r.slot_date, time: r.start_time }
        : null,
    attended: r.attended !== null,
  }));
}
