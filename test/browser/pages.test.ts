/**
 * The front ends in a real browser against the real chain: both services on PGlite with 300 demo
 * persons, serving the built dist/web. Screenshots go to /tmp/rvp-*.png for a human to look at.
 *
 * Needs the web build (`npm run build`, or `vite build --config src/web/vite.config.ts`); when
 * dist/web is missing it is built here first. Chromium: /usr/bin/chromium (RVP_CHROMIUM overrides).
 */
import { rm } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChain } from '../../src/chain.js';
import { DEMO_PASSWORD } from '../../src/demo/load.js';
import { demoDataDir, ensureWebBuild } from './helpers.js';

const executablePath = process.env.RVP_CHROMIUM ?? '/usr/bin/chromium';

interface DemoUser {
  userId?: string;
  id?: string;
  name: string;
  role: string;
  organisation: { ura: string | null; name: string };
}

interface ClientSummary {
  id: string;
  bsn: string | null;
  givenName: string;
  prefix: string | null;
  familyName: string;
  kind: 'youth' | 'client';
}

let chain: Awaited<ReturnType<typeof startChain>>;
let browser: Browser;
let dataDir: string;

/** A fresh browser context (no cookies); `errors` collects uncaught errors in the page. */
async function newPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

/** Waits until the client table shows the result of `search` (not the previous one while loading). */
async function waitForSearch(page: Page, search: string): Promise<void> {
  await page.waitForFunction((s) => {
    const table = document.querySelector<HTMLTableElement>('table.utrecht-table');
    return table !== null && table.dataset.search === s && !table.hasAttribute('aria-busy');
  }, search);
}

/** "1.234" → 1234 (Dutch thousands separator). */
function dutchNumber(text: string | null): number {
  return Number((text ?? '').replace(/\./g, '').trim());
}

/** The total from the list caption "1–50 van 300 cliënten". */
async function listTotal(page: Page): Promise<number> {
  const meta = await page.locator('caption .rvp-caption__meta').textContent();
  const match = /van ([\d.]+) cliënten/.exec(meta ?? '');
  if (!match) throw new Error(`no total in caption: ${meta}`);
  return dutchNumber(match[1] ?? '');
}

/**
 * Checks that the NL Design System example tokens and open-rvp's own theme layer are really applied,
 * not bare HTML: the dark blue bar, the brand colour reaching the button tokens, the system font.
 */
async function expectTheme(page: Page): Promise<void> {
  const style = await page.evaluate(() => {
    const root = document.documentElement;
    const css = getComputedStyle(root);
    const navbar = document.querySelector('.rvp-navbar');
    const button = document.querySelector('.nl-button');
    const sheets = [...document.styleSheets].flatMap((sheet) => {
      try {
        return [...sheet.cssRules].map((rule) => rule.cssText);
      } catch {
        return [];
      }
    });
    return {
      lang: root.lang,
      classes: [...root.classList],
      brand: css.getPropertyValue('--rvp-color-brand').trim(),
      primaryButton: css.getPropertyValue('--nl-button-primary-background-color').trim(),
      basisToken: css.getPropertyValue('--basis-text-font-size-md').trim(),
      navbarBackground: navbar ? getComputedStyle(navbar).backgroundColor : null,
      bodyFont: getComputedStyle(document.body).fontFamily,
      buttonRadius: button ? getComputedStyle(button).borderRadius : null,
      rijks: sheets.some((text) => /rijkshuisstijl|--rhc-color-|rhc-theme/i.test(text)),
    };
  });
  expect(style.lang).toBe('nl');
  expect(style.classes).toEqual(expect.arrayContaining(['voorbeeld-theme', 'rvp-theme']));
  expect(style.basisToken).toBe('1rem'); // the example theme is loaded
  expect(style.brand).toBe('#154273');
  expect(style.primaryButton).toBe('#154273'); // the brand reaches the component tokens
  expect(style.navbarBackground).toBe('rgb(21, 66, 115)');
  expect(style.bodyFont).toMatch(/^Arial/);
  expect(style.buttonRadius).toBe('4px');
  expect(style.rijks).toBe(false); // no Rijkshuisstijl tokens (not open source; see LICENSES.md)
}

beforeAll(async () => {
  await ensureWebBuild();
  dataDir = await demoDataDir('rvp-browser-', 300);
  chain = await startChain({ dataDir, dossierPort: 0, registryPort: 0, demoSize: 300, log: false });
  browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await chain?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('dossier web app', () => {
  it('signs in, lists, searches and opens a client with custodians, signs out', async () => {
    const { context, page, errors } = await newPage();
    const demoUsers = (await (await fetch(new URL('/api/demo-users', chain.dossierUrl))).json()) as {
      items: DemoUser[];
    };
    const first = demoUsers.items[0];
    expect(first).toBeDefined();
    if (!first) return;

    await page.goto(chain.dossierUrl);
    await expect(page.title()).resolves.toContain('open-rvp — Dossier JGZ');
    const signInButtons = page.getByRole('button', { name: /^Aanmelden als / });
    await signInButtons.first().waitFor();
    expect(await signInButtons.count()).toBe(demoUsers.items.length);
    await expectTheme(page);
    await page.screenshot({ path: '/tmp/rvp-dossier-signin.png', fullPage: true });

    // Sign in as the first demo user: the header names the user and the organisation.
    // Without the password nothing happens but a message at the field.
    await signInButtons.first().click();
    await page.getByText('Vul eerst het wachtwoord in.').waitFor();
    await expect(page.evaluate(() => document.activeElement?.getAttribute('type'))).resolves.toBe('password');
    // A wrong password is refused at the field too.
    await page.getByLabel('Wachtwoord').fill('fout');
    await signInButtons.first().click();
    await page.getByText('Gebruikersnaam of wachtwoord onjuist.').waitFor();
    await page.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
    await signInButtons.first().click();
    const rows = page.locator('table.utrecht-table tbody tr');
    await rows.first().waitFor();
    await expect(page.getByTestId('organisation').textContent()).resolves.toBe(first.organisation.name);
    await expect(page.getByTestId('user').textContent()).resolves.toContain(first.name);
    await expect(page.getByRole('button', { name: 'Afmelden' }).isVisible()).resolves.toBe(true);
    // The session cookie is httpOnly: the page cannot read it.
    await expect(page.evaluate(() => document.cookie)).resolves.not.toContain('rvp_session');

    const total = await listTotal(page);
    expect(total).toBeGreaterThan(0);
    expect(await rows.count()).toBe(Math.min(50, total));
    expect(await page.locator('caption').count()).toBeGreaterThan(0);
    const headers = await page.locator('thead th').allTextContents();
    expect(headers).toEqual(['BSN', 'Naam', 'Geboortedatum', 'Leeftijd', 'Gemeente']);
    // Dates are Dutch: dd-mm-jjjj.
    expect(await rows.first().locator('td').nth(2).textContent()).toMatch(/^\d{2}-\d{2}-\d{4}$/);
    await expectTheme(page);
    await page.screenshot({ path: '/tmp/rvp-dossier-clients.png', fullPage: false });

    // A page beyond the end goes to the last page.
    const lastPage = Math.ceil(total / 50);
    await page.goto(`${chain.dossierUrl}#/clients?page=${lastPage + 3}`);
    await page.waitForFunction(
      (p) => (p === 1 ? !location.hash.includes('page=') : location.hash.includes(`page=${p}`)),
      lastPage,
    );
    await rows.first().waitFor();

    // Paging, when there is more than one page.
    if (total > 50) {
      await page.getByRole('button', { name: 'Volgende' }).click();
      await page.waitForFunction(() => location.hash.includes('page=2'));
      await page.locator('caption .rvp-caption__meta', { hasText: /^51–/ }).waitFor();
      await page.getByRole('button', { name: 'Vorige' }).click();
      await page.locator('caption .rvp-caption__meta', { hasText: /^1–/ }).waitFor();
    }

    // Search by family name narrows the list to matching names.
    const sample = (await page.evaluate(async () => {
      const response = await fetch('api/clients?limit=50', { credentials: 'same-origin' });
      return ((await response.json()) as { items: unknown[] }).items;
    })) as ClientSummary[];
    const youth = sample.find((c) => c.kind === 'youth') ?? sample[0];
    expect(youth).toBeDefined();
    if (!youth) return;
    const search = page.getByLabel('Zoeken op naam of BSN');
    await search.fill(youth.familyName); // searches while typing, no button needed
    await waitForSearch(page, youth.familyName);
    const found = await listTotal(page);
    expect(found).toBeGreaterThan(0);
    const others = sample.filter((c) => !c.familyName.toLowerCase().includes(youth.familyName.toLowerCase()));
    if (others.length > 0) expect(found).toBeLessThan(total);
    for (const name of await rows.locator('td:nth-child(2) a').allTextContents()) {
      expect(name.toLowerCase()).toContain(youth.familyName.toLowerCase());
    }
    await page.screenshot({ path: '/tmp/rvp-dossier-search.png', fullPage: false });

    // A search without hits says so.
    await search.fill('zzqqxx');
    await page.locator('main p.nl-paragraph', { hasText: 'Geen cliënten gevonden voor „zzqqxx”.' }).waitFor();
    expect(await rows.count()).toBe(0);

    // Search by BSN, typed the way it is shown (with dots): exactly one client.
    if (youth.bsn) {
      const dotted = `${youth.bsn.slice(0, 4)}.${youth.bsn.slice(4, 6)}.${youth.bsn.slice(6)}`;
      await search.fill(dotted);
      await page.getByRole('button', { name: 'Zoeken', exact: true }).click();
      await waitForSearch(page, dotted);
      expect(await listTotal(page)).toBe(1);
      await expect(rows.first().locator('td').first().textContent()).resolves.toBe(dotted);
      await search.fill(youth.familyName);
      await page.getByRole('button', { name: 'Zoeken', exact: true }).click();
      await waitForSearch(page, youth.familyName);
    }

    // Open the client: personal data, address and the custodians section.
    await page.locator(`tr[data-client-id="${youth.id}"] a`).click();
    await page.getByRole('heading', { level: 2, name: 'Gezaghebbenden' }).waitFor();
    expect(page.url()).toContain(`#/clients/${youth.id}`);
    const fullName = [youth.givenName, youth.prefix, youth.familyName].filter(Boolean).join(' ');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(fullName);
    await expect(page.title()).resolves.toBe(`${fullName} — open-rvp — Dossier JGZ`);
    for (const heading of ['Persoonsgegevens', 'Adres']) {
      await expect(page.getByRole('heading', { level: 2, name: heading }).isVisible()).resolves.toBe(true);
    }
    const custodianTable = page.getByTestId('custodians');
    if ((await custodianTable.count()) > 0) {
      const custody = await custodianTable.locator('tbody tr td:nth-child(3)').allTextContents();
      expect(custody.length).toBeGreaterThan(0);
      for (const value of custody) expect(['gezag', 'geen gezag']).toContain(value);
    } else {
      await page.getByText(/geen gezaghebbenden/).waitFor();
    }
    await expectTheme(page);
    await page.screenshot({ path: '/tmp/rvp-dossier-client.png', fullPage: true });

    // Back to the list keeps the search.
    await page.getByRole('link', { name: '← Terug naar cliënten' }).click();
    await waitForSearch(page, youth.familyName);
    await expect(search.inputValue()).resolves.toBe(youth.familyName);

    // An unknown client is a clear message, not a crash.
    await page.goto(`${chain.dossierUrl}#/clients/00000000-0000-4000-8000-000000000000`);
    await page.getByRole('heading', { level: 1, name: 'Cliënt niet gevonden' }).waitFor();

    // Sign out: back to the sign-in page.
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await page.getByText('U bent afgemeld.').waitFor();
    await signInButtons.first().waitFor();
    const status = await page.evaluate(
      async () => (await fetch('api/session', { credentials: 'same-origin' })).status,
    );
    expect(status).toBe(401);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('registry web app', () => {
  it('signs in and shows the population per municipality with totals', async () => {
    const { context, page, errors } = await newPage();
    const demoUsers = (await (await fetch(new URL('/api/demo-users', chain.registryUrl))).json()) as {
      items: DemoUser[];
    };
    // A national user (a municipality officer sees only their own municipality).
    const user = demoUsers.items.find((u) => u.role !== 'municipality-officer') ?? demoUsers.items[0];
    expect(user).toBeDefined();
    if (!user) return;

    await page.goto(chain.registryUrl);
    await expect(page.title()).resolves.toContain('open-rvp — Register RVP');
    await page.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: `Aanmelden als ${user.name}`, exact: true }).click();
    await page.locator('table.utrecht-table tfoot').waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Bevolking per gemeente',
    );
    await expect(page.getByTestId('user').textContent()).resolves.toContain(user.name);

    const persons = dutchNumber(await page.getByTestId('total-persons').textContent());
    const youth = dutchNumber(await page.getByTestId('total-youth').textContent());
    const municipalities = dutchNumber(await page.getByTestId('total-municipalities').textContent());
    expect(persons).toBeGreaterThan(0);
    expect(youth).toBeGreaterThan(0);
    expect(youth).toBeLessThanOrEqual(persons);
    expect(municipalities).toBeGreaterThan(0);
    const totalsRow = await page.getByTestId('totals-row').locator('td').allTextContents();
    expect(totalsRow.map(dutchNumber)).toEqual([persons, youth]);

    const rows = page.locator('table.utrecht-table tbody tr');
    const rowCount = await rows.count();
    expect(rowCount).toBeGreaterThan(0);
    const personsColumn = async () =>
      (await rows.locator('td:nth-child(3)').allTextContents()).map(dutchNumber);
    // Default order: most persons first; the column sums to the total.
    const initial = await personsColumn();
    expect(initial).toEqual([...initial].sort((a, b) => b - a));
    expect(initial.reduce((a, b) => a + b, 0)).toBe(persons);
    await expectTheme(page);
    await page.screenshot({ path: '/tmp/rvp-registry-population.png' }); // 342 rows: viewport only

    // Sorting by persons toggles to ascending, and aria-sort says so.
    await page.getByRole('button', { name: /^Personen/ }).click();
    await expect(page.locator('th', { hasText: 'Personen' }).getAttribute('aria-sort')).resolves.toBe(
      'ascending',
    );
    const ascending = await personsColumn();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));

    // The filter narrows the table to matching municipalities.
    const name = (await rows.first().locator('td').first().textContent()) ?? '';
    await page.getByLabel('Filter op gemeente').fill(name);
    await page.waitForFunction(
      (n) => document.querySelectorAll('table.utrecht-table tbody tr').length <= n,
      Math.max(1, rowCount - 1),
    );
    for (const shown of await rows.locator('td:first-child').allTextContents()) {
      expect(shown.toLowerCase()).toContain(name.toLowerCase());
    }
    await page.screenshot({ path: '/tmp/rvp-registry-filter.png', fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });
});
