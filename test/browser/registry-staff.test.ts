/**
 * The registry's staff pages in a real browser against the real chain: registry staff start an
 * invitation run for the coming two months, see its counts and letters, fetch a letter's PDF, open a
 * person from a letter and see the vaccinations and the forecast; a municipality officer sees neither
 * menu item and the API refuses. Screenshots go to /tmp/rvp-registry-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUNICIPALITY_MENU, REGISTRY_STAFF_MENU, Session, startWorld, today, type World } from './helpers.js';

let world: World;
let registry: Session;

/** `YYYY-MM-DD` plus whole months (day clamped), like the form's period. */
function plusMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const day = Math.min(d, new Date(Date.UTC(year, month, 0)).getUTCDate());
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

beforeAll(async () => {
  world = await startWorld('rvp-registry-staff-');
  registry = await Session.open(world.browser, world.chain.registryUrl);
});

afterAll(async () => {
  await registry?.close();
  await world?.close();
});

describe('registry staff pages', () => {
  it('starts an invitation run, lists its letters with PDFs, and opens a person with the forecast', async () => {
    const page = registry.page;
    await registry.open('rivm-medewerker', '#/runs');
    await page.getByRole('heading', { level: 1, name: 'Uitnodigingsruns' }).waitFor();
    await expect(
      page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link').allTextContents(),
    ).resolves.toEqual(REGISTRY_STAFF_MENU);

    const form = page.getByRole('form', { name: 'Run starten' });
    // Nothing chosen: the form names what is missing and sends nothing.
    await form.getByRole('button', { name: 'Run starten' }).click();
    await page.getByTestId('error-summary').waitFor();
    await expect(page.getByTestId('error-summary').textContent()).resolves.toContain('Kies het soort run.');

    // A group session outside the selection window: the server refuses, at the session date.
    await form.getByLabel('Soort run').selectOption('group-session');
    await form.getByLabel('Periode vanaf').fill(today());
    await form.getByLabel('Periode tot en met').fill(plusMonths(today(), 2));
    await form.getByLabel('Eerste sessiedatum').fill(today(2));
    await form.getByLabel('Organisatie (URA)').fill('90000101');
    await form.getByRole('button', { name: 'Run starten' }).click();
    const sessionField = form.locator('.utrecht-form-field', { has: page.getByLabel('Eerste sessiedatum') });
    await sessionField.locator('.utrecht-form-field__error-message').waitFor();
    await expect(sessionField.locator('.utrecht-form-field__error-message').textContent()).resolves.toContain(
      '3 tot 4 weken',
    );

    // An invitation run for the coming two months.
    await form.getByLabel('Soort run').selectOption('invitation');
    await form.getByLabel('Organisatie (URA) (optioneel)').fill('');
    await form.getByRole('button', { name: 'Run starten' }).click();
    await page.getByRole('heading', { level: 1, name: 'Brieven van een run' }).waitFor();
    await page.getByTestId('letter-count').waitFor();
    for (const id of ['persons-seen', 'invitation-count', 'letter-count']) {
      const count = Number((await page.getByTestId(id).textContent())?.replace(/\./g, ''));
      expect(count, id).toBeGreaterThan(0);
    }
    const letter = page.getByTestId('letter').first();
    await letter.waitFor();
    await registry.screenshot('/tmp/rvp-registry-run.png');

    // The letter's PDF.
    const href = await letter.getByTestId('letter-pdf').getAttribute('href');
    expect(href).toMatch(/^api\/invitation-letters\/[0-9a-f-]+\/pdf$/);
    const pdf = await registry.api.get(new URL(href!, page.url()).toString());
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    expect((await pdf.body()).subarray(0, 4).toString('latin1')).toBe('%PDF');

    // The run is in the list.
    await page.getByRole('link', { name: 'Terug naar de uitnodigingsruns' }).click();
    await page.getByTestId('runs-table').waitFor();
    await expect(page.getByTestId('runs-table').locator('tbody tr').count()).resolves.toBeGreaterThan(0);
    await page.goBack();

    // A person from a letter: vaccinations and the forecast per vaccine group.
    await page.getByTestId('letter').first().getByRole('link').first().click();
    await page.getByRole('heading', { level: 1, name: 'Vaccinaties en prognose' }).waitFor();
    const forecast = page.getByTestId('forecast-table').locator('tbody tr');
    await forecast.first().waitFor();
    await expect(forecast.count()).resolves.toBeGreaterThan(0);
    // The person was invited, so something is due (or about to be) in the period.
    await expect(
      page
        .getByTestId('forecast-table')
        .locator(
          'tbody tr[data-status="upcoming"], tbody tr[data-status="due"], tbody tr[data-status="overdue"]',
        )
        .count(),
    ).resolves.toBeGreaterThan(0);
    await page
      .getByTestId('doses')
      .locator('[data-testid="doses-table"], [data-testid="doses-none"]')
      .first()
      .waitFor();
    await page.getByTestId('citizen-requests').getByText('Ontkoppeld').waitFor();
    await registry.screenshot('/tmp/rvp-registry-person.png');

    // Person search by BSN: a wrong BSN is refused at the field.
    await page
      .getByRole('navigation', { name: 'Hoofdmenu' })
      .getByRole('link', { name: 'Persoon zoeken' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Persoon zoeken' }).waitFor();
    await page.getByLabel('BSN').fill('123456789');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.getByText('Dit BSN voldoet niet aan de elfproef.').waitFor();
    expect(registry.errors).toEqual([]);
  });

  it('a municipality officer sees neither menu item, and the API refuses', async () => {
    const page = registry.page;
    await registry.open('gemeente-utrecht', '#/runs');
    await page.getByText('Alleen medewerkers en analisten van het register zien uitnodigingsruns.').waitFor();
    await expect(
      page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link').allTextContents(),
    ).resolves.toEqual(MUNICIPALITY_MENU);
    expect((await registry.api.get(registry.url('/api/invitation-runs'))).status()).toBe(403);
    expect((await registry.api.get(registry.url('/api/persons?bsn=123456782'))).status()).toBe(403);
    expect(registry.errors).toEqual([]);
  });
});
