/**
 * Coverage, reports and supply in a real browser against the real chain (issue 10): an analyst sees
 * published municipal figures, opens the July report as a PDF and the loss calculation; registry staff
 * recall a demo batch and see the locations that held it; the municipality officer sees only her own
 * municipality's aggregates. Screenshots go to /tmp/rvp-coverage-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, startWorld, type World } from './helpers.js';

let world: World;
let registry: Session;
const lastYear = new Date().getFullYear() - 1;
const num = (s: string | null) => Number((s ?? '').replace(/[^\d−-]/g, '').replace('−', '-'));

beforeAll(async () => {
  world = await startWorld('rvp-coverage-');
  registry = await Session.open(world.browser, world.chain.registryUrl);
});

afterAll(async () => {
  await registry?.close();
  await world?.close();
});

describe('coverage, reports and supply', () => {
  it('shows the analyst published municipal coverage, the July report as PDF and the loss', async () => {
    const page = registry.page;
    await registry.open('rivm-analist', '#/coverage');
    await page.getByRole('heading', { level: 1, name: 'Vaccinatiegraad' }).waitFor();
    // The demo's bigger municipalities have cohorts of at least k = 10: some are published.
    await page.locator('[data-municipality]').first().waitFor();
    expect(await page.locator('[data-municipality]').count()).toBeGreaterThan(0);
    const national = await page.locator('[data-cohort]').first().textContent();
    expect(national).toMatch(/\d+,\d%/);
    await registry.screenshot('/tmp/rvp-coverage-page.png');

    await page.goto(`${registry.baseUrl}#/reports`);
    await page.getByRole('heading', { level: 1, name: 'Rapportages' }).waitFor();
    await page.getByTestId('july-row').first().waitFor();
    const pdfHref = await page
      .getByTestId('july-downloads')
      .getByRole('link', { name: 'PDF' })
      .getAttribute('href');
    expect(pdfHref).toContain('api/reports/july');
    const pdf = await registry.api.get(registry.url(`/${pdfHref!.replace(/^\.?\//, '')}`));
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

    await page.goto(`${registry.baseUrl}#/supply`);
    await page.getByRole('heading', { level: 1, name: 'Vaccinvoorraad' }).waitFor();
    const rows = page.getByTestId('loss-row');
    await rows.first().waitFor();
    // Each row: vaccine, A, B, C, D, E, loss …: D = A + B − C and loss = D − E on the page itself.
    for (const row of await rows.all()) {
      const cells = await row.locator('td').allTextContents();
      const [a, b, c, d, e, loss] = cells.slice(1, 7).map(num) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      expect(d).toBe(a + b - c);
      expect(loss).toBe(d - e);
    }
    await registry.screenshot('/tmp/rvp-coverage-supply.png');
  });

  it('lets registry staff recall a demo batch and lists the locations that held it', async () => {
    const page = registry.page;
    await registry.open('rivm-medewerker', '#/supply');
    const form = page.getByRole('form', { name: 'Partij terugroepen' });
    await form.waitFor();
    await form.getByLabel('Vaccin').selectOption('11');
    await form.getByLabel('Partijnummer').fill(`DEMO-11-${lastYear}`);
    await form.getByLabel('Reden').fill('Kwaliteitsafwijking gemeld door de fabrikant');
    await form.getByRole('button', { name: 'Partij terugroepen' }).click();
    await page.getByTestId('recall-location').first().waitFor();
    expect(await page.getByTestId('recall-location').count()).toBeGreaterThan(1);
    await expect(page.getByTestId('recall-recipient-count').textContent()).resolves.toMatch(/\d+ personen/);
    await registry.screenshot('/tmp/rvp-coverage-recall.png');
  });

  it('shows the municipality officer her own aggregates only', async () => {
    const page = registry.page;
    await registry.open('gemeente-utrecht', '#/coverage');
    await page.getByRole('heading', { level: 2, name: 'Uw gemeente per cohort' }).waitFor();
    await page.locator('[data-cohort]').first().waitFor();
    expect(await page.locator('[data-municipality]').count()).toBe(0);
    const nav = await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link').allTextContents();
    expect(nav).not.toContain('Vaccinvoorraad');
    const coverage = await registry.get<{ cells: { level: string; code: string }[] }>(
      '/api/coverage?cohorts=2',
    );
    expect(coverage.cells.length).toBeGreaterThan(0);
    expect(coverage.cells.every((c) => c.level === 'municipality' && c.code === 'GM0344')).toBe(true);
    expect((await registry.api.get(registry.url(`/api/reports/july?year=${lastYear + 1}`))).status()).toBe(
      403,
    );
    expect((await registry.api.get(registry.url('/api/supply/stock'))).status()).toBe(403);
    expect(
      (await registry.api.get(registry.url('/api/reports/april?year=2025&municipality=GM0363'))).status(),
    ).toBe(422);
  });
});
