/**
 * Issue 12 in a real browser against the real chain with its demo data: a professional of the first
 * demo organisation sends the registration form for the demo youth without BSN (matched to the COA
 * person), withdraws the demo transfer offer, records a reported side effect on a client page and
 * transfers that dossier; a professional of the second organisation takes it over on the transfers
 * page and finds the vaccination there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../src/demo/organisations.js';
import {
  demoUsers,
  Session,
  startWorld,
  today,
  type ClientSummary,
  type DemoUser,
  type World,
} from './helpers.js';

let world: World;
let dossier: Session;
let from: DemoUser;
let to: DemoUser;
let client: ClientSummary;

beforeAll(async () => {
  world = await startWorld('rvp-transfer-');
  dossier = await Session.open(world.browser, world.chain.dossierUrl);
  const professionals = (await demoUsers(world.chain.dossierUrl)).filter(
    (u) => u.role === 'jgz-professional',
  );
  // The demo data (src/dossier/registration-form-demo.ts) lives in the first two organisations.
  from = professionals.find((u) => u.organisation.ura === organisations[0]!.ura)!;
  to = professionals.find((u) => u.organisation.ura === organisations[1]!.ura)!;
  await dossier.signIn(from);
  const clients = (await dossier.get<{ items: ClientSummary[] }>('/api/clients?limit=200')).items;
  client = clients.find((c) => c.kind === 'youth' && c.bsn !== null)!;
  await dossier.send(
    'POST',
    `/api/clients/${client.id}/activities`,
    {
      activityType: '01',
      activityDate: today(),
      vaccinations: [
        { vaccineType: '04', date: today(), batchNumber: 'BMR-77', performer: 'GGD', location: 'Utrecht' },
      ],
    },
    201,
  );
}, 60_000);

afterAll(async () => {
  await dossier?.close();
  await world?.close();
});

describe('side effect and dossier transfer in the browser', () => {
  it('sends the registration form for the demo youth without BSN and withdraws the demo offer', async () => {
    const page = dossier.page;
    const [rahel] = (await dossier.get<{ items: ClientSummary[] }>('/api/clients?search=Tesfaye')).items;
    expect(rahel?.bsn).toBeNull();
    await dossier.open(from, `#/clients/${rahel!.id}`);
    const formSection = page.getByTestId('registration-form-section');
    await formSection.getByRole('button', { name: 'Met persoonsgegevens versturen' }).click();
    await formSection.getByText('Verwerkt in het register en gekoppeld aan de persoon.').waitFor();

    await dossier.open(from, '#/transfers');
    const offered = page.getByTestId('transfers').locator('tbody tr', { hasText: 'Overdracht intrekken' });
    await offered.first().waitFor(); // the table loads after the heading
    await expect(offered.count()).resolves.toBe(1);
    await offered.getByRole('button', { name: 'Overdracht intrekken' }).click();
    await page.getByTestId('transfers').getByText('Ingetrokken').waitFor();
    expect(dossier.errors).toEqual([]);
  }, 20_000);

  it('records a side effect, transfers the dossier, and the new organisation takes it over', async () => {
    const page = dossier.page;
    await dossier.open(from, `#/clients/${client.id}`);
    const form = page.getByRole('form', { name: 'Bijwerking registreren' });
    await form.waitFor();
    await form.getByLabel('Begin van de klachten').fill(today());
    await form.getByLabel('Koorts', { exact: true }).check();
    await form.getByLabel('Beschrijving', { exact: true }).fill('Koorts 39 graden de avond na de prik.');
    await form.getByRole('button', { name: 'Bijwerking registreren' }).click();
    await page.getByText('De bijwerking is geregistreerd.').waitFor();
    await expect(page.getByTestId('side-effects').textContent()).resolves.toContain('BMR-77');

    const section = page.getByTestId('transfer-section');
    await section.getByLabel('Nieuwe organisatie').selectOption(to.organisation.ura!);
    await section.getByRole('button', { name: 'Dossier overdragen' }).click();
    await section.getByText(`overgedragen aan ${to.organisation.name}`).waitFor();

    await dossier.open(to, '#/transfers');
    const row = page.getByTestId('transfers').locator('tbody tr', { hasText: client.familyName });
    await row.getByRole('button', { name: 'Dossier overnemen' }).click();
    await row.getByRole('link', { name: /Overgenomen/ }).click();
    await page.getByTestId('vaccinations').getByText('BMR-77').first().waitFor();
    expect(dossier.errors).toEqual([]);
  }, 30_000);
});
