/**
 * Demo data for coverage, reports and supply (issue 10): historical vaccinations at the registry for
 * the demo population (as if registered from invitation cards before the digital exchange), some
 * anonymous ones, one location with a fridge per organisation, a delivery, inventory counts and a
 * budget for Utrecht. Deterministic per person; refreshes the coverage status at the end.
 */
import type { Kysely } from 'kysely';
import { addMonths, type IsoDate } from '../domain/dates/index.js';
import { makeBsn } from '../domain/identifiers/bsn.js';
import { addWorkingDays, inventoryDays, SCHEDULED_DOSES } from '../domain/supply/index.js';
import { refreshCoverage } from '../registry/coverage.js';
import type { RegistrySchema } from '../registry/schema.js';
import { withSupplyTables } from './supply.js';

const hash = (s: string): number => {
  let h = 2166136261;
  for (const ch of s) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
};

export async function seedDemoSupplyAndCoverage(
  db: Kysely<RegistrySchema>,
  referenceDate: IsoDate,
): Promise<void> {
  // Held in memory and judged person by person: meant for demo sizes, not for benchmark populations.
  const total = await db
    .selectFrom('person')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(total.n) > 200_000) return;
  await addRegistryCohorts(db, referenceDate);
  const persons = await db
    .selectFrom('person as p')
    .innerJoin('municipality as m', 'm.code', 'p.municipality_code')
    .select(['p.id', 'p.birth_date', 'p.gender', 'm.organisation_ura'])
    .where('p.birth_date', '>', addMonths(referenceDate, -12 * 18))
    .execute();
  const personal: Array<Record<string, unknown>> = [];
  const anonymous: Array<Record<string, unknown>> = [];
  for (const p of persons) {
    if (!p.organisation_ura) continue;
    const h = hash(p.id);
    // ~6% never vaccinated, ~8% with anonymous records (no exchange consent), the rest personalised.
    if (h % 100 < 6) continue;
    const anon = h % 100 < 14;
    let n = 0;
    for (const dose of SCHEDULED_DOSES) {
      // Older cohorts had DTP at 9 and HPV at 12 (the schedule before 2016 and 2012 births).
      const ageMonths =
        dose.vaccineType === '02' && p.birth_date < '2016-01-01'
          ? 108
          : dose.vaccineType === '09' && p.birth_date < '2012-01-01'
            ? dose.ageMonths + 24
            : dose.ageMonths;
      const date = addMonths(p.birth_date, ageMonths);
      if (date > referenceDate || (dose.vaccineType === '29' && p.birth_date < '2024-01-01')) continue;
      if (dose.vaccineType === '09' && p.birth_date < '2012-01-01' && p.gender !== '2') continue;
      if ((h >>> (n % 24)) % 50 === 0) continue; // an occasional missed dose
      n += 1;
      const row = {
        organisation_ura: p.organisation_ura,
        activity_id: `H${(h % 1e6).toString(36).toUpperCase()}${n.toString(36).toUpperCase()}`.slice(0, 10),
        activity_type: '01',
        activity_date: date,
        version: 1,
        vaccine_type: dose.vaccineType,
        vaccination_date: date,
        batch_number: `DEMO-${dose.vaccineType}-${date.slice(0, 4)}`,
        performer: 'demo',
        location: 'Consultatiebureau',
      };
      if (anon) anonymous.push({ ...row, dossier_status: 'A' });
      else personal.push({ ...row, person_id: p.id, objection: null });
    }
  }
  await insertInChunks(db, 'vaccination_event', personal);
  await insertInChunks(db, 'anonymous_vaccination', anonymous);
  // Every stored vaccination has its received activity, as the intake writes them (migration 021).
  // One per activity: a repeated one is skipped by `on conflict do nothing`.
  const receivedOf = (rows: typeof personal, kind: 'personalised' | 'anonymous') =>
    rows.map((r) => ({ organisation_ura: r.organisation_ura, activity_id: r.activity_id, version: 1, kind }));
  await insertInChunks(db, 'received_activity', [
    ...receivedOf(personal, 'personalised'),
    ...receivedOf(anonymous, 'anonymous'),
  ]);

  const sdb = withSupplyTables(db);
  const organisations = await db.selectFrom('organisation').select(['ura', 'name']).orderBy('ura').execute();
  const year = Number(referenceDate.slice(0, 4)) - 1;
  const [lastMay, lastNovember] = inventoryDays(year);
  const deliveredOn = `${year}-08-14`;
  const TYPES = ['11', '08', '04', '28'];
  // E per organisation and vaccine between the two counts, so the demo loss is small and realistic.
  const used = new Map<string, number>();
  for (const r of [...personal, ...anonymous]) {
    const d = r.vaccination_date as string;
    if (d > lastMay && d <= lastNovember) {
      const key = `${r.organisation_ura as string}|${r.vaccine_type as string}`;
      used.set(key, (used.get(key) ?? 0) + 1);
    }
  }
  for (const [i, o] of organisations.entries()) {
    const location = `LOC-${String(i + 1).padStart(2, '0')}`;
    const fridge = `${location}-K1`;
    await sdb
      .insertInto('supply_location')
      .values({
        id: location,
        organisation_ura: o.ura,
        name: `${o.name}, centrale locatie`,
        municipality_code: null,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await sdb
      .insertInto('supply_fridge')
      .values({ id: fridge, location_id: location, name: 'Vaccinkoelkast 1' })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const delivery = await sdb
      .insertInto('supply_delivery')
      .values({
        fridge_id: fridge,
        delivered_on: deliveredOn,
        confirm_before: addWorkingDays(deliveredOn, 1),
        registered_by: 'demo-data',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const counts: Array<Record<string, unknown>> = [];
    const moves: Array<Record<string, unknown>> = [];
    const lines: Array<Record<string, unknown>> = [];
    for (const t of TYPES) {
      const h = hash(`${o.ura}${t}`);
      const batch = `DEMO-${t}-${year}`;
      const opening = 30 + (h % 10); // A
      const closing = 40; // C
      const extra = (h >>> 4) % 5 === 0 ? -1 : (h >>> 8) % 3; // −1 … 2 doses lost: some negative, some > 1%
      const e = used.get(`${o.ura}|${t}`) ?? 0;
      const delivered = Math.max(1, e + extra + closing - opening); // B
      const base = { fridge_id: fridge, vaccine_type: t, registered_by: 'demo-data' };
      counts.push(
        { ...base, count_date: lastMay, counted: opening, expected: opening, plausible: true, reason: 'ok' },
        {
          ...base,
          count_date: lastNovember,
          counted: closing,
          expected: opening + delivered - e,
          plausible: Math.abs(closing - (opening + delivered - e)) <= 5,
          reason: Math.abs(closing - (opening + delivered - e)) <= 5 ? 'ok' : 'deviation',
        },
      );
      lines.push({
        delivery_id: delivery.id,
        vaccine_type: t,
        batch_number: batch,
        quantity: delivered,
        confirmed_quantity: delivered,
        confirmed_by: 'demo-data',
        confirmed_at: new Date(`${deliveredOn}T10:00:00Z`),
        late: false,
      });
      // The ledger: opening stock, the delivery, and the November count as a correction to book stock.
      moves.push(
        {
          ...base,
          batch_number: batch,
          quantity: opening,
          kind: 'delivery',
          occurred_on: lastMay,
          reference: 'demo',
        },
        {
          ...base,
          batch_number: batch,
          quantity: delivered,
          kind: 'delivery',
          occurred_on: deliveredOn,
          reference: delivery.id,
        },
      );
      const correction = closing - opening - delivered;
      if (correction !== 0) {
        moves.push({
          ...base,
          batch_number: batch,
          quantity: correction,
          kind: 'inventory-correction',
          occurred_on: lastNovember,
          reference: 'inventory',
        });
      }
    }
    await sdb
      .insertInto('supply_inventory_count')
      .values(counts as never)
      .onConflict((oc) => oc.doNothing())
      .execute();
    await sdb
      .insertInto('supply_delivery_line')
      .values(lines as never)
      .execute();
    await sdb
      .insertInto('supply_movement')
      .values(moves as never)
      .execute();
    if (i === 0) {
      // A cold-chain incident awaiting the registry's decision: the doses are in quarantine.
      const incident = await sdb
        .insertInto('supply_incident')
        .values({
          fridge_id: fridge,
          kind: 'cold-chain',
          vaccine_type: '04',
          batch_number: `DEMO-04-${year}`,
          quantity: 6,
          occurred_on: referenceDate,
          description: "Koelkast 's nachts 11 °C (temperatuurlogger); vaccins apart gelegd.",
          status: 'quarantined',
          reported_by: 'demo-data',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await sdb
        .insertInto('supply_movement')
        .values({
          fridge_id: fridge,
          vaccine_type: '04',
          batch_number: `DEMO-04-${year}`,
          quantity: -6,
          kind: 'quarantine',
          occurred_on: referenceDate,
          reference: incident.id,
          registered_by: 'demo-data',
        })
        .execute();
    }
  }
  await db
    .insertInto('municipality_budget' as never)
    .values({
      municipality_code: 'GM0344',
      year: Number(referenceDate.slice(0, 4)) - 1,
      budget_cents: 450_000_00,
      price_per_vaccination_cents: 2500,
    } as never)
    .onConflict((oc) => oc.doNothing())
    .execute();
  await refreshCoverage(db, { assessmentDate: referenceDate, full: true });
}

/** makeBsn range for registry-only demo persons: above the generator's (0 … 60 M), below the portal's. */
const REGISTRY_ONLY_BSN_BASE = 70_000_000;
const K = 10; // the default suppression threshold; the demo tops up to it, suppression itself is untouched
const TOP_ORGANISATIONS = 4;
const OFFICER_MUNICIPALITY = 'GM0344'; // the demo's municipality officer (gemeente-utrecht)
const GIVEN = ['Daan', 'Emma', 'Sem', 'Julia', 'Noah', 'Tess', 'Liam', 'Mila', 'Finn', 'Saar'];
const FAMILY = ['de Jong', 'Jansen', 'de Vries', 'Bakker', 'Visser', 'Smit', 'Meijer', 'Mulder'];

/**
 * Rows in statements of 2,000 (well under PostgreSQL's 65,535 bind parameters); a row whose key is
 * already there is skipped (new vaccinations have fresh ids, so only received activities can be).
 */
async function insertInChunks(
  db: Kysely<RegistrySchema>,
  table: 'vaccination_event' | 'anonymous_vaccination' | 'received_activity',
  rows: Array<Record<string, unknown>>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + 2000) as never)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/**
 * A demo of 2,000 persons spreads about 6 children per birth year over 280 municipalities, so every
 * municipal coverage cell would be suppressed. The BRP holds everybody, the dossiers only their own
 * clients: so the registry gets extra persons (registry only, like children who moved in before the
 * digital exchange) in the biggest municipality of the largest organisations and in Utrecht, until
 * each birth year of the reported cohorts has at least k + 2 children there. The rest of the tree is
 * then topped up where needed so that no published cell is secondary-suppressed by a residual in
 * (0, k): the suppression rules stay exactly as they are. Returns the number of persons added.
 */
export async function addRegistryCohorts(
  db: Kysely<RegistrySchema>,
  referenceDate: IsoDate,
): Promise<number> {
  const lastYear = Number(referenceDate.slice(0, 4)) - 1;
  const firstYear = lastYear - 15;
  const municipalities = await db
    .selectFrom('municipality')
    .select(['code', 'organisation_ura'])
    .where('organisation_ura', 'is not', null)
    .orderBy('code')
    .execute();
  const orgOf = new Map(municipalities.map((m) => [m.code, m.organisation_ura!]));
  const rows = await db
    .selectFrom('person')
    .select([
      'municipality_code',
      (eb) => eb.fn<number>('date_part', [eb.val('year'), eb.ref('birth_date')]).as('year'),
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .where('birth_date', '>=', `${firstYear}-01-01`)
    .where('birth_date', '<=', `${lastYear}-12-31`)
    .where('deceased_on', 'is', null)
    .where('emigrated_on', 'is', null)
    .groupBy(['municipality_code', 'year'])
    .execute();
  const count = new Map<string, number>(); // `${municipality}|${year}`
  const perMunicipality = new Map<string, number>();
  for (const r of rows) {
    if (!r.municipality_code || !orgOf.has(r.municipality_code)) continue;
    count.set(`${r.municipality_code}|${Number(r.year)}`, Number(r.n));
    perMunicipality.set(r.municipality_code, (perMunicipality.get(r.municipality_code) ?? 0) + Number(r.n));
  }
  // The biggest municipality of each of the largest organisations, and the officer's municipality.
  const perOrganisation = new Map<string, string[]>();
  for (const m of municipalities)
    perOrganisation.set(m.organisation_ura!, [...(perOrganisation.get(m.organisation_ura!) ?? []), m.code]);
  const size = (code: string) => perMunicipality.get(code) ?? 0;
  const orgSize = (ura: string) => (perOrganisation.get(ura) ?? []).reduce((s, c) => s + size(c), 0);
  const chosen = new Set<string>(
    [...perOrganisation.keys()]
      .sort((a, b) => orgSize(b) - orgSize(a) || a.localeCompare(b))
      .slice(0, TOP_ORGANISATIONS)
      .map(
        (ura) => [...perOrganisation.get(ura)!].sort((a, b) => size(b) - size(a) || a.localeCompare(b))[0]!,
      ),
  );
  if (orgOf.has(OFFICER_MUNICIPALITY)) chosen.add(OFFICER_MUNICIPALITY);

  const additions: Array<{ municipality: string; year: number }> = [];
  const add = (municipality: string, year: number, n: number) => {
    const key = `${municipality}|${year}`;
    count.set(key, (count.get(key) ?? 0) + n);
    for (let i = 0; i < n; i++) additions.push({ municipality, year });
  };
  const get = (municipality: string, year: number) => count.get(`${municipality}|${year}`) ?? 0;
  for (let year = firstYear; year <= lastYear; year++) {
    for (const m of chosen) {
      const target = K + 2 + (hash(`${m}${year}`) % 8);
      if (get(m, year) < target) add(m, year, target - get(m, year));
    }
    // Residuals: unpublished municipalities of an organisation, unpublished organisations nationally.
    const fill = (cells: string[][], value: (cell: string[]) => number) => {
      const small = cells.filter((c) => value(c) < K);
      const residual = small.reduce((s, c) => s + value(c), 0);
      if (residual === 0 || residual >= K) return;
      let missing = K - residual;
      // Spread one at a time over cells that stay below k (each cell: its first municipality).
      for (let round = 0; missing > 0 && round < K; round++) {
        for (const c of small) {
          if (missing === 0) break;
          const target = c.find((code) => get(code, year) < K - 1);
          if (value(c) < K - 1 && target) {
            add(target, year, 1);
            missing -= 1;
          }
        }
      }
      // One small cell only: make it publishable itself (the residual becomes 0).
      if (missing > 0 && small[0]) {
        const code = small[0][0]!;
        add(code, year, K - value(small[0]));
      }
    };
    for (const codes of perOrganisation.values()) {
      if (!codes.some((c) => chosen.has(c))) continue;
      fill(
        codes.map((c) => [c]),
        (cell) => get(cell[0]!, year),
      );
    }
    const orgs = [...perOrganisation.values()];
    fill(orgs, (codes) => codes.reduce((s, c) => s + get(c, year), 0));
  }

  const persons = additions.map((a, i) => {
    const h = hash(`${a.municipality}${a.year}${i}`);
    const female = h % 2 === 0;
    const dayOfYear = h % 365;
    const birth = new Date(Date.UTC(a.year, 0, 1 + dayOfYear)).toISOString().slice(0, 10);
    return {
      bsn: makeBsn(REGISTRY_ONLY_BSN_BASE + i),
      source: 'brp' as const,
      given_name: GIVEN[(h >>> 3) % GIVEN.length]!,
      name_prefix: null,
      family_name: FAMILY[(h >>> 7) % FAMILY.length]!,
      gender: female ? ('2' as const) : ('1' as const),
      birth_date: birth,
      street: null,
      house_number: null,
      house_letter: null,
      house_number_addition: null,
      postcode: null,
      city: null,
      municipality_code: a.municipality,
      deceased_on: null,
      emigrated_on: null,
    };
  });
  for (let i = 0; i < persons.length; i += 1000) {
    await db
      .insertInto('person')
      .values(persons.slice(i, i + 1000))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return persons.length;
}
