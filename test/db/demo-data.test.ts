import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEmpty, loadDemoData } from '../../src/demo/load.js';
import { organisationForMunicipality } from '../../src/demo/organisations.js';
import { isValidBsn } from '../../src/domain/identifiers/index.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

describe.each(BACKENDS)('demo data on %s', (backend) => {
  let dossier: TestDatabase<'dossier'>;
  let registry: TestDatabase<'registry'>;
  let result: { clients: number; relatedPersons: number };

  beforeAll(async () => {
    dossier = await createTestDatabase(backend, 'dossier');
    registry = await createTestDatabase(backend, 'registry');
    expect(await isEmpty(dossier.database)).toBe(true);
    result = await loadDemoData(dossier.database, registry.database, {
      size: 600,
      seed: 7,
      referenceDate: '2026-11-23',
      batchSize: 128,
    });
  });
  afterAll(async () => {
    await dossier?.drop();
    await registry?.drop();
  });

  it('writes every generated client to a dossier and, as a BRP person, to the registry', async () => {
    expect(result.clients).toBe(600);
    expect(await isEmpty(dossier.database)).toBe(false);
    const clients = await dossier.database.db
      .selectFrom('client')
      .select(['bsn', 'organisation_ura', 'municipality_code'])
      .execute();
    const persons = await registry.database.db.selectFrom('person').select('bsn').execute();
    // The generated 600, plus one youth without a BSN (R-V6 demo: a COA resident).
    const withBsn = clients.filter((c) => c.bsn !== null);
    expect(withBsn).toHaveLength(600);
    expect(clients).toHaveLength(601);
    // The BRP holds everybody; the registry also has persons without a dossier (coverage demo cohorts).
    const personBsns = new Set<string | null>(persons.map((p) => p.bsn));
    expect(withBsn.filter((c) => !personBsns.has(c.bsn))).toEqual([]);
    expect(persons.length).toBeGreaterThan(600);
    for (const c of withBsn) {
      expect(isValidBsn(c.bsn!)).toBe(true);
      // Each client's dossier is at the organisation that serves their municipality.
      expect(organisationForMunicipality(c.municipality_code!)?.ura).toBe(c.organisation_ura);
    }
    const municipalities = await registry.database.db.selectFrom('municipality').select('code').execute();
    expect(municipalities).toHaveLength(342);
  });

  it('records custodians, with some parents without custody', async () => {
    const relations = await dossier.database.db
      .selectFrom('client_relation')
      .select(['has_custody'])
      .execute();
    expect(relations.length).toBe(result.relatedPersons);
    expect(relations.some((r) => r.has_custody)).toBe(true);
    expect(relations.some((r) => !r.has_custody)).toBe(true);
  });

  it('gives the demo both yes and no consent records, each by a custodian or the client', async () => {
    const records = await dossier.database.db
      .selectFrom('consent_record as c')
      .leftJoin('client_relation as r', (join) =>
        join.onRef('r.client_id', '=', 'c.client_id').onRef('r.person_id', '=', 'c.source_person_id'),
      )
      .select(['c.agreed', 'c.source', 'c.source_person_id', 'r.has_custody'])
      .execute();
    expect(records.some((r) => r.agreed)).toBe(true);
    expect(records.some((r) => !r.agreed)).toBe(true);
    for (const r of records) {
      if (r.source === '01') expect(r.source_person_id).toBeNull();
      else expect(r.has_custody).toBe(true);
    }
  });
});
