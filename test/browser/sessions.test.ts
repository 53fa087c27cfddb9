/**
 * A group session end to end in a real browser against the real chain with demo data (issue 9):
 * the planner plans a session for a school cohort and makes the consent-request letters (a PDF); a
 * returned card is registered by typing its barcode into the scan field and Enter, as a handheld
 * scanner does; the nurse checks the youth in by scanning the same code, records the vaccination with
 * the preset batch, and the nightly delivery takes it to the registry.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import bwipjs from 'bwip-js';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers, Session, startWorld, today, userIdOf, type World } from './helpers.js';

/**
 * A camera's view of a printed letter: the Code 128 barcode of `code` (bwip-js, as the letters print
 * it), black bars on white, as a Y4M video Chromium plays as its fake camera.
 */
function barcodeVideo(code: string): Buffer {
  const [width, height, module] = [640, 480, 3];
  const sbs = (bwipjs.raw('code128', code, {}) as Array<{ sbs: number[] }>)[0]!.sbs;
  const luma = Buffer.alloc(width * height, 235);
  let x = Math.floor((width - sbs.reduce((a, b) => a + b, 0) * module) / 2);
  sbs.forEach((w, i) => {
    if (i % 2 === 0) {
      for (let y = 140; y < 340; y++) luma.fill(16, y * width + x, y * width + x + w * module);
    }
    x += w * module;
  });
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  return Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`),
    frame,
    frame,
  ]);
}

interface Card {
  code: string;
  client: { id: string; name: string };
  recipient: { personId: string };
  whoMayConsent: Array<{ personId: string }>;
}

let world: World;
let page: Session;
let planner = '';
let nurse = '';
let sessionId = '';
let card: Card;
const demoSessions: Array<{ name: string; dates: string[] }> = [];

describe('group session in the browser', () => {
  const cohort = {
    birthFrom: `${Number(today().slice(0, 4)) - 17}-01-01`,
    birthTo: today(),
  };
  beforeAll(async () => {
    world = await startWorld('rvp-sessions-');
    page = await Session.open(world.browser, world.chain.dossierUrl);
    const users = await demoUsers(world.chain.dossierUrl);
    // The first organisation with a planner and a nurse whose cohort has someone to write to: probed
    // through the API (a trial session, no letters); the test then plans its session in the form.
    const planners = users.filter((u) => u.role === 'jgz-planner');
    for (const p of planners) {
      await page.signIn(p);
      const trial = await page.send<{ id: string }>(
        'POST',
        '/api/group-sessions',
        {
          name: 'Verkenning',
          location: 'Verkenning',
          contact: 'JGZ-lijn 030 123 45 67',
          dates: [today()],
          vaccines: [{ vaccineType: '09', batchNumber: 'X' }],
          cohort: { ...cohort, municipalityCodes: [], onlyDue: true },
        },
        201,
      );
      const detail = await page.get<{ members: Array<{ missing: string[] }> }>(
        `/api/group-sessions/${trial.body.id}`,
      );
      // The demo data's planned HPV session (src/demo/sessions.ts) is at one of these organisations.
      const listed = await page.get<{ items: Array<{ name: string; dates: string[] }> }>(
        '/api/group-sessions',
      );
      demoSessions.push(...listed.items.filter((i) => i.name.startsWith('HPV groep 7 en 8')));
      if (!detail.members.some((m) => m.missing.length > 0)) continue;
      planner = userIdOf(p);
      nurse = userIdOf(
        users.find((u) => u.role === 'jgz-professional' && u.organisation.ura === p.organisation.ura)!,
      );
      break;
    }
    expect(planner).not.toBe('');
    // The planners the loop did not reach: is the demo session theirs?
    for (const p of planners.slice(planners.findIndex((u) => userIdOf(u) === planner) + 1)) {
      await page.signIn(p);
      const listed = await page.get<{ items: Array<{ name: string; dates: string[] }> }>(
        '/api/group-sessions',
      );
      demoSessions.push(...listed.items.filter((i) => i.name.startsWith('HPV groep 7 en 8')));
    }
  });
  afterAll(async () => {
    await page?.close();
    await world?.close();
  });

  /** The codes of these youth's letters (as printed under the barcode), from the session's list of letters. */
  async function findCodes(clientIds: string[]): Promise<string[]> {
    const letters = await page.get<{ items: Array<{ code: string; clientId: string }> }>(
      `/api/group-sessions/${sessionId}/letters`,
    );
    return letters.items.filter((l) => clientIds.includes(l.clientId)).map((l) => l.code);
  }

  it('the demo data holds one planned HPV session, in the coming weeks', () => {
    expect(demoSessions).toHaveLength(1);
    expect(demoSessions[0]!.dates.every((d) => d > today(14) && d <= today(25))).toBe(true);
  });

  it('the planner plans a session in the form and makes the consent-request letters', async () => {
    await page.open(planner, '#/sessions');
    const form = page.page.getByRole('form', { name: 'Sessie plannen' });
    await form.getByLabel('Naam').fill('HPV groep 7');
    await form.getByLabel('Locatie').fill('Basisschool De Regenboog');
    await form.getByLabel('Bereikbaarheid professional').fill('JGZ-lijn 030 123 45 67 (werkdagen 9–17 uur)');
    await form.getByLabel('Datum of data').fill(today());
    await form.getByLabel('Vaccin', { exact: true }).selectOption('09');
    await form.getByLabel('Partijnummer').fill('HPV-DEMO-1');
    await form.getByLabel('Geboren vanaf').fill(cohort.birthFrom);
    await form.getByLabel('Geboren tot en met').fill(cohort.birthTo);
    await form.getByRole('button', { name: 'Plannen en cohort selecteren' }).click();
    await expect.poll(() => page.page.url()).toMatch(/#\/sessions\/[0-9a-f-]{36}$/);
    sessionId = /#\/sessions\/([0-9a-f-]{36})$/.exec(page.page.url())![1]!;
    await expect.poll(() => page.page.getByTestId('member').count()).toBeGreaterThan(0);
    await page.page.getByRole('button', { name: 'Toestemmingsbrieven maken' }).click();
    await expect.poll(() => page.page.getByTestId('letters-pdf').isVisible()).toBe(true);
    expect(await page.page.getByText(/\d+ brief\(ven\) gemaakt/).textContent()).not.toMatch(/^0 /);

    // The codes are in the PDF; the test reads them from the session's list of letters.
    const detail = await page.get<{ members: Array<{ clientId: string; requests: { issued: number } }> }>(
      `/api/group-sessions/${sessionId}`,
    );
    const written = detail.members.filter((m) => m.requests.issued > 0);
    expect(written.length).toBeGreaterThan(0);
    // Find a card whose addressee may answer now.
    for (const code of await findCodes(written.map((m) => m.clientId))) {
      const found = await page.get<Card>(`/api/consent-cards/${code}`);
      if (found.whoMayConsent.some((w) => w.personId === found.recipient.personId)) {
        card = found;
        break;
      }
    }
    expect(card).toBeDefined();
    expect(page.errors).toEqual([]);
  });

  it('the planner scans a returned card and registers the answer', async () => {
    await page.open(planner, `#/sessions/${sessionId}`);
    const scan = page.page.getByLabel('Scan de streepjescode van de antwoordkaart');
    await scan.fill(card.code);
    await scan.press('Enter');
    const answers = page.page.getByRole('form', { name: 'Antwoorden registreren' });
    await expect.poll(() => answers.isVisible()).toBe(true);
    const group = answers
      .locator('fieldset')
      .filter({ has: page.page.locator(`input[name="answer-${card.recipient.personId}"]`) });
    await group.getByLabel('Ja').check();
    await answers.getByRole('button', { name: 'Antwoorden registreren' }).click();
    await expect.poll(() => page.page.getByText('antwoord(en) geregistreerd voor').isVisible()).toBe(true);
    const records = await page.get<{ records: Array<{ method: string; note: string | null }> }>(
      `/api/clients/${card.client.id}/consent/history`,
    );
    expect(
      records.records.some((r) => r.method === 'written' && r.note === `Antwoordkaart ${card.code}`),
    ).toBe(true);
    expect(page.errors).toEqual([]);
  });

  it('the nurse checks in by scanning, and records the vaccination with the preset batch; it is exchanged', async () => {
    await page.open(nurse, `#/sessions/${sessionId}/check-in`);
    const scan = page.page.getByLabel('Scan de streepjescode, of zoek op naam of BSN');
    await scan.fill(card.code);
    await scan.press('Enter');
    const member = page.page.getByTestId('member-card');
    await expect.poll(() => member.isVisible()).toBe(true);
    expect(await member.getByRole('heading').textContent()).toContain(card.client.name);
    expect(await member.getByTestId('decision').textContent()).toMatch(/Toestemming gegevensuitwisseling/);
    await member.getByRole('button', { name: 'Inchecken' }).click();
    await expect.poll(() => page.page.getByTestId('ready').locator('li').count()).toBe(1);
    await page.page.getByRole('button', { name: 'Vaccinaties registreren' }).click();
    await expect.poll(() => page.page.getByText('gevaccineerd;').isVisible()).toBe(true);
    const activities = await page.get<{
      items: Array<{ activityType: string; vaccinations: Array<{ batchNumber: string }> }>;
    }>(`/api/clients/${card.client.id}/activities`);
    expect(activities.items[0]).toMatchObject({
      activityType: '02',
      vaccinations: [{ batchNumber: 'HPV-DEMO-1' }],
    });
    await page.signIn(planner);
    const run = await page.send<{ sent: number }>('POST', '/api/exchange/run', undefined, 200);
    expect(run.body.sent).toBeGreaterThanOrEqual(1);
    expect(page.errors).toEqual([]);
  });

  it('the camera button reads the barcode (Chromium fake camera; ZXing wasm from our own server)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rvp-camera-'));
    const video = path.join(dir, 'card.y4m');
    await writeFile(video, barcodeVideo(card.code));
    const browser = await chromium.launch({
      executablePath: process.env.RVP_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ],
    });
    try {
      const camera = await Session.open(browser, world.chain.dossierUrl);
      const requested: string[] = [];
      camera.page.on('request', (r) => requested.push(r.url()));
      await camera.open(nurse, `#/sessions/${sessionId}/check-in`);
      await camera.page.getByRole('button', { name: 'Scan met camera' }).click();
      const member = camera.page.getByTestId('member-card');
      await expect.poll(() => member.isVisible(), { timeout: 20_000 }).toBe(true);
      expect(await member.getByRole('heading').textContent()).toContain(card.client.name);
      // The camera is released after a read; the decoder came from the dossier, not a CDN.
      expect(await camera.page.locator('video').count()).toBe(0);
      const origin = new URL(world.chain.dossierUrl).origin;
      // Headless Chromium on Linux has no native BarcodeDetector, so this is the ponyfill's path.
      if (!(await camera.page.evaluate(() => 'BarcodeDetector' in window))) {
        expect(requested.filter((u) => u.endsWith('.wasm'))).toEqual([
          expect.stringMatching(new RegExp(`^${origin}/assets/zxing_reader-[\\w-]+\\.wasm$`)),
        ]);
      }
      expect(requested.filter((u) => u.startsWith('http') && !u.startsWith(origin))).toEqual([]);
      expect(camera.errors).toEqual([]);
    } finally {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
