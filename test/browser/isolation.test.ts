/**
 * Organisations cannot see each other's clients (SPEC: dossier queries are scoped to the user's
 * organisation; row-level security per organisation). A professional of organisation A opens a child
 * of organisation B by URL — the dossier page and the consent page — and gets "Cliënt niet
 * gevonden", with none of the child's personal data anywhere: not in the page text, not in the
 * document title, not in any answer the page received. The vaccination endpoints refuse too.
 * As a control, B's professional does see the child's name on the same URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Response } from 'playwright-core';
import {
  demoUsers,
  dottedBsn,
  dutch,
  fullName,
  Session,
  startWorld,
  today,
  type DemoUser,
  type World,
} from './helpers.js';

interface ClientSummary {
  id: string;
  bsn: string | null;
  kind: 'youth' | 'client';
}

interface ClientDetail {
  id: string;
  bsn: string | null;
  givenName: string;
  prefix: string | null;
  familyName: string;
  birthDate: string;
  dossierNumber?: string;
  address: { street: string | null; postcode: string | null } | null;
  custodians: { givenName: string; prefix: string | null; familyName: string }[];
}

let world: World;
let session: Session;
let userA: DemoUser;
let userB: DemoUser;
/** B's child, as B sees it. */
let child: ClientDetail;
/** A vaccination in B's dossier of the child. */
let vaccinationId: string;

/** What must not reach A: the child's name, BSN (plain and dotted), birth date, dossier number, … */
function secrets(): string[] {
  const values = [
    fullName(child),
    `${child.givenName} ${child.familyName}`,
    dutch(child.birthDate),
    child.birthDate,
  ];
  if (child.bsn) values.push(child.bsn, dottedBsn(child.bsn));
  if (child.dossierNumber) values.push(child.dossierNumber);
  if (child.address?.street) values.push(child.address.street);
  for (const custodian of child.custodians) values.push(fullName(custodian));
  return values.filter((value) => value.length >= 4);
}

/**
 * Opens `hash` as `user`, collects the body of every API answer the page gets, and waits until the
 * page has settled on `heading`.
 */
async function visit(
  user: DemoUser,
  hash: string,
  heading: string,
): Promise<{ text: string; answers: string }> {
  const bodies: Promise<string>[] = [];
  const collect = (response: Response) => {
    if (response.url().includes('/api/')) bodies.push(response.text().catch(() => ''));
  };
  session.page.on('response', collect);
  try {
    await session.open(user, hash);
    await session.page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
    await session.page.waitForLoadState('networkidle');
  } finally {
    session.page.off('response', collect);
  }
  const text = await session.page.evaluate(() => `${document.title}\n${document.body.innerText}`);
  return { text, answers: (await Promise.all(bodies)).join('\n') };
}

beforeAll(async () => {
  world = await startWorld('rvp-isolation-');
  session = await Session.open(world.browser, world.chain.dossierUrl);
  const professionals = (await demoUsers(world.chain.dossierUrl)).filter(
    (u) => u.role === 'jgz-professional',
  );
  const [a, b] = [...new Map(professionals.map((u) => [u.organisation.ura, u])).values()];
  if (!a || !b) throw new Error('the demo data needs professionals of two organisations');
  userA = a;
  userB = b;

  // B's child (with a BSN and custodians where there is one), as B sees it, with a vaccination.
  await session.signIn(userB);
  const clients = (await session.get<{ items: ClientSummary[] }>('/api/clients?limit=500')).items;
  const youth = clients.filter((c) => c.kind === 'youth' && c.bsn);
  expect(youth.length).toBeGreaterThan(0);
  let chosen: ClientDetail | undefined;
  for (const candidate of youth.slice(0, 20)) {
    const detail = await session.get<ClientDetail>(`/api/clients/${candidate.id}`);
    chosen ??= detail;
    if (detail.custodians.length > 0) {
      chosen = detail;
      break;
    }
  }
  child = chosen!;
  const recorded = await session.send<{ vaccinations: { id: string }[] }>(
    'POST',
    `/api/clients/${child.id}/activities`,
    {
      activityType: '01',
      activityDate: today(),
      vaccinations: [
        {
          vaccineType: '04',
          date: today(),
          batchNumber: 'ISO-1',
          performer: 'Organisatie B',
          location: 'Consultatiebureau B',
        },
      ],
    },
    201,
  );
  vaccinationId = recorded.body.vaccinations[0]!.id;
});

afterAll(async () => {
  await session?.close();
  await world?.close();
});

describe('isolation between organisations', () => {
  it('B sees the child (the control: the check below would find the name)', async () => {
    const { text } = await visit(userB, `#/clients/${child.id}`, fullName(child));
    expect(text).toContain(fullName(child));
    if (child.bsn) expect(text).toContain(dottedBsn(child.bsn));
    expect(session.errors).toEqual([]);
  });

  it('A opens B’s child by URL: not found, and nothing of the child on the page', async () => {
    for (const hash of [`#/clients/${child.id}`, `#/clients/${child.id}/consent`]) {
      const { text, answers } = await visit(userA, hash, 'Cliënt niet gevonden');
      expect(text).toContain('Deze cliënt bestaat niet of is niet in zorg bij uw organisatie.');
      for (const secret of secrets()) {
        expect(text, `${hash}: page shows "${secret}"`).not.toContain(secret);
        expect(answers, `${hash}: an API answer contains "${secret}"`).not.toContain(secret);
      }
      // Nothing of the dossier is rendered: no sections, no forms, no vaccinations.
      await expect(session.page.getByRole('heading', { level: 2 }).count()).resolves.toBe(0);
      await expect(session.page.getByRole('form').count()).resolves.toBe(0);
      await session.screenshot(`/tmp/rvp-isolation-${hash.endsWith('consent') ? 'consent' : 'client'}.png`);
    }
    expect(session.errors).toEqual([]);
  });

  it('A gets 404 from every endpoint of B’s child and cannot change B’s vaccination', async () => {
    await session.signIn(userA);
    for (const path of [
      `/api/clients/${child.id}`,
      `/api/clients/${child.id}/consent`,
      `/api/clients/${child.id}/consent/history`,
      `/api/clients/${child.id}/activities`,
      `/api/clients/${child.id}/vaccination-status`,
    ]) {
      const body = JSON.stringify(await session.get(path, 404));
      for (const secret of secrets()) expect(body).not.toContain(secret);
    }
    const patched = await session.send('PATCH', `/api/vaccinations/${vaccinationId}`, {
      batchNumber: 'HACK',
    });
    expect(patched.status).toBe(404);
    const cancelled = await session.send('DELETE', `/api/vaccinations/${vaccinationId}`);
    expect(cancelled.status).toBe(404);
    const recorded = await session.send('POST', `/api/clients/${child.id}/activities`, {
      activityType: '01',
      activityDate: today(),
      vaccinations: [{ vaccineType: '04', date: today(), batchNumber: 'X', performer: 'A', location: 'A' }],
    });
    expect(recorded.status).toBe(404);
    // A's client list knows nothing of B's child.
    const list = JSON.stringify(
      await session.get(`/api/clients?search=${encodeURIComponent(child.familyName)}`),
    );
    expect(list).not.toContain(child.id);

    // B's vaccination is unchanged.
    await session.signIn(userB);
    const activities = await session.get<{
      items: { version: number; vaccinations: { batchNumber: string; status: string }[] }[];
    }>(`/api/clients/${child.id}/activities`);
    expect(activities.items).toHaveLength(1);
    expect(activities.items[0]!.version).toBe(1);
    expect(activities.items[0]!.vaccinations[0]).toMatchObject({ batchNumber: 'ISO-1', status: 'active' });
  });
});
