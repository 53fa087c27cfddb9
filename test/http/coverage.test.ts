/**
 * Coverage, reports, supply and loss over HTTP on both backends (issue 10): the coverage figures
 * and their suppression (also for a municipality officer), CSV and PDF reports, the incremental
 * refresh when vaccinations change, a delivery with a discrepancy, a cold-chain incident, the
 * inventory and the loss calculation, and a batch recall; the location's forms: a confirmation with
 * another batch and expiry, an incident report for several vaccines, the inventory check before saving.
 */
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/http/app.js';
import { createRegistryApp } from '../../src/registry/app.js';
import { computeCoverage, refreshCoverage } from '../../src/registry/coverage.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { seedRegistryStaff, seedSupplyFridge } from '../support/registry.js';
import { signIn } from '../support/session.js';

const TODAY = '2025-12-10';
const ORG = '10000001';
const UTRECHT_PERSONS = 30; // born 2022, measured on 1 January 2025 at age 2
const BMR_VACCINATED = 24;
const SMALL_PERSONS = 3; // Amersfoort: below the threshold
const BAARN_PERSONS = 12; // Baarn: suppressed too, else the organisation minus Utrecht and Baarn gives Amersfoort

describe.each(BACKENDS)('coverage, reports and supply on %s', (backend) => {
  let test: TestDatabase<'registry'>;
  let app: App;
  let staff: Record<string, string>;
  let officer: Record<string, string>;
  const personIds: string[] = [];

  beforeAll(async () => {
    test = await createTestDatabase(backend, 'registry');
    const { db } = test.database;
    await seedRegistryStaff(db);
    await db.insertInto('organisation').values({ ura: ORG, name: 'GGD regio Utrecht' }).execute();
    await db
      .insertInto('municipality')
      .values({ code: 'GM0307', name: 'Amersfoort', province: 'Utrecht', organisation_ura: ORG })
      .execute();
    await db
      .insertInto('municipality')
      .values({ code: 'GM0308', name: 'Baarn', province: 'Utrecht', organisation_ura: ORG })
      .execute();
    await db
      .updateTable('municipality')
      .set({ organisation_ura: ORG })
      .where('code', '=', 'GM0344')
      .execute();
    const person = (i: number, municipality: string) => ({
      bsn: String(100_000_000 + i),
      source: 'brp' as const,
      given_name: `Kind${i}`,
      name_prefix: null,
      family_name: 'Test',
      gender: (i % 2 ? '1' : '2') as '1' | '2',
      birth_date: `2022-0${1 + (i % 6)}-1${i % 9}`,
      street: null,
      house_number: null,
      house_letter: null,
      house_number_addition: null,
      postcode: null,
      city: null,
      municipality_code: municipality,
    });
    const rows = await db
      .insertInto('person')
      .values([
        ...Array.from({ length: UTRECHT_PERSONS }, (_, i) => person(i, 'GM0344')),
        ...Array.from({ length: SMALL_PERSONS }, (_, i) => person(100 + i, 'GM0307')),
        ...Array.from({ length: BAARN_PERSONS }, (_, i) => person(200 + i, 'GM0308')),
      ])
      .returning(['id', 'birth_date'])
      .execute();
    personIds.push(...rows.map((r) => r.id));
    // BMR at 14 months for the first 24 Utrecht children, batch B-1.
    await db
      .insertInto('vaccination_event')
      .values(
        rows.slice(0, BMR_VACCINATED).map((r, i) => {
          const [y, m, d] = r.birth_date.split('-').map(Number) as [number, number, number];
          const date = `${y + 1}-${String(m + 2).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          return {
            person_id: r.id,
            organisation_ura: ORG,
            activity_id: `A${i}`,
            activity_type: '01',
            activity_date: date,
            version: 1,
            vaccine_type: '04',
            vaccination_date: date,
            batch_number: 'B-1',
            performer: 'x',
            location: 'CB',
          };
        }),
      )
      .execute();
    // 12 anonymous BMR doses of the same organisation in the cohort's window.
    await db
      .insertInto('anonymous_vaccination')
      .values(
        Array.from({ length: 12 }, (_, i) => ({
          organisation_ura: ORG,
          activity_id: `N${i}`,
          activity_type: '01',
          activity_date: '2023-05-01',
          dossier_status: 'A',
          version: 1,
          vaccine_type: '04',
          vaccination_date: '2023-05-01',
          batch_number: 'B-1',
          performer: 'x',
          location: 'CB',
        })),
      )
      .execute();
    app = await createRegistryApp({
      database: test.database,
      today: () => TODAY,
      sessionSecret: 's'.repeat(32),
    });
    staff = await signIn(app, 'medewerker');
    officer = await signIn(app, 'gemeente');
  });

  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });

  it('computes personalised coverage and the anonymous estimate; suppresses small cells and their differencing partner', async () => {
    const res = await app.inject({
      url: '/api/coverage?referenceDate=2025-01-01&indicator=bmr-1',
      headers: staff,
    });
    expect(res.statusCode, res.body).toBe(200);
    const cells = (res.json() as { cells: Array<Record<string, unknown>> }).cells;
    const utrecht = cells.find((c) => c.code === 'GM0344')!;
    expect(utrecht).toMatchObject({
      cohort: 2022,
      population: UTRECHT_PERSONS,
      vaccinated: BMR_VACCINATED,
      suppression: 'published',
    });
    expect(utrecht.coverage).toBe(Math.round((BMR_VACCINATED / UTRECHT_PERSONS) * 1000) / 10);
    // Ratio method: 24 vaccinated × (1 + 12 anonymous / 24 personalised doses) = 36, capped at 30.
    expect(utrecht.estimatedVaccinated).toBe(UTRECHT_PERSONS);
    expect(cells.find((c) => c.code === 'GM0307')).toMatchObject({
      population: null,
      suppression: 'primary',
    });
    // Organisation − Utrecht − Baarn would reveal Amersfoort: the smaller of the two goes too.
    expect(cells.find((c) => c.code === 'GM0308')).toMatchObject({
      population: null,
      suppression: 'secondary',
    });
    expect(cells.find((c) => c.code === ORG)).toMatchObject({
      population: UTRECHT_PERSONS + SMALL_PERSONS + BAARN_PERSONS,
    });
    const published = cells.filter((c) => c.suppression === 'published').map((c) => c.population as number);
    for (const a of published) for (const b of published) expect(a === b || Math.abs(a - b) >= 10).toBe(true);
  });

  it('shows a municipality officer only their own municipality, and refuses national reports', async () => {
    const res = await app.inject({ url: '/api/coverage?referenceDate=2025-01-01', headers: officer });
    expect(res.statusCode).toBe(200);
    const cells = (res.json() as { cells: Array<{ code: string; level: string }> }).cells;
    expect(cells.length).toBeGreaterThan(0);
    expect(new Set(cells.map((c) => c.code))).toEqual(new Set(['GM0344']));
    expect((await app.inject({ url: '/api/reports/july?year=2025', headers: officer })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/supply/stock', headers: officer })).statusCode).toBe(403);
    const other = await app.inject({
      url: '/api/reports/april?year=2024&municipality=GM0307',
      headers: officer,
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().errors[0]).toMatchObject({ field: 'query.municipality', rule: 'own-municipality' });
  });

  it('exports CSV and the reports as PDF and CSV', async () => {
    const csv = await app.inject({
      url: '/api/coverage?referenceDate=2025-01-01&indicator=bmr-1&format=csv',
      headers: staff,
    });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe(
      'level,code,name,organisationUra,indicator,cohort,population,vaccinated,coverage,estimatedVaccinated,estimatedCoverage,suppression',
    );
    expect(csv.body).toContain(
      `municipality,GM0344,Utrecht,${ORG},bmr-1,2022,${UTRECHT_PERSONS},${BMR_VACCINATED},`,
    );

    const feb = await app.inject({ url: '/api/reports/february?year=2023', headers: staff });
    const rows = feb.json().rows as Array<{
      municipalityCode: string | null;
      vaccineType: string;
      valid: number;
      anonymous: number | null;
    }>;
    const valid = rows.filter((r) => r.vaccineType === '04').reduce((s, r) => s + r.valid, 0);
    expect(valid).toBe(BMR_VACCINATED);
    expect(rows.find((r) => r.municipalityCode === null)?.anonymous).toBe(12);

    for (const path of [
      '/api/reports/february?year=2023&format=pdf',
      '/api/reports/july?year=2025&format=pdf',
      '/api/reports/april?year=2024&municipality=GM0344&format=pdf',
    ]) {
      const pdf = await app.inject({ url: path, headers: path.includes('april') ? officer : staff });
      expect(pdf.statusCode, pdf.body).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      const doc = await PDFDocument.load(pdf.rawPayload);
      expect(doc.getPageCount()).toBeGreaterThan(0);
    }
    const half = await app.inject({
      url: '/api/reports/half-year?year=2023&half=1&format=csv',
      headers: staff,
    });
    expect(half.body.split('\r\n')[0]).toBe('Organisatie,URA,Vaccin,Geldig,Niet geldig,Anoniem');
  });

  it('refreshes incrementally: a deleted vaccination lowers coverage after the refresh', async () => {
    const { db } = test.database;
    const before = await computeCoverage(db, { referenceDate: '2025-01-01', indicators: ['bmr-1'] });
    await db.deleteFrom('vaccination_event').where('activity_id', '=', 'A0').execute();
    const refreshed = await refreshCoverage(db, { assessmentDate: TODAY });
    expect(refreshed.persons).toBe(1);
    const after = await computeCoverage(db, {
      referenceDate: '2025-01-01',
      indicators: ['bmr-1'],
      refresh: false,
    });
    const v = (r: typeof before) => r.cells.find((c) => c.code === 'GM0344')!.vaccinated!;
    expect(v(after)).toBe(v(before) - 1);
    const full = await refreshCoverage(db, { assessmentDate: TODAY, full: true });
    expect(full.persons).toBe(BMR_VACCINATED - 1);
  });

  it('runs supply: delivery with discrepancy, cold-chain quarantine, inventory, loss and a recall', async () => {
    const { db } = test.database;
    await seedSupplyFridge(db, {
      organisationUra: ORG,
      locationId: 'LOC-1',
      locationName: 'CB Centrum',
      fridgeId: 'K-1',
    });
    const inv = (countDate: string, counted: number) =>
      app.inject({
        method: 'POST',
        url: '/api/supply/inventory',
        headers: staff,
        payload: { fridgeId: 'K-1', countDate, counts: [{ vaccineType: '04', counted }] },
      });
    expect((await inv('2022-11-30', 0)).statusCode).toBe(200);
    const wrongDay = await inv('2023-03-01', 5);
    expect(wrongDay.json().errors[0]).toMatchObject({ field: 'body.countDate', rule: 'inventory-day' });

    const delivery = await app.inject({
      method: 'POST',
      url: '/api/supply/deliveries',
      headers: staff,
      payload: {
        fridgeId: 'K-1',
        deliveredOn: '2023-01-05',
        lines: [{ vaccineType: '04', batchNumber: 'B-1', quantity: 50 }],
      },
    });
    expect(delivery.statusCode, delivery.body).toBe(201);
    const d = delivery.json();
    expect(d.confirmBefore).toBe('2023-01-06');
    const noNote = await app.inject({
      method: 'POST',
      url: `/api/supply/deliveries/${d.id}/confirmation`,
      headers: staff,
      payload: { lines: [{ lineId: d.lines[0].id, confirmedQuantity: 48 }] },
    });
    expect(noNote.json().errors[0].rule).toBe('discrepancy-needs-note');
    const confirmed = await app.inject({
      method: 'POST',
      url: `/api/supply/deliveries/${d.id}/confirmation`,
      headers: staff,
      payload: { lines: [{ lineId: d.lines[0].id, confirmedQuantity: 48, note: 'Twee flacons ontbraken' }] },
    });
    expect(confirmed.json().lines[0]).toMatchObject({ discrepancy: -2, late: true });

    const incident = await app.inject({
      method: 'POST',
      url: '/api/supply/incidents',
      headers: staff,
      payload: {
        fridgeId: 'K-1',
        kind: 'cold-chain',
        vaccineType: '04',
        batchNumber: 'B-1',
        quantity: 4,
        occurredOn: '2023-03-01',
        description: 'Koelkast 12 °C',
        maxTemperature: 12,
        durationMinutes: 240,
      },
    });
    expect(incident.json().status).toBe('quarantined');
    const stock = (await app.inject({ url: '/api/supply/stock', headers: staff })).json().items[0].items[0];
    expect(stock).toMatchObject({ usable: 44, quarantined: 4 });
    const decided = await app.inject({
      method: 'POST',
      url: `/api/supply/incidents/${incident.json().id}/decision`,
      headers: staff,
      payload: { decision: 'destroy', note: 'Vernietigen' },
    });
    expect(decided.json().status).toBe('lost');

    // Closing count on 30 November 2023: 48 delivered − 4 lost − 35 administered (23 + 12) = 9 expected.
    const closing = await inv('2023-11-30', 6);
    expect(closing.json().counts[0]).toMatchObject({ expected: 9, plausible: true });
    const loss = await app.inject({
      url: `/api/supply/loss?organisationUra=${ORG}&from=2022-11-30&to=2023-11-30`,
      headers: staff,
    });
    expect(loss.statusCode, loss.body).toBe(200);
    // D = 0 + 48 − 6 = 42; E = 23 valid personalised + 12 anonymous = 35; loss 7 = 4 known + 3 unknown.
    expect(loss.json().vaccines[0]).toMatchObject({
      administrativeUse: 42,
      accountedUse: 35,
      loss: 7,
      knownLoss: 4,
      unknownLoss: 3,
      flagged: true,
    });
    expect(loss.json().consultationOpened).toBe(true);

    const recall = await app.inject({
      method: 'POST',
      url: '/api/supply/recalls',
      headers: staff,
      payload: { vaccineType: '04', batchNumber: 'B-1', reason: 'Fabrikant' },
    });
    expect(recall.statusCode, recall.body).toBe(201);
    const r = recall.json();
    expect(r.recipients).toHaveLength(BMR_VACCINATED - 1);
    expect(r.anonymousByOrganisation).toEqual([{ organisationUra: ORG, count: 12 }]);
    expect(r.locations).toEqual([expect.objectContaining({ fridgeId: 'K-1', recalled: 44 })]);
    const again = await app.inject({
      method: 'POST',
      url: '/api/supply/recalls',
      headers: staff,
      payload: { vaccineType: '04', batchNumber: 'B-1', reason: 'x' },
    });
    expect(again.json().errors[0].rule).toBe('recall-once');
  });

  it("takes the location's forms: batch and expiry on confirmation, an incident for several vaccines, the inventory check", async () => {
    const { db } = test.database;
    await db
      .insertInto('supply_fridge' as never)
      .values({ id: 'K-2', location_id: 'LOC-1', name: 'Koelkast 2' } as never)
      .execute();
    const post = (url: string, payload: unknown, headers = staff) =>
      app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });
    const d = (
      await post('/api/supply/deliveries', {
        fridgeId: 'K-2',
        deliveredOn: '2025-12-09',
        lines: [
          { vaccineType: '04', batchNumber: 'C-1', quantity: 30, expiryDate: '2027-03-31' },
          { vaccineType: '28', batchNumber: 'M-1', quantity: 20, expiryDate: '2027-06-30' },
        ],
      })
    ).json();
    const [bmr, men] = d.lines as { id: string; batchNumber: string; expiryDate: string }[];
    expect(bmr).toMatchObject({ batchNumber: 'C-1', expiryDate: '2027-03-31' });
    // Same quantity, other batch on the vials: still a discrepancy that needs a note.
    const noNote = await post(`/api/supply/deliveries/${d.id}/confirmation`, {
      lines: [{ lineId: bmr!.id, confirmedQuantity: 30, batchNumber: 'C-2' }],
    });
    expect(noNote.statusCode).toBe(422);
    expect(noNote.json().errors[0]).toMatchObject({
      field: 'body.lines[0].note',
      rule: 'discrepancy-needs-note',
    });
    const confirmed = await post(`/api/supply/deliveries/${d.id}/confirmation`, {
      lines: [
        { lineId: bmr!.id, confirmedQuantity: 30, batchNumber: 'C-2', note: 'Andere partij geleverd' },
        { lineId: men!.id, confirmedQuantity: 20, expiryDate: '2027-06-30' },
      ],
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().lines[0]).toMatchObject({
      receivedBatchNumber: 'C-2',
      discrepancy: 0,
      late: false,
    });
    const report = (await app.inject({ url: '/api/supply/discrepancies', headers: staff })).json().items;
    expect(report.filter((r: { deliveryId: string }) => r.deliveryId === d.id)).toEqual([
      expect.objectContaining({ batchNumber: 'C-1', receivedBatchNumber: 'C-2', status: 'reported' }),
    ]);

    // Within +2 … +8 °C is no cold-chain incident; the field is named.
    const inRange = await post('/api/supply/incident-reports', {
      fridgeId: 'K-2',
      kind: 'cold-chain',
      occurredOn: '2025-12-10',
      description: 'Deur open',
      maxTemperature: 7.5,
      durationMinutes: 20,
      items: [{ vaccineType: '04', batchNumber: 'C-2', quantity: 5 }],
    });
    expect(inRange.json().errors[0]).toMatchObject({
      field: 'body.maxTemperature',
      rule: 'outside-storage-range',
    });
    // Too many doses of the second vaccine: nothing is written for the first either.
    const tooMany = await post('/api/supply/incident-reports', {
      fridgeId: 'K-2',
      kind: 'cold-chain',
      occurredOn: '2025-12-10',
      description: 'Stroomstoring',
      maxTemperature: 14,
      durationMinutes: 180,
      items: [
        { vaccineType: '04', batchNumber: 'C-2', quantity: 5 },
        { vaccineType: '28', batchNumber: 'M-1', quantity: 21 },
      ],
    });
    expect(tooMany.json().errors[0]).toMatchObject({ field: 'body.items[1].quantity', rule: 'within-stock' });
    const reported = await post('/api/supply/incident-reports', {
      fridgeId: 'K-2',
      kind: 'cold-chain',
      occurredOn: '2025-12-10',
      description: 'Stroomstoring',
      minTemperature: 6,
      maxTemperature: 14,
      durationMinutes: 180,
      items: [
        { vaccineType: '04', batchNumber: 'C-2', quantity: 5 },
        { vaccineType: '28', batchNumber: 'M-1', quantity: 20 },
      ],
    });
    expect(reported.statusCode, reported.body).toBe(201);
    expect(reported.json().items.map((i: { status: string }) => i.status)).toEqual([
      'quarantined',
      'quarantined',
    ]);
    const stock = (await app.inject({ url: '/api/supply/stock', headers: staff }))
      .json()
      .items.find((f: { fridgeId: string }) => f.fridgeId === 'K-2').items;
    expect(stock).toEqual(
      expect.arrayContaining([
        { vaccineType: '04', batchNumber: 'C-2', usable: 25, quarantined: 5 },
        { vaccineType: '28', batchNumber: 'M-1', usable: 0, quarantined: 20 },
      ]),
    );
    const incidents = (await app.inject({ url: '/api/supply/incidents', headers: staff })).json().items;
    expect(incidents.find((i: { batchNumber: string }) => i.batchNumber === 'C-2')).toMatchObject({
      minTemperature: 6,
      maxTemperature: 14,
      durationMinutes: 180,
    });

    // The check before saving: same answer as the save, and nothing written until then.
    const body = { fridgeId: 'K-2', countDate: '2025-11-28', counts: [{ vaccineType: '04', counted: 40 }] };
    const analyst = await signIn(app, 'analist');
    expect((await post('/api/supply/inventory/check', body, analyst)).statusCode).toBe(403);
    const check = await post('/api/supply/inventory/check', body);
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json()).toMatchObject({
      saved: false,
      counts: [{ plausible: false, reason: 'more-than-available' }],
    });
    const listed = () =>
      app
        .inject({ url: '/api/supply/inventory', headers: staff })
        .then((r) => r.json().items.filter((c: { fridgeId: string }) => c.fridgeId === 'K-2'));
    expect(await listed()).toEqual([]);
    const saved = await post('/api/supply/inventory', body);
    expect(saved.json()).toMatchObject({ saved: true, counts: check.json().counts });
    expect(await listed()).toEqual([expect.objectContaining({ counted: 40, plausible: false })]);
  });
});
