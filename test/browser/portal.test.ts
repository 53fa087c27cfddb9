/**
 * The portal end to end (issue 11): a parent signs in through the DigiD stand-in (a real OpenID
 * Connect provider), gives and withdraws consent for a child and the dossier's decision follows, moves
 * the appointment a campaign gave the teenager, and the registry reports uptake without overbooking.
 * Every portal page state passes axe-core's WCAG 2.1 A/AA rules. Registry staff create a campaign in
 * the staff screen, start the invitation, remind, and record attendance on the location screen by
 * scanning the letter's barcode and by searching; the uptake table follows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { organisations } from '../../src/demo/organisations.js';
import { DEMO_FAMILY } from '../../src/portal/demo.js';
import { axeViolations, dottedBsn, Session, startWorld, today, type World } from './helpers.js';

describe('portal for parents and youth', () => {
  let world: World;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  let professional: Session;
  let registry: Session;

  beforeAll(async () => {
    world = await startWorld('rvp-portal-');
    context = await world.browser.newContext({ locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
    page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    professional = await Session.open(world.browser, world.chain.dossierUrl);
    await professional.signIn(`${organisations[0]!.ura}-verpleegkundige`);
    registry = await Session.open(world.browser, world.chain.registryUrl);
    await registry.signIn('rivm-medewerker');
  });
  afterAll(async () => {
    await professional?.close();
    await registry?.close();
    await context?.close();
    await world?.close();
  });

  const daanDecision = async () => {
    const clients = await professional.get<{ items: Array<{ id: string }> }>(
      '/api/clients?search=Daan%20Jansen',
    );
    expect(clients.items).toHaveLength(1);
    const consent = await professional.get<{
      evaluation: { decision: string };
      records: Array<{ method: string }>;
    }>(`/api/clients/${clients.items[0]!.id}/consent`);
    return consent;
  };

  it('signs a parent in with DigiD (OpenID Connect) and shows only the consent part per child', async () => {
    await page.goto(world.chain.portalUrl);
    await page.getByRole('heading', { name: 'Mijn vaccinaties', level: 1 }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Inloggen met DigiD' }).click();
    await page.waitForURL(`${world.chain.oidcIssuer}/**`);
    await page.getByRole('button', { name: DEMO_FAMILY.mila }).click();
    await page.getByTestId('signed-in').waitFor();
    await expect.poll(() => page.getByTestId('consent-card').count()).toBe(3);
    await page.getByTestId('own-choice').first().waitFor();
    const daan = page.getByRole('article', { name: 'Daan Jansen (7 jaar)' });
    await expect.poll(() => daan.getByTestId('own-choice').textContent()).toContain('nog geen keuze');
    // 12–15: Mila sees only her own choice, never the decision that includes Sara's.
    const sara = page.getByRole('article', { name: /Sara Jansen/ });
    await sara.getByTestId('own-choice').waitFor();
    expect(await sara.getByTestId('decision').count()).toBe(0);
    // 16+: the youth decides alone; no buttons for the parent.
    const noah = page.getByRole('article', { name: /Noah Jansen/ });
    expect(await noah.textContent()).toContain('Vanaf 16 jaar beslist uw kind zelf');
    expect(await noah.getByRole('button').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('gives and withdraws consent for a child under 12; the dossier decision follows', async () => {
    const daan = page.getByRole('article', { name: 'Daan Jansen (7 jaar)' });
    await daan.getByRole('button', { name: 'Ja, ik geef toestemming' }).click();
    await expect.poll(() => daan.getByTestId('decision').textContent()).toContain('worden met naam gedeeld');
    const given = await daanDecision();
    expect(given.evaluation.decision).toBe('toestemming');
    expect(given.records.at(-1)!.method).toBe('portal');

    await daan.getByRole('button', { name: 'Toestemming intrekken' }).click();
    await expect.poll(() => daan.getByTestId('decision').textContent()).toContain('niet met naam gedeeld');
    expect((await daanDecision()).evaluation.decision).toBe('geen-toestemming');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('moves the teenager’s campaign appointment; the registry reports uptake without overbooking', async () => {
    const card = page.getByTestId('appointment-card').filter({ hasText: 'Sara Jansen' });
    await card.waitFor();
    const before = await card.getByTestId('appointment').textContent();
    await card.getByRole('button', { name: /Afspraak (verzetten|maken)/ }).click();
    const select = card.getByLabel('Kies een nieuw tijdstip');
    await select.waitFor();
    const options = await select
      .locator('option')
      .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value).filter(Boolean));
    await select.selectOption(options.at(-1)!);
    expect(await axeViolations(page)).toEqual([]);
    await card.getByRole('button', { name: 'Bevestigen' }).click();
    await card.getByText('Uw afspraak is verzet.').waitFor();
    await expect.poll(() => card.getByTestId('appointment').textContent()).not.toBe(before);
    expect(await card.getByTestId('appointment').textContent()).toMatch(
      /Uw afspraak: \d\d-\d\d-\d{4} om \d\d:\d\d uur/,
    );

    const campaigns = await registry.get<{ items: Array<{ id: string }> }>('/api/campaigns');
    const campaign = await registry.get<{ slots: Array<{ booked: number; capacity: number }> }>(
      `/api/campaigns/${campaigns.items[0]!.id}`,
    );
    expect(campaign.slots.every((s) => s.booked <= s.capacity)).toBe(true);
    const uptake = await registry.get<{
      groups: Array<{ group: string; invited: number; attended: number }>;
      appointments: { booked: number; moved: number };
    }>(`/api/campaigns/${campaigns.items[0]!.id}/uptake`);
    expect(uptake.groups.map((g) => g.group)).toEqual(['appointment', 'plain']);
    expect(uptake.groups.reduce((n, g) => n + g.invited, 0)).toBeGreaterThan(0);
    expect(uptake.appointments.booked).toBeGreaterThan(0);
    // The registry's staff screen reports the same uptake.
    await registry.page.goto(`${world.chain.registryUrl}/#/campaigns`);
    const table = registry.page.getByTestId('uptake');
    await table.waitFor();
    const rows = await table.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('Met afspraak in de uitnodiging');
    expect(rows[0]).toContain(String(uptake.groups[0]!.invited));
    expect(rows[1]).toContain('vergelijkingsgroep');
    expect(errors).toEqual([]);
  });

  it('staff create a campaign, invite, remind and record attendance on the location screen', async () => {
    const staff = registry.page;
    await registry.open('rivm-medewerker', '#/campaigns');
    await staff.getByRole('button', { name: 'Campagne aanmaken' }).click();
    const form = staff.getByRole('form', { name: 'Nieuwe campagne' });
    await form.getByLabel('Naam', { exact: true }).fill('Inhaalronde iedereen');
    await form.getByLabel('Omschrijving (staat in de brief)').fill('Een inhaalprik voor wie er een mist.');
    await form.getByLabel('Leeftijd vanaf (jaar)').fill('0');
    await form.getByLabel('Vergelijkingsgroep (% gewone uitnodiging)').fill('30');
    await form.getByLabel('Naam locatie').fill('Sporthal Noord');
    await form.getByLabel('Adres').fill('Sportlaan 1, Groningen');
    await form.getByLabel('Eerste dag').fill(today(1));
    await form.getByLabel('Aantal dagen').fill('2');
    await form.getByLabel('Open van').fill('09:00');
    await form.getByLabel('Open tot').fill('10:00');
    await form.getByLabel('Tijdvak (minuten)').fill('30');
    await form.getByLabel('Capaciteit per tijdvak').fill('5');
    await form.getByRole('button', { name: 'Campagne opslaan' }).click();
    await staff.getByText('Campagne ‘Inhaalronde iedereen’ is aangemaakt.').waitFor();

    const block = staff.getByTestId('campaign').filter({ hasText: 'Inhaalronde iedereen' });
    await block.getByRole('button', { name: 'Uitnodigingen versturen' }).click();
    const invited = await block.getByRole('status').textContent();
    // 2 days × 2 slots × 5 places = 20 appointments at most; nobody is overbooked.
    const [, eligible, appointments] = /([\d.]+) personen uitgenodigd: (\d+) met een afspraak/.exec(
      invited!,
    )!;
    expect(Number(eligible!.replaceAll('.', ''))).toBeGreaterThan(20);
    expect(Number(appointments)).toBe(20);
    await block.getByRole('button', { name: 'Herinneringen versturen' }).click();
    // Appointments tomorrow and the day after are inside the default window of 3 days.
    await expect.poll(() => block.getByRole('status').textContent()).toContain('20 herinneringen verstuurd.');
    expect(await axeViolations(staff)).toEqual([]);

    const campaigns = await registry.get<{ items: Array<{ id: string; name: string }> }>('/api/campaigns');
    const id = campaigns.items.find((c) => c.name === 'Inhaalronde iedereen')!.id;
    const found = await registry.get<{
      items: Array<{ invitationId: string; name: string; bsn: string; group: string; attended: boolean }>;
    }>(`/api/campaigns/${id}/invitations?search=Jansen`);
    const scanned = found.items.find((i) => i.group === 'appointment') ?? found.items[0]!;
    const searched = found.items.find((i) => i.invitationId !== scanned.invitationId)!;

    await block.getByRole('link', { name: 'Locatiescherm: opkomst registreren' }).click();
    await staff.getByRole('heading', { name: 'Locatiescherm: Inhaalronde iedereen', level: 1 }).waitFor();
    const uptake = staff.getByTestId('uptake');
    const attended = async () =>
      (await uptake.locator('tbody tr td:nth-child(3)').allTextContents()).reduce((n, t) => n + Number(t), 0);
    await expect.poll(attended).toBe(0);
    // A handheld scanner types the barcode into the focused field and presses Enter.
    const field = staff.getByLabel('Streepjescode, BSN of naam');
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await staff.keyboard.type(scanned.invitationId);
    await staff.keyboard.press('Enter');
    await staff.getByText(`Opkomst geregistreerd: ${scanned.name}.`).waitFor();
    await expect.poll(attended).toBe(1);
    expect(await field.inputValue()).toBe('');

    await field.fill(searched.name);
    await field.press('Enter');
    await staff.getByTestId('invitation-results').waitFor();
    expect(await axeViolations(staff)).toEqual([]);
    // Namesakes are told apart by BSN and birth date in the row.
    await staff
      .getByTestId('invitation-results')
      .getByRole('row')
      .filter({ hasText: dottedBsn(searched.bsn) })
      .getByRole('button', { name: `Aanwezig: ${searched.name}` })
      .click();
    await staff.getByText(`Opkomst geregistreerd: ${searched.name}.`).waitFor();
    await expect.poll(attended).toBe(2);

    // Scanning the same letter again shows the person as already there; nothing is counted twice.
    await field.fill(scanned.invitationId);
    await field.press('Enter');
    await staff.getByTestId('invitation-results').getByText('Geweest').waitFor();
    expect(await attended()).toBe(2);
    const report = await registry.get<{ groups: Array<{ attended: number }> }>(`/api/campaigns/${id}/uptake`);
    expect(report.groups.reduce((n, g) => n + g.attended, 0)).toBe(2);
    expect(registry.errors).toEqual([]);
  });
});
