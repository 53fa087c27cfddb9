/**
 * Demo data for the portal and campaigns (issue 11), loaded with the demo population:
 * - a known family to sign in as (README): Mila Jansen, sole custodian of Daan (7), custodian with
 *   Ruben of Sara (14), and custodian of Noah (17); Sara and Noah can sign in themselves;
 * - the registry's custodian list (person_custodian, as a BRP extract would bring it) for the demo
 *   population, so custodians see their children's invitations and certificates in the portal;
 * - the one organisation in charge of inviting and a catch-up campaign with appointments in the
 *   family's region.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { DossierSchema } from '../dossier/schema.js';
import { addDays } from '../domain/dates/index.js';
import { BSN_CAPACITY, makeBsn } from '../domain/identifiers/index.js';
import { organisations } from '../demo/organisations.js';
import type { RegistrySchema } from '../registry/schema.js';
import { createCampaign, selectAndInvite, setInviter } from '../campaigns/service.js';

// The top of the BSN range: the generated population uses the bottom (src/demo/generator.ts).
const bsnAt = (k: number) => makeBsn(BSN_CAPACITY - 1 - k);
export const DEMO_FAMILY = {
  mila: bsnAt(0),
  ruben: bsnAt(1),
  daan: bsnAt(2),
  sara: bsnAt(3),
  noah: bsnAt(4),
} as const;

// An array, not a record: BSNs look like integers, and objects sort integer-like keys.
export const DEMO_FAMILY_LABELS: ReadonlyArray<{ bsn: string; label: string }> = [
  { bsn: DEMO_FAMILY.mila, label: 'Mila Jansen — moeder met gezag van Daan (7), Sara (14) en Noah (17)' },
  { bsn: DEMO_FAMILY.ruben, label: 'Ruben Jansen — vader met gezag van Sara (14)' },
  { bsn: DEMO_FAMILY.sara, label: 'Sara Jansen (14) zelf' },
  { bsn: DEMO_FAMILY.noah, label: 'Noah Jansen (17) zelf' },
];

const yearsBefore = (date: string, years: number, days = 0) =>
  addDays(`${Number(date.slice(0, 4)) - years}${date.slice(4).replace('-02-29', '-02-28')}`, -days);

export async function loadPortalDemo(
  dossier: Database<DossierSchema>,
  registry: Database<RegistrySchema>,
  referenceDate: string,
): Promise<void> {
  const organisation = organisations[0]!;
  const municipality = organisation.municipalityCodes[0]!;
  const address = {
    street: 'Vismarkt',
    house_number: 12,
    house_letter: null,
    house_number_addition: null,
    postcode: '9711 KT',
    city: 'Groningen',
    municipality_code: municipality,
  };
  const children = [
    { key: 'daan', given: 'Daan', birth: yearsBefore(referenceDate, 7, 40), gender: '1' as const },
    { key: 'sara', given: 'Sara', birth: yearsBefore(referenceDate, 14, 100), gender: '2' as const },
    { key: 'noah', given: 'Noah', birth: yearsBefore(referenceDate, 17, 10), gender: '1' as const },
  ] as const;
  const custody: Record<(typeof children)[number]['key'], Array<'mila' | 'ruben'>> = {
    daan: ['mila'],
    sara: ['mila', 'ruben'],
    noah: ['mila'],
  };

  await dossier.db.transaction().execute(async (trx) => {
    for (const [i, child] of children.entries()) {
      const clientId = randomUUID();
      await trx
        .insertInto('client')
        .values({
          id: clientId,
          organisation_ura: organisation.ura,
          kind: 'youth',
          dossier_number: `PORTAAL${i + 1}`,
          bsn: DEMO_FAMILY[child.key],
          given_name: child.given,
          name_prefix: null,
          family_name: 'Jansen',
          gender: child.gender,
          birth_date: child.birth,
          ...address,
        })
        .execute();
      for (const parent of custody[child.key]) {
        const personId = randomUUID();
        await trx
          .insertInto('related_person')
          .values({
            id: personId,
            organisation_ura: organisation.ura,
            bsn: DEMO_FAMILY[parent],
            given_name: parent === 'mila' ? 'Mila' : 'Ruben',
            name_prefix: null,
            family_name: 'Jansen',
            gender: parent === 'mila' ? '2' : '1',
            birth_date: yearsBefore(referenceDate, parent === 'mila' ? 41 : 44),
          })
          .execute();
        await trx
          .insertInto('client_relation')
          .values({ client_id: clientId, person_id: personId, relation: 'parent', has_custody: true })
          .execute();
      }
    }
  });

  await registry.db.transaction().execute(async (trx) => {
    for (const child of children) {
      const person = await trx
        .insertInto('person')
        .values({
          bsn: DEMO_FAMILY[child.key],
          source: 'brp',
          given_name: child.given,
          name_prefix: null,
          family_name: 'Jansen',
          gender: child.gender,
          birth_date: child.birth,
          ...address,
          postcode: '9711KT',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('person_custodian')
        .values(custody[child.key].map((p) => ({ person_id: person.id, custodian_bsn: DEMO_FAMILY[p] })))
        .execute();
    }
  });

  // The registry learns custodians from the BRP; the demo takes them from the dossier's records.
  let after: string | null = null;
  for (;;) {
    let query = dossier.db
      .selectFrom('client as c')
      .innerJoin('client_relation as r', 'r.client_id', 'c.id')
      .innerJoin('related_person as p', 'p.id', 'r.person_id')
      .select(['c.id', 'c.bsn as child', 'p.bsn as custodian'])
      .where('r.has_custody', '=', true)
      .where('c.bsn', 'is not', null)
      .where('p.bsn', 'is not', null)
      .orderBy('c.id')
      .limit(1000);
    if (after) query = query.where('c.id', '>', after);
    const rows = await query.execute();
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    const pairs = rows.map((r) => ({ child: r.child!, custodian: r.custodian! }));
    await sql`
      insert into person_custodian (person_id, custodian_bsn)
      select p.id, x.custodian from person p
      join unnest(${pairs.map((p) => p.child)}::text[], ${pairs.map((p) => p.custodian)}::text[]) as x(child, custodian)
        on p.bsn = x.child
      on conflict do nothing`.execute(registry.db);
  }

  const who = { actorId: 'demo-data', requestId: 'demo-data' };
  await setInviter(registry.db, who, { organisationName: 'GGD GHOR Nederland' });
  const dates = [addDays(referenceDate, 7), addDays(referenceDate, 8)];
  const { id } = await createCampaign(registry.db, who, {
    name: 'Inhaalronde meningokokken (MenACWY)',
    description: 'Een inhaalprik tegen meningokokken ACWY voor jongeren van 14 tot en met 17 jaar.',
    referenceDate,
    minAge: 14,
    maxAge: 17,
    municipalityCodes: [...organisation.municipalityCodes],
    comparisonShare: 0.2,
    reminderDaysBefore: 3,
    locations: [
      {
        name: 'GGD-locatie Groningen',
        address: 'Hanzeplein 120, Groningen',
        municipalityCode: municipality,
        dates,
        from: '09:00',
        until: '12:00',
        slotMinutes: 15,
        capacityPerSlot: 3,
      },
      {
        name: 'Sporthal De Kroeze',
        address: 'Kroezeweg 1, Assen',
        dates,
        from: '13:00',
        until: '16:00',
        slotMinutes: 20,
        capacityPerSlot: 4,
      },
    ],
  });
  await selectAndInvite(registry.db, who, id);
}
