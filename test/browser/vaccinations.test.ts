/**
 * Vaccinations and the exchange (SPEC §4, R-C5, R-C6, R-C8) in a real browser against the real chain:
 * a JGZ professional records a contact moment for a child WITHOUT consent, corrects and cancels a
 * vaccination; the planner sends the nightly delivery now (message 4a, anonymous); a custodian's
 * consent is registered and the repair goes out the same minute with personal data (message 4); the
 * status query, refused before, now lists the vaccination; the admin sees who looked at the dossier.
 * And the registry's worklist page. Screenshots go to /tmp/rvp-vaccinations-*.png.
 *
 * The demo data is random, so the child is picked through the API: under 12, with a BSN, a custodian
 * who may consent with source 03 and no other custodian's "no" (so that the custodian's yes makes
 * consent). When every such child has consent already, the custodian's "no" is registered first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import {
  demoUsers,
  MUNICIPALITY_MENU,
  REGISTRY_STAFF_MENU,
  dutch,
  fullName,
  Session,
  startWorld,
  today,
  userIdOf,
  type ClientSummary,
  type DemoUser,
  type World,
} from './helpers.js';

interface Overview {
  evaluation: { decision: 'toestemming' | 'geen-toestemming'; ageBand: string };
  whoMayConsent: { personId: string; name: string; sources: string[] }[];
  records: { agreed: boolean; endDate: string | null; sourcePerson: { id: string } }[];
}

interface Picked {
  client: ClientSummary;
  custodian: { personId: string; name: string };
  professional: DemoUser;
  planner: string;
  admin: string;
  /** Consent now, so the custodian's "no" was registered first. */
  hadConsent: boolean;
}

let world: World;
let dossier: Session;
let picked: Picked;

const vaccinationsSection = () => dossier.page.getByTestId('vaccinations');
const activity = () => vaccinationsSection().getByTestId('activity').first();
const messageState = () => activity().getByTestId('message-state');
const form = () => dossier.page.getByRole('form', { name: 'Vaccinatie registreren' });
const row = (n: number) => form().getByRole('group', { name: `Vaccinatie ${n}` });
const vaccinationRow = (name: string): Locator =>
  activity().getByTestId('activity-vaccinations').locator('tbody tr', { hasText: name });

/** The field (label, error, input) of a labelled control inside `scope`. */
const fieldOf = (scope: Locator, label: string): Locator =>
  scope.locator('.utrecht-form-field', { has: dossier.page.getByLabel(label, { exact: true }) });

async function pickChild(): Promise<Picked> {
  const professionals = (await demoUsers(world.chain.dossierUrl)).filter(
    (u) => u.role === 'jgz-professional',
  );
  const seen = new Set<string | null>();
  let fallback: Picked | undefined;
  for (const professional of professionals) {
    const ura = professional.organisation.ura;
    if (seen.has(ura)) continue;
    seen.add(ura);
    await dossier.signIn(professional);
    const clients = (await dossier.get<{ items: ClientSummary[] }>('/api/clients?limit=500')).items;
    for (const client of clients) {
      if (client.kind !== 'youth' || !client.bsn) continue;
      const overview = await dossier.get<Overview>(`/api/clients/${client.id}/consent`);
      if (overview.evaluation.ageBand !== 'under-12') continue;
      const custodian = overview.whoMayConsent.find((m) => m.sources.includes('03'));
      if (!custodian) continue;
      const otherNo = overview.records.some(
        (r) => r.endDate === null && !r.agreed && r.sourcePerson.id !== custodian.personId,
      );
      if (otherNo) continue;
      const candidate: Picked = {
        client,
        custodian,
        professional,
        planner: `${ura}-planner`,
        admin: `${ura}-beheerder`,
        hadConsent: overview.evaluation.decision === 'toestemming',
      };
      if (!candidate.hadConsent) return candidate;
      fallback ??= candidate;
    }
  }
  if (!fallback) throw new Error('no child under 12 with a BSN and a custodian in the demo data');
  // Every such child has consent: the custodian says no today, which makes "geen toestemming".
  await dossier.signIn(fallback.professional);
  await dossier.send(
    'POST',
    `/api/clients/${fallback.client.id}/consent-records`,
    {
      agreed: false,
      sourcePersonId: fallback.custodian.personId,
      source: '03',
      date: today(),
    },
    201,
  );
  return fallback;
}

async function openClient(user: DemoUser | string): Promise<void> {
  await dossier.open(user, `#/clients/${picked.client.id}`);
  await dossier.page.getByRole('heading', { level: 2, name: 'Vaccinaties', exact: true }).waitFor();
  await vaccinationsSection()
    .locator('[data-testid="activities-none"], [data-testid="activity"]')
    .first()
    .waitFor();
}

/** Waits until the current message state contains `text`; the page looks again while a repair waits. */
async function waitForState(text: string, timeout = 10_000): Promise<void> {
  await messageState().filter({ hasText: text }).waitFor({ timeout });
}

beforeAll(async () => {
  world = await startWorld('rvp-vaccinations-');
  dossier = await Session.open(world.browser, world.chain.dossierUrl);
  picked = await pickChild();
});

afterAll(async () => {
  await dossier?.close();
  await world?.close();
});

describe('vaccinations on the client page', () => {
  it('records a contact moment, refusing a future date at the field; corrects and cancels', async () => {
    const page = dossier.page;
    await openClient(picked.professional);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      fullName(picked.client),
    );
    await expect(vaccinationsSection().getByTestId('activities-none').textContent()).resolves.toBe(
      'Er zijn nog geen vaccinaties geregistreerd.',
    );
    // A professional sees neither the exchange page in the menu nor the audit trail.
    await expect(
      page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link').allTextContents(),
    ).resolves.toEqual(['Cliënten', 'Overdrachten', 'Groepsvaccinaties']);
    await expect(
      page.getByRole('heading', { name: 'Wie heeft dit dossier ingezien?' }).count(),
    ).resolves.toBe(0);

    // Without consent the status query is blocked, with the reason and a way to the consent page (R-C6).
    const status = page.getByTestId('vaccination-status');
    await status.getByRole('button', { name: 'Vaccinatiestatus opvragen bij het register' }).click();
    const refusal = status.getByTestId('status-refusal');
    await refusal.waitFor();
    await expect(refusal.getAttribute('data-rule')).resolves.toBe('no-consent');
    await expect(refusal.textContent()).resolves.toContain(
      'Geen toestemming: de vaccinatiestatus is niet opgevraagd.',
    );
    await expect(
      refusal.getByRole('link', { name: 'Naar de toestemming gegevensuitwisseling' }).getAttribute('href'),
    ).resolves.toBe(`#/clients/${picked.client.id}/consent`);

    // Nothing is chosen for the user: no activity type, no vaccine.
    await expect(form().getByLabel('Soort contactmoment').inputValue()).resolves.toBe('');
    await expect(row(1).getByLabel('Vaccin', { exact: true }).inputValue()).resolves.toBe('');
    await expect(row(1).getByLabel('Bezwaar (optioneel)').inputValue()).resolves.toBe('');

    // An empty form names what is missing and sends nothing.
    await form().getByRole('button', { name: 'Vaccinatie opslaan' }).click();
    const summary = page.getByTestId('error-summary');
    await summary.waitFor();
    for (const message of ['Kies het soort contactmoment.', 'Kies het vaccin.', 'Vul het batchnummer in.']) {
      await expect(summary.textContent()).resolves.toContain(message);
    }
    await expect(
      fieldOf(row(1), 'Vaccin').locator('.utrecht-form-field__error-message').textContent(),
    ).resolves.toBe('Kies het vaccin.');

    // Two vaccinations, both dated in the future: the server refuses, at the date fields.
    await form().getByLabel('Soort contactmoment').selectOption('01');
    await form().getByLabel('Datum contactmoment').fill(today());
    await row(1).getByLabel('Vaccin', { exact: true }).selectOption({ label: 'DKTP-Hib-HepB' });
    await row(1).getByLabel('Datum vaccinatie').fill(today(2));
    await row(1).getByLabel('Batchnummer').fill('A123-45');
    await row(1).getByLabel('Uitvoerende instantie').fill('JGZ Testregio');
    await row(1).getByLabel('Locatie').fill('Consultatiebureau Centrum');
    await form().getByRole('button', { name: 'Nog een vaccinatie toevoegen' }).click();
    // The second row takes date, performer and location from the first; never the vaccine.
    await expect(row(2).getByLabel('Uitvoerende instantie').inputValue()).resolves.toBe('JGZ Testregio');
    await expect(row(2).getByLabel('Datum vaccinatie').inputValue()).resolves.toBe(today(2));
    await expect(row(2).getByLabel('Vaccin', { exact: true }).inputValue()).resolves.toBe('');
    await row(2).getByLabel('Vaccin', { exact: true }).selectOption({ label: 'Pneumokokken' });
    await row(2).getByLabel('Batchnummer').fill('PN-77');
    await form().getByRole('button', { name: 'Vaccinatie opslaan' }).click();
    const futureError = 'Een vaccinatie kan niet in de toekomst liggen.';
    const dateField = fieldOf(row(1), 'Datum vaccinatie');
    await dateField.locator('.utrecht-form-field__error-message', { hasText: futureError }).waitFor();
    await expect(row(1).getByLabel('Datum vaccinatie').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(fieldOf(row(2), 'Datum vaccinatie').textContent()).resolves.toContain(futureError);
    await expect(summary.textContent()).resolves.toContain(`Vaccinatie 1: ${futureError}`);
    await expect(summary.textContent()).resolves.toContain(`Vaccinatie 2: ${futureError}`);
    // The summary links to the field without changing the route.
    await summary.getByRole('link', { name: `Vaccinatie 1: ${futureError}` }).click();
    await expect(page.evaluate(() => document.activeElement?.getAttribute('type'))).resolves.toBe('date');
    expect(page.url()).toContain(`#/clients/${picked.client.id}`);
    await form().screenshot({ path: '/tmp/rvp-vaccinations-refused.png' });
    const none = await dossier.get<{ items: unknown[] }>(`/api/clients/${picked.client.id}/activities`);
    expect(none.items).toEqual([]);

    // Today: recorded, waiting for the nightly delivery.
    await row(1).getByRole('button', { name: 'Vandaag' }).click();
    await row(2).getByRole('button', { name: 'Vandaag' }).click();
    await form().getByRole('button', { name: 'Vaccinatie opslaan' }).click();
    await form().getByRole('status').filter({ hasText: 'Opgeslagen:' }).waitFor();
    await expect(
      form().getByRole('status').filter({ hasText: 'Opgeslagen:' }).textContent(),
    ).resolves.toContain(`Opgeslagen: contactmoment van ${dutch(today())} met 2 vaccinaties.`);
    await expect(page.getByTestId('error-summary').count()).resolves.toBe(0);
    await expect(form().getByLabel('Soort contactmoment').inputValue()).resolves.toBe(''); // empty again
    await activity().waitFor();
    await waitForState('Wacht op nachtelijke verzending');
    await expect(activity().getByRole('heading', { level: 3 }).textContent()).resolves.toBe(
      `Contactmoment ${dutch(today())}: Individueel contactmoment (spreekuur)`,
    );
    const dktp = vaccinationRow('DKTP-Hib-HepB');
    const pneumo = vaccinationRow('Pneumokokken');
    await expect(dktp.textContent()).resolves.toContain('A123-45');
    await expect(dktp.textContent()).resolves.toContain('Consultatiebureau Centrum');
    await expect(pneumo.textContent()).resolves.toContain('PN-77');
    const [recorded] = (
      await dossier.get<{ items: { activityId: string }[] }>(`/api/clients/${picked.client.id}/activities`)
    ).items;
    await expect(activity().textContent()).resolves.toContain(`Activiteitnummer ${recorded!.activityId}`);

    // Correct the batch number of the DKTP-Hib-HepB: a new version replaces the waiting one.
    await dktp.getByRole('button', { name: /^Corrigeren/ }).click();
    const correction = activity().getByRole('form', { name: 'Vaccinatie corrigeren' });
    await correction.waitFor();
    await expect(correction.getByLabel('Batchnummer').inputValue()).resolves.toBe('A123-45');
    await correction.getByRole('button', { name: 'Correctie opslaan' }).click(); // nothing changed yet
    await correction.getByText('Wijzig eerst een of meer gegevens').first().waitFor();
    await correction.getByLabel('Datum vaccinatie').fill(today(1));
    await correction.getByRole('button', { name: 'Correctie opslaan' }).click();
    await fieldOf(correction, 'Datum vaccinatie').getByText(futureError).waitFor(); // refused at the field
    await correction.getByRole('button', { name: 'Vandaag' }).click();
    await correction.getByLabel('Batchnummer').fill('A123-46');
    await correction.getByRole('button', { name: 'Correctie opslaan' }).click();
    await activity().getByRole('status').filter({ hasText: 'Gecorrigeerd:' }).waitFor();
    await expect(dktp.textContent()).resolves.toContain('A123-46');
    await expect(correction.count()).resolves.toBe(0);

    // Cancel the pneumococcal vaccination, after a confirmation (first: no).
    await pneumo.getByRole('button', { name: /^Annuleren/ }).click();
    const confirmation = activity().getByTestId('cancel-confirmation');
    await confirmation.waitFor();
    await expect(confirmation.textContent()).resolves.toContain(
      `Vaccinatie Pneumokokken van ${dutch(today())} annuleren?`,
    );
    await expect(confirmation.evaluate((element) => element === document.activeElement)).resolves.toBe(true);
    await confirmation.getByRole('button', { name: 'Nee, niet annuleren' }).click();
    await expect(confirmation.count()).resolves.toBe(0);
    await expect(pneumo.textContent()).resolves.toContain('actief');
    await pneumo.getByRole('button', { name: /^Annuleren/ }).click();
    await confirmation.getByRole('button', { name: 'Ja, vaccinatie annuleren' }).click();
    await activity().getByRole('status').filter({ hasText: 'Geannuleerd:' }).waitFor();
    // At once, not after the next reload: the row says so and has no buttons any more.
    await expect(pneumo.textContent()).resolves.toContain('geannuleerd');
    await expect(pneumo.getByRole('button').count()).resolves.toBe(0);

    // Version 3 waits; the history shows the two versions it replaced.
    await waitForState('Wacht op nachtelijke verzending');
    await expect(messageState().textContent()).resolves.toContain('versie 3, annulering');
    const history = activity().getByTestId('message-history');
    await history.locator('summary').click();
    await expect(history.locator('tbody tr').count()).resolves.toBe(3);
    await expect(history.locator('tbody tr[data-version="1"]').textContent()).resolves.toContain(
      'Niet verstuurd: vervangen door een nieuwere versie',
    );
    await dossier.screenshot('/tmp/rvp-vaccinations-recorded.png');
    await activity().screenshot({ path: '/tmp/rvp-vaccinations-activity.png' });
    // The table fits its card: no horizontal scrolling at 1280 pixels.
    await expect(
      activity()
        .locator('.rvp-table-container')
        .first()
        .evaluate((element) => element.scrollWidth <= element.clientWidth),
    ).resolves.toBe(true);

    // The exchange page is not for a professional.
    await page.goto(`${world.chain.dossierUrl}#/exchange`);
    await page.getByText('Alleen een beheerder of planner van de organisatie').waitFor();
    await expect(page.getByRole('button', { name: 'Nu versturen' }).count()).resolves.toBe(0);
    expect(dossier.errors).toEqual([]);
  });

  it('the planner sends now: the vaccination goes without personal data (message 4a)', async () => {
    const page = dossier.page;
    await dossier.open(picked.planner, '#/exchange');
    await page.getByRole('heading', { level: 1, name: 'Uitwisseling' }).waitFor();
    await expect(
      page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link').allTextContents(),
    ).resolves.toEqual(['Cliënten', 'Uitwisseling', 'Overdrachten', 'Groepsvaccinaties']);
    await page.getByTestId('worklist-none').waitFor();
    await page.getByRole('button', { name: 'Nu versturen' }).click();
    const result = page.getByTestId('run-result');
    await result.waitFor();
    const count = async (key: string) =>
      Number(await result.locator(`[data-count="${key}"] .rvp-summary__value`).textContent());
    expect(await count('sent')).toBeGreaterThanOrEqual(1);
    expect(await count('anonymous')).toBeGreaterThanOrEqual(1);
    expect(await count('refused')).toBe(0);
    await dossier.screenshot('/tmp/rvp-vaccinations-exchange.png');

    // The worklist as it looks with undelivered, refused and held messages (the registry accepted
    // everything here, so its answer is replaced by one with all three); each row links to the client.
    await page.route('**/api/exchange/worklist', (route) =>
      route.fulfill({
        json: {
          items: [
            {
              clientId: picked.client.id,
              activityId: 'QrStU24680',
              version: 1,
              state: 'undelivered',
              registryReason: null,
              sentAt: null,
              attempts: 2,
              deliveryError: 'registry answered 422: De handtekening van het bericht klopt niet.',
              nextAttemptAt: new Date().toISOString(),
            },
            {
              clientId: picked.client.id,
              activityId: 'AbCdE12345',
              version: 2,
              state: 'refused',
              registryReason: 'client.bsn: BSN (BDS 7): voldoet niet aan de elfproef.',
              sentAt: new Date().toISOString(),
              attempts: 1,
              deliveryError: null,
              nextAttemptAt: null,
            },
            {
              clientId: picked.client.id,
              activityId: 'ZyXwV98765',
              version: 1,
              state: 'held',
              registryReason: 'Het BSN is niet bekend in het register; het bericht staat op de werklijst.',
              sentAt: new Date().toISOString(),
              attempts: 1,
              deliveryError: null,
              nextAttemptAt: null,
            },
          ],
        },
      }),
    );
    await page.getByRole('button', { name: 'Werklijst vernieuwen' }).click();
    const table = page.getByTestId('worklist-table');
    await table.waitFor();
    await expect(table.locator('tbody tr[data-state="refused"]').textContent()).resolves.toContain(
      'Geweigerd door het registerclient.bsn: BSN (BDS 7): voldoet niet aan de elfproef.',
    );
    await expect(table.locator('tbody tr[data-state="held"]').textContent()).resolves.toContain(
      'Op werklijst register',
    );
    const undelivered = await table.locator('tbody tr[data-state="undelivered"]').textContent();
    expect(undelivered).toContain(
      'Nog niet afgeleverdHet register weigerde de hele zending (HTTP 422): De handtekening van het bericht klopt niet.',
    );
    expect(undelivered).toContain('2 pogingen mislukt');
    await dossier.screenshot('/tmp/rvp-vaccinations-worklist.png');
    await table.getByRole('link', { name: /^Dossier openen \(contactmoment AbCdE12345/ }).click();
    await page.getByRole('heading', { level: 2, name: 'Vaccinaties', exact: true }).waitFor();
    expect(page.url()).toContain(`#/clients/${picked.client.id}`);
    await page.unrouteAll();

    // The client page: the planner sees the state but records nothing.
    await activity().waitFor();
    await waitForState(`Verstuurd zonder persoonsgegevens (bericht 4a) op ${dutch(today())}`);
    await page.getByText('Alleen een JGZ-professional kan vaccinaties registreren en wijzigen.').waitFor();
    await expect(page.getByRole('form', { name: 'Vaccinatie registreren' }).count()).resolves.toBe(0);
    await expect(
      activity()
        .getByRole('button', { name: /^Corrigeren/ })
        .count(),
    ).resolves.toBe(0);
    expect(dossier.errors).toEqual([]);
  });

  it('after consent the registry gets it again with personal data, and the status query works', async () => {
    const page = dossier.page;
    await openClient(picked.professional);
    await activity().waitFor();
    await waitForState(`Verstuurd zonder persoonsgegevens (bericht 4a) op ${dutch(today())}`);
    await expect(messageState().getAttribute('data-kind')).resolves.toBe('anonymous');

    // A custodian's yes with source 03 on the consent page.
    await page.getByRole('link', { name: 'Toestemming bekijken en registreren' }).click();
    await page.getByTestId('decision').waitFor();
    await expect(page.getByTestId('decision').getAttribute('data-decision')).resolves.toBe(
      'geen-toestemming',
    );
    const consentForm = page.getByRole('form', { name: 'Toestemming registreren' });
    await consentForm.getByLabel('Persoon').selectOption(picked.custodian.personId);
    await consentForm.getByRole('radio', { name: 'Ja, toestemming gegeven' }).check();
    await consentForm.getByLabel('Bron').selectOption('03');
    await consentForm.getByRole('button', { name: 'Vandaag' }).click();
    await consentForm.getByRole('button', { name: 'Registratie opslaan' }).click();
    const saved = consentForm.getByRole('status').filter({ hasText: 'Opgeslagen:' });
    await saved.waitFor();
    await expect(saved.textContent()).resolves.toContain('Het besluit van vandaag is nu: toestemming.');
    await expect(saved.textContent()).resolves.toContain(
      '1 eerder zonder persoonsgegevens verstuurd contactmoment wordt vandaag opnieuw verstuurd',
    );

    // The repair goes out at once (R-C5): the client page looks again until it has.
    await page.getByRole('link', { name: '← Terug naar het dossier' }).click();
    await activity().waitFor();
    await waitForState('Hersteld: opnieuw verstuurd met persoonsgegevens (bericht 4)', 10_000);
    await expect(messageState().getAttribute('data-kind')).resolves.toBe('personalised');
    await expect(messageState().textContent()).resolves.toContain('herstel na toestemming');
    const history = activity().getByTestId('message-history');
    await history.locator('summary').click();
    await expect(history.locator('tbody tr[data-version="3"]').textContent()).resolves.toContain(
      'Verstuurd zonder persoonsgegevens (bericht 4a)',
    );

    // The status query: the registry lists the remaining vaccination with the corrected batch.
    const status = page.getByTestId('vaccination-status');
    await status.getByRole('button', { name: 'Vaccinatiestatus opvragen bij het register' }).click();
    const table = status.getByTestId('status-table');
    await table.waitFor();
    const rows = table.locator('tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    const text = (await rows.first().textContent()) ?? '';
    expect(text).toContain('DKTP-Hib-HepB');
    expect(text).toContain(dutch(today()));
    expect(text).toContain('A123-46');
    expect(text).toContain('deze organisatie');
    await expect(table.textContent()).resolves.not.toContain('PN-77'); // the cancelled one is gone
    await expect(status.getByTestId('status-refusal').count()).resolves.toBe(0);
    await dossier.screenshot('/tmp/rvp-vaccinations-repaired.png');
    await status.screenshot({ path: '/tmp/rvp-vaccinations-status.png' });
    await activity().screenshot({ path: '/tmp/rvp-vaccinations-activity-repaired.png' });
    expect(dossier.errors).toEqual([]);
  });

  it('shows the admin who looked at the dossier; no one else', async () => {
    const page = dossier.page;
    await openClient(picked.admin);
    const audit = page.getByTestId('audit-section');
    await audit.getByRole('heading', { level: 2, name: 'Wie heeft dit dossier ingezien?' }).waitFor();
    await audit.getByTestId('audit').waitFor();
    const showAll = audit.getByRole('button', { name: /^Alle \d+ handelingen tonen$/ });
    if ((await showAll.count()) > 0) {
      const total = Number(/\d+/.exec((await showAll.textContent()) ?? '')?.[0]);
      await showAll.click();
      await expect(audit.getByTestId('audit').locator('tbody tr').count()).resolves.toBe(total);
    }
    const actions = await audit
      .getByTestId('audit')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    for (const action of [
      'vaccination.record',
      'vaccination.correct',
      'vaccination.cancel',
      'consent.register',
      'vaccination-status.query',
      'client.read',
    ]) {
      expect(actions).toContain(action);
    }
    const recordRow = audit
      .getByTestId('audit')
      .locator('tbody tr[data-action="vaccination.record"]')
      .first();
    await expect(recordRow.textContent()).resolves.toContain('Vaccinatie geregistreerd');
    await expect(recordRow.textContent()).resolves.toContain(userIdOf(picked.professional));
    await expect(audit.getByTestId('audit-actors').textContent()).resolves.toContain(
      picked.professional.name,
    );
    await audit.scrollIntoViewIfNeeded();
    await audit.screenshot({ path: '/tmp/rvp-vaccinations-audit.png' });

    // The planner does not see the section.
    await openClient(picked.planner);
    await page.getByRole('heading', { level: 2, name: 'Vaccinatiestatus bij het register' }).waitFor();
    await expect(page.getByTestId('audit-section').count()).resolves.toBe(0);
    expect(dossier.errors).toEqual([]);
  });
});

describe('registry worklist', () => {
  it('lists held and refused messages for registry staff, not for a municipality', async () => {
    const registry = await Session.open(world.browser, world.chain.registryUrl);
    const page = registry.page;
    try {
      await registry.open('rivm-medewerker', '#/worklist');
      await page.getByRole('heading', { level: 1, name: 'Werklijst berichten' }).waitFor();
      await expect(
        page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link').allTextContents(),
      ).resolves.toEqual(REGISTRY_STAFF_MENU);
      await page.getByTestId('held-count').waitFor();
      // Everything sent above was accepted.
      await expect(page.getByTestId('refused-count').textContent()).resolves.toBe('0');
      await page.getByTestId('refused-none').waitFor();

      // With held and refused messages (the registry's answer replaced), both tables.
      await page.route('**/api/intake/worklist', (route) =>
        route.fulfill({
          json: {
            held: [
              {
                id: '5f0b3d0e-0000-4000-8000-000000000001',
                organisationUra: '90000101',
                activityId: 'AbCdE12345',
                version: 1,
                reasonCode: 'unknown-bsn',
                reason: 'Het BSN is niet bekend in het register.',
                receivedAt: new Date().toISOString(),
              },
            ],
            refused: [
              {
                organisationUra: '90000102',
                activityId: 'ZyXwV98765',
                rule: 'bsn-11-check',
                reason: 'client.bsn: BSN (BDS 7): voldoet niet aan de elfproef.',
                receivedAt: new Date().toISOString(),
              },
            ],
          },
        }),
      );
      await page.getByRole('button', { name: 'Werklijst vernieuwen' }).click();
      await page.getByTestId('held-table').waitFor();
      await expect(page.getByTestId('held-table').locator('tbody tr').textContent()).resolves.toContain(
        'BSN onbekend in het register',
      );
      await expect(page.getByTestId('refused-table').locator('tbody tr').textContent()).resolves.toContain(
        'BSN voldoet niet aan de elfproef',
      );
      await registry.screenshot('/tmp/rvp-registry-worklist.png');
      await page.unrouteAll();

      // A municipality officer: no menu item, and the page says why.
      await registry.open('gemeente-utrecht', '#/worklist');
      await page.getByText('Alleen medewerkers en analisten van het register zien de werklijst.').waitFor();
      await expect(
        page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link').allTextContents(),
      ).resolves.toEqual(MUNICIPALITY_MENU);
      expect(registry.errors).toEqual([]);
    } finally {
      await registry.close();
    }
  });
});
