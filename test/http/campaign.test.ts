/**
 * Campaigns with proactive invitations (issue 11, SPEC §7): selection, appointments within capacity
 * (also under concurrent requests: the database refuses the one too many), moving and cancelling in
 * the portal, reminders, attendance and uptake against the comparison group.
 */
import { PDFDocument } from 'pdf-lib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectAndInvite } from '../../src/campaigns/service.js';
import { assignSlots, inComparisonGroup, isEligible } from '../../src/domain/campaigns/index.js';
import { makeBsn } from '../../src/domain/identifiers/index.js';
import type { App } from '../../src/http/app.js';
import { signServiceToken } from '../../src/portal/service-token.js';
import { createRegistryApp } from '../../src/registry/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { seedRegistryStaff } from '../support/registry.js';
import { signIn } from '../support/session.js';

const TODAY = '2026-11-23';
const SECRET = 'campaign-test-portal-secret-0123456789';
const bsnOf = (i: number) => makeBsn(7_100_000 + i);

interface Invitation {
  invitationId: string;
  group: 'appointment' | 'plain';
  appointment: { slotId: string; date: string; time: string } | null;
}

describe.each(BACKENDS)('campaigns on %s', (backend) => {
  let test: TestDatabase<'registry'>;
  let app: App;
  let staff: Record<string, string>;
  let analyst: Record<string, string>;
  let campaignId = '';
  let amsterdamSlot = '';
  let locations: Record<string, string> = {};

  beforeAll(async () => {
    test = await createTestDatabase(backend, 'registry');
    const { db } = test.database;
    await seedRegistryStaff(db);
    await db
      .insertInto('municipality')
      .values({ code: 'GM0363', name: 'Amsterdam', province: 'Noord-Holland' })
      .execute();
    // 44 people of 60+ in Utrecht (one deceased), 3 younger. Enough that the comparison group (half,
    // by a hash of random ids) is never empty in practice: the chance is 2^-43.
    const births = [
      ...Array.from({ length: 44 }, (_, i) => `19${40 + (i % 25)}-0${1 + (i % 9)}-1${i % 10}`),
      '1970-01-01',
      '1980-01-01',
      '2000-01-01',
    ];
    await db
      .insertInto('person')
      .values(
        births.map((birth_date, i) => ({
          bsn: bsnOf(i),
          source: 'brp' as const,
          given_name: `Persoon${i}`,
          name_prefix: null,
          family_name: 'Test',
          gender: '1' as const,
          birth_date,
          street: 'Dorpsstraat',
          house_number: i + 1,
          house_letter: null,
          house_number_addition: null,
          postcode: '3511AB',
          city: 'Utrecht',
          municipality_code: 'GM0344',
          deceased_on: i === 43 ? '2026-01-01' : null,
        })),
      )
      .execute();
    app = await createRegistryApp({
      database: test.database,
      logLevel: 'silent',
      today: () => TODAY,
      portalServiceSecret: () => SECRET,
      portalUrl: () => 'http://portaal.test',
    });
    staff = await signIn(app, 'medewerker');
    analyst = await signIn(app, 'analist');
  });
  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });

  const send = (method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, headers = staff) =>
    app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const citizen = async (i: number) => ({
    authorization: `Bearer ${await signServiceToken(SECRET, 'open-rvp-registry', bsnOf(i))}`,
  });
  const portalInvitations = async (i: number): Promise<Invitation[]> =>
    (await app.inject({ url: '/api/portal/invitations', headers: await citizen(i) })).json().items;

  const campaignBody = {
    name: 'Boosterprik 60+',
    description: 'Een extra prik voor iedereen van 60 jaar en ouder.',
    referenceDate: TODAY,
    minAge: 60,
    comparisonShare: 0.5,
    reminderDaysBefore: 3,
    locations: [
      {
        name: 'Jaarbeurs',
        address: 'Jaarbeursplein 6, Utrecht',
        municipalityCode: 'GM0344',
        dates: ['2026-11-25'],
        from: '09:00',
        until: '10:00',
        slotMinutes: 15,
        capacityPerSlot: 12,
      },
      {
        name: 'RAI',
        address: 'Europaplein 24, Amsterdam',
        municipalityCode: 'GM0363',
        dates: ['2026-11-26'],
        from: '14:00',
        until: '14:10',
        slotMinutes: 10,
        capacityPerSlot: 1,
      },
    ],
  };

  it('needs the one organisation in charge of inviting before a campaign', async () => {
    const refused = await send('POST', '/api/campaigns', campaignBody);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors[0].rule).toBe('one-inviter-required');
    expect(
      (await send('PUT', '/api/campaign-inviter', { organisationName: 'GGD GHOR' }, analyst)).statusCode,
    ).toBe(403);
    const set = await send('PUT', '/api/campaign-inviter', { organisationName: 'GGD GHOR Nederland' });
    expect(set.json()).toMatchObject({ organisationName: 'GGD GHOR Nederland', setBy: 'medewerker' });
  });

  it('creates a campaign with slots and refuses bad input naming the field', async () => {
    const bad = await send('POST', '/api/campaigns', { ...campaignBody, minAge: 70, maxAge: 60 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.maxAge');
    const created = await send('POST', '/api/campaigns', campaignBody);
    expect(created.statusCode, created.body).toBe(201);
    const campaign = created.json();
    campaignId = campaign.id;
    expect(campaign.invitingOrganisation).toBe('GGD GHOR Nederland');
    expect(campaign.slots).toHaveLength(5);
    locations = Object.fromEntries(
      campaign.slots.map((s: { location: string; locationId: string }) => [s.location, s.locationId]),
    );
    amsterdamSlot = campaign.slots.find((s: { location: string }) => s.location === 'RAI').id;
  });

  it('selects the eligible, gives appointments within capacity and records who sent each', async () => {
    const result = (await send('POST', `/api/campaigns/${campaignId}/invitations`)).json();
    expect(result.eligible).toBe(43); // 44 of 60+, minus the deceased
    expect(result.appointments + result.plain).toBe(43);
    expect(result.plain).toBeGreaterThan(0); // the comparison group
    const { db } = test.database;
    const slots = await db
      .selectFrom('campaign_slot')
      .selectAll()
      .where('campaign_id', '=', campaignId)
      .execute();
    for (const s of slots) expect(s.booked).toBeLessThanOrEqual(s.capacity);
    // Utrecht residents fill Utrecht first; Jaarbeurs has room for 48, so the RAI slot stays free.
    expect(slots.find((s) => s.id === amsterdamSlot)!.booked).toBe(0);
    const booked = await db
      .selectFrom('campaign_appointment')
      .select('id')
      .where('status', '=', 'booked')
      .execute();
    expect(booked).toHaveLength(result.appointments);
    const invitations = await db.selectFrom('campaign_invitation').selectAll().execute();
    expect(
      invitations.every((i) => i.sent_by === 'medewerker' && i.sent_by_organisation === 'GGD GHOR Nederland'),
    ).toBe(true);
    expect((await send('POST', `/api/campaigns/${campaignId}/invitations`)).statusCode).toBe(409);
  });

  it('the database refuses overbooking, also for concurrent bookings', async () => {
    const { db } = test.database;
    const plain = await db
      .selectFrom('campaign_invitation')
      .select('id')
      .where('invitation_group', '=', 'plain')
      .execute();
    expect(plain.length).toBeGreaterThanOrEqual(2);
    const attempts = await Promise.all(
      plain.map((p) =>
        send('POST', `/api/campaign-invitations/${p.id}/appointment`, { slotId: amsterdamSlot }),
      ),
    );
    expect(attempts.filter((r) => r.statusCode === 200)).toHaveLength(1);
    const refused = attempts.filter((r) => r.statusCode === 409);
    expect(refused).toHaveLength(plain.length - 1);
    expect(refused[0]!.json().errors[0].rule).toBe('slot-capacity');
    const slot = await db
      .selectFrom('campaign_slot')
      .selectAll()
      .where('id', '=', amsterdamSlot)
      .executeTakeFirstOrThrow();
    expect(slot.booked).toBe(1);
    // Even SQL that bypasses the service cannot overbook: the trigger and check refuse it.
    const other = plain.find((p) => !attempts[plain.indexOf(p)]!.statusCode.toString().startsWith('2'))!;
    await expect(
      sql`insert into campaign_appointment (invitation_id, slot_id, created_by) values (${other.id}, ${amsterdamSlot}, 'sql')`.execute(
        db,
      ),
    ).rejects.toThrow(/campaign_slot_no_overbooking/);
  });

  it('a person moves and cancels their own appointment in the portal, never someone else’s', async () => {
    // Someone from the appointment group (which people fall in which group depends on random ids),
    // but not the one holding the full Amsterdam slot: moving away would free it, and the booking
    // below that must be refused would then succeed.
    let me = 0;
    for (;;) {
      const appointment = (await portalInvitations(me))[0]?.appointment;
      if (appointment && appointment.slotId !== amsterdamSlot) break;
      me++;
    }
    const invitation = (await portalInvitations(me))[0]!;
    const slots = (
      await app.inject({
        url: `/api/portal/invitations/${invitation.invitationId}/slots`,
        headers: await citizen(me),
      })
    ).json().items as Array<{ id: string; booked: number; capacity: number }>;
    expect(slots.every((s) => s.booked < s.capacity)).toBe(true);
    expect(slots.map((s) => s.id)).not.toContain(amsterdamSlot); // full
    const target = slots.find((s) => s.id !== invitation.appointment?.slotId)!;
    const moved = await app.inject({
      method: 'POST',
      url: `/api/portal/invitations/${invitation.invitationId}/appointment`,
      headers: await citizen(me),
      payload: { slotId: target.id },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await portalInvitations(me))[0]!.appointment!.slotId).toBe(target.id);
    const full = await app.inject({
      method: 'POST',
      url: `/api/portal/invitations/${invitation.invitationId}/appointment`,
      headers: await citizen(me),
      payload: { slotId: amsterdamSlot },
    });
    expect(full.statusCode).toBe(409);
    expect((await portalInvitations(me))[0]!.appointment!.slotId).toBe(target.id); // unchanged
    const foreign = await app.inject({
      method: 'DELETE',
      url: `/api/portal/invitations/${invitation.invitationId}/appointment`,
      headers: await citizen(me + 1),
    });
    expect(foreign.statusCode).toBe(404);
    expect((await app.inject({ url: '/api/portal/invitations' })).statusCode).toBe(401);
    const cancelled = await app.inject({
      method: 'DELETE',
      url: `/api/portal/invitations/${invitation.invitationId}/appointment`,
      headers: await citizen(me),
    });
    expect(cancelled.statusCode).toBe(204);
    expect((await portalInvitations(me))[0]!.appointment).toBeNull();
  });

  it('reminds once, records attendance, and reports uptake against the plain invitations', async () => {
    const first = (await send('POST', `/api/campaigns/${campaignId}/reminders`)).json();
    expect(first.reminders).toBeGreaterThan(0);
    expect((await send('POST', `/api/campaigns/${campaignId}/reminders`)).json().reminders).toBe(0);

    const { db } = test.database;
    const groups = await db
      .selectFrom('campaign_invitation as i')
      .innerJoin('person as p', 'p.id', 'i.person_id')
      .leftJoin('campaign_appointment as a', (j) =>
        j.onRef('a.invitation_id', '=', 'i.id').on('a.status', '=', 'booked'),
      )
      .select(['i.id', 'i.invitation_group', 'p.bsn', 'a.id as appointment'])
      .where('i.campaign_id', '=', campaignId)
      .orderBy('p.bsn')
      .execute();
    const withAppointment = groups.filter((g) => g.invitation_group === 'appointment' && g.appointment);
    const plainOnes = groups.filter((g) => g.invitation_group === 'plain');
    for (const g of withAppointment.slice(0, 2)) {
      const r = await send('POST', `/api/campaigns/${campaignId}/attendance`, {
        invitationId: g.id,
        locationId: locations.Jaarbeurs,
        date: '2026-11-25',
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    const walkIn = await send('POST', `/api/campaigns/${campaignId}/attendance`, {
      bsn: plainOnes[0]!.bsn,
      locationId: locations.Jaarbeurs,
      date: '2026-11-25',
    });
    expect(walkIn.json()).toMatchObject({ group: 'plain' });
    const again = await send('POST', `/api/campaigns/${campaignId}/attendance`, {
      bsn: plainOnes[0]!.bsn,
      locationId: locations.Jaarbeurs,
      date: '2026-11-25',
    });
    expect(again.statusCode).toBe(409);
    const stranger = await send('POST', `/api/campaigns/${campaignId}/attendance`, {
      bsn: bsnOf(46),
      locationId: locations.Jaarbeurs,
      date: '2026-11-25',
    });
    expect(stranger.json().errors[0].rule).toBe('invited-in-campaign');

    const report = (
      await app.inject({ url: `/api/campaigns/${campaignId}/uptake`, headers: analyst })
    ).json();
    const appointmentInvited = groups.filter((g) => g.invitation_group === 'appointment').length;
    expect(report.groups).toEqual([
      { group: 'appointment', invited: appointmentInvited, attended: 2, uptake: 2 / appointmentInvited },
      { group: 'plain', invited: plainOnes.length, attended: 1, uptake: 1 / plainOnes.length },
    ]);
    expect(report.appointments.moved).toBeGreaterThanOrEqual(1);
    expect(report.appointments.cancelled).toBe(1);
    expect(report.reminders).toBe(first.reminders);
  });

  it('renders the invitation letter with the appointment as a PDF', async () => {
    const invitation = (await portalInvitations(2))[0]!;
    const response = await app.inject({
      url: `/api/campaign-invitations/${invitation.invitationId}/letter`,
      headers: staff,
    });
    expect(response.headers['content-type']).toBe('application/pdf');
    const pdf = await PDFDocument.load(response.rawPayload);
    expect(pdf.getPageCount()).toBe(1);
    expect(pdf.getTitle()).toBe('Uitnodiging met afspraak');
    expect(pdf.getAuthor()).toBe('GGD GHOR Nederland');
  });

  it('selects in keyset batches smaller than the population and assigns as one plan over everyone would', async () => {
    const { db } = test.database;
    // 16 places for 43 eligible (about 34 in the appointment group; the comparison group is drawn by a
    // hash of the random person ids, so a share of 0.5 sometimes left 16 or fewer): capacity runs out
    // mid-population, so a batch boundary falls both before and after the last free place.
    const created = await send('POST', '/api/campaigns', {
      ...campaignBody,
      name: 'Batches',
      comparisonShare: 0.2,
      locations: [
        { ...campaignBody.locations[0], from: '09:00', until: '10:00', slotMinutes: 15, capacityPerSlot: 2 },
        { ...campaignBody.locations[1], from: '14:00', until: '15:00', slotMinutes: 15, capacityPerSlot: 2 },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const id: string = created.json().id;
    const slots = await db
      .selectFrom('campaign_slot as s')
      .innerJoin('campaign_location as l', 'l.id', 's.location_id')
      .select(['s.id', 's.location_id', 'l.municipality_code', 's.slot_date', 's.start_time', 's.capacity'])
      .where('s.campaign_id', '=', id)
      .execute();
    // The expected plan: the pure rules over the whole population at once, in person-id order.
    const people = await db
      .selectFrom('person')
      .select(['id', 'birth_date', 'municipality_code', 'deceased_on', 'emigrated_on'])
      .orderBy('id')
      .execute();
    const eligible = people.filter((p) =>
      isEligible(
        {
          personId: p.id,
          birthDate: p.birth_date,
          municipalityCode: p.municipality_code,
          deceasedOn: p.deceased_on,
          emigratedOn: p.emigrated_on,
        },
        { minAge: 60 },
        TODAY,
      ),
    );
    const expected = assignSlots(
      eligible
        .filter((p) => !inComparisonGroup(p.id, id, 0.2))
        .map((p) => ({ personId: p.id, municipalityCode: p.municipality_code })),
      slots.map((s) => ({
        id: s.id,
        locationId: s.location_id,
        municipalityCode: s.municipality_code,
        date: s.slot_date,
        startTime: s.start_time,
        capacity: s.capacity,
        booked: 0,
      })),
    );
    expect(expected.unassigned.length).toBeGreaterThan(0);

    const result = await selectAndInvite(db, { actorId: 'medewerker', requestId: 'batch-test' }, id, {
      batchSize: 5,
    });
    expect(result).toMatchObject({
      eligible: eligible.length,
      appointments: expected.assignments.length,
      withoutRoom: expected.unassigned.length,
      plain: eligible.length - expected.assignments.length,
    });
    const actual = await db
      .selectFrom('campaign_invitation as i')
      .innerJoin('campaign_appointment as a', 'a.invitation_id', 'i.id')
      .select(['i.person_id', 'a.slot_id'])
      .where('i.campaign_id', '=', id)
      .where('a.status', '=', 'booked')
      .execute();
    const byPerson = (rows: Array<{ personId: string; slotId: string }>) =>
      rows.map((r) => `${r.personId}:${r.slotId}`).sort();
    expect(byPerson(actual.map((r) => ({ personId: r.person_id, slotId: r.slot_id })))).toEqual(
      byPerson(expected.assignments),
    );
    const after = await db.selectFrom('campaign_slot').selectAll().where('campaign_id', '=', id).execute();
    expect(after.every((s) => s.booked === s.capacity)).toBe(true);
  });
});
