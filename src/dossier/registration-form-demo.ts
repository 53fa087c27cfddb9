import type { Database } from '../db/database.js';
import { addDays, nthBirthday, type IsoDate } from '../domain/dates/index.js';
import { BSN_CAPACITY, makeBsn } from '../domain/identifiers/bsn.js';
import { organisations } from '../demo/organisations.js';
import type { RegistrySchema } from '../registry/schema.js';
import type { RequestContext } from './clients.js';
import { createDossier } from './elsewhere.js';
import type { DossierSchema } from './schema.js';
import { offerTransfer } from './transfer.js';
import { recordActivity } from './vaccinations.js';

/** The COA person's BSN: the top of makeBsn's range, far above the generator's youth and custodians. */
const COA_BSN = makeBsn(BSN_CAPACITY - 1);

/**
 * Issue 12 demo data, so `npm start` shows the flows without typing: in the first demo organisation
 * a youth without a BSN (living at an AZC) who consented herself and was
 * vaccinated there, and the same person as the COA registered her at the registry — the registration
 * form (R-V6) on her client page then matches. Plus one transfer offer (R-V8) from the first to the
 * second demo organisation, waiting to be taken over (or withdrawn). Goes through the services' own
 * functions, so the outbox, audit trail and transfer document are the real ones.
 */
export async function loadIssue12Demo(
  dossier: Database<DossierSchema>,
  registry: Database<RegistrySchema>,
  referenceDate: IsoDate,
): Promise<void> {
  const [first, second] = organisations;
  if (!first || !second) return;
  const ctxOf = (ura: string, name: string): RequestContext => ({
    actor: {
      userId: 'demo-data',
      name: 'Demo-gegevens',
      role: 'jgz-professional',
      organisation: { ura, name },
    },
    requestId: 'demo-data',
  });
  const ctx = ctxOf(first.ura, first.name);

  // R-V6: 16 years old, in the dossier without BSN; the COA knows her with one.
  const birthDate = addDays(referenceDate, -(16 * 365 + 40));
  const identity = { givenName: 'Rahel', familyName: 'Tesfaye', gender: '2' as const, birthDate };
  await registry.db
    .insertInto('person')
    .values({
      bsn: COA_BSN,
      source: 'coa',
      given_name: identity.givenName,
      name_prefix: null,
      family_name: identity.familyName,
      gender: identity.gender,
      birth_date: birthDate,
      street: null,
      house_number: null,
      house_letter: null,
      house_number_addition: null,
      postcode: '9403 XP',
      city: 'Assen',
      municipality_code: null,
    })
    .onConflict((oc) => oc.column('bsn').doNothing())
    .execute();
  const { id } = await createDossier(
    dossier.db,
    ctx,
    { bsn: null, ...identity, postcode: '9403 XP', houseNumber: 2, city: 'Assen' },
    referenceDate,
  );
  // Her own consent at 16 (BDS source 01), enough on its own from that age.
  await dossier.db
    .insertInto('consent_record')
    .values({
      client_id: id,
      organisation_ura: first.ura,
      agreed: true,
      source_person_id: null,
      source: '01',
      consent_date: addDays(nthBirthday(birthDate, 16), 10),
      method: 'written',
      registered_by: 'demo-data',
    })
    .execute();
  const date = addDays(referenceDate, -7);
  await recordActivity(
    dossier.db,
    ctx,
    id,
    {
      activityType: '01',
      activityDate: date,
      vaccinations: [
        { vaccineType: '09', date, batchNumber: 'HPV-DEMO-1', performer: 'GGD', location: 'AZC Assen' },
      ],
    },
    referenceDate,
  );

  // R-V8: one youth of the first organisation moved to the second's area; the offer waits.
  const mover = await dossier.db
    .selectFrom('client')
    .select('id')
    .where('organisation_ura', '=', first.ura)
    .where('kind', '=', 'youth')
    .where('bsn', 'is not', null)
    // The last by name, so the first clients in the list (used by the browser tests) stay put.
    .orderBy('family_name', 'desc')
    .orderBy('given_name', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (mover) await offerTransfer(dossier.db, ctx, mover.id, { toUra: second.ura }, referenceDate);
}
