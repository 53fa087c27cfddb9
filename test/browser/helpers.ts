/**
 * Shared by the browser tests of vaccinations and isolation: the real chain with a small demo
 * population, Chromium, and sign-in through the API (the sign-in page itself is covered by
 * pages.test.ts). Not a test file itself (vitest collects `*.test.ts`).
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Page,
} from 'playwright-core';
import { expect, inject } from 'vitest';
import { startChain } from '../../src/chain.js';
import { DEMO_PASSWORD } from '../../src/demo/load.js';

const repoDir = fileURLToPath(new URL('../../', import.meta.url));
const executablePath = process.env.RVP_CHROMIUM ?? '/usr/bin/chromium';

export interface DemoUser {
  userId?: string;
  id?: string;
  name: string;
  role: string;
  organisation: { ura: string | null; name: string };
}

export interface ClientSummary {
  id: string;
  bsn: string | null;
  givenName: string;
  prefix: string | null;
  familyName: string;
  birthDate: string;
  kind: 'youth' | 'client';
}

export const userIdOf = (user: DemoUser): string => user.userId ?? user.id ?? '';

export const fullName = (c: { givenName: string; prefix: string | null; familyName: string }): string =>
  [c.givenName, c.prefix, c.familyName].filter(Boolean).join(' ');

/** Today in the Netherlands, as the services count days. */
export function today(offsetDays = 0): string {
  const date = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(date);
}

/** `2026-03-15` → `15-03-2026`. */
export const dutch = (iso: string): string => iso.split('-').reverse().join('-');

/** `123456782` → `1234.56.782`, as the app shows a BSN. */
export const dottedBsn = (bsn: string): string => `${bsn.slice(0, 4)}.${bsn.slice(4, 6)}.${bsn.slice(6)}`;

export async function ensureWebBuild(): Promise<void> {
  const built = ['dossier', 'registry', 'portal'].every((app) =>
    existsSync(path.join(repoDir, 'dist', 'web', app, 'index.html')),
  );
  if (built) return;
  const { build } = await import('vite');
  await build({ configFile: path.join(repoDir, 'src', 'web', 'vite.config.ts'), logLevel: 'warn' });
}

/**
 * A fresh data dir with both databases migrated and the demo of `demoSize` loaded. Loading the demo
 * (initdb of two PGlite databases, migrations, demo data) is most of a browser file's set-up, so it is
 * done once per size per test run (global-setup.ts gives the run its own template folder) and copied.
 */
export async function demoDataDir(prefix: string, demoSize: number): Promise<string> {
  const template = path.join(inject('browserTemplates'), `demo-${demoSize}`);
  if (!existsSync(path.join(template, '.ready'))) {
    await rm(template, { recursive: true, force: true });
    await mkdir(template, { recursive: true });
    const chain = await startChain({
      dataDir: template,
      dossierPort: 0,
      registryPort: 0,
      demoSize,
      log: false,
    });
    await chain.close();
    await writeFile(path.join(template, '.ready'), '');
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await cp(template, dataDir, { recursive: true });
  return dataDir;
}

/** The registry's main menu for registry staff, in order. */
export const REGISTRY_STAFF_MENU = [
  'Bevolking per gemeente',
  'Vaccinatiegraad',
  'Rapportages',
  'Vaccinvoorraad',
  'Werklijst berichten',
  'Formulieren zonder BSN',
  'Persoon zoeken',
  'Uitnodigingsruns',
  'Campagnes',
];

/** A municipality officer sees aggregate pages only. */
export const MUNICIPALITY_MENU = ['Bevolking per gemeente', 'Vaccinatiegraad', 'Rapportages'];

export type Chain = Awaited<ReturnType<typeof startChain>>;

export interface World {
  chain: Chain;
  browser: Browser;
  close(): Promise<void>;
}

/** Both services on PGlite with `demoSize` demo persons, and a headless Chromium. */
export async function startWorld(prefix: string, demoSize = 300): Promise<World> {
  await ensureWebBuild();
  const dataDir = await demoDataDir(prefix, demoSize);
  const chain = await startChain({ dataDir, dossierPort: 0, registryPort: 0, demoSize, log: false });
  const browser = await chromium.launch({
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
  return {
    chain,
    browser,
    close: async () => {
      await browser.close();
      await chain.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A browser context for one service: a page (uncaught errors land in `errors`) and an API client that
 * shares the page's cookies. The dossier and the registry both run on 127.0.0.1, and cookies do not
 * look at the port, so each service gets a context of its own.
 */
export class Session {
  readonly errors: string[] = [];
  csrfToken = '';

  private constructor(
    readonly baseUrl: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('pageerror', (error) => this.errors.push(error.message));
  }

  static async open(browser: Browser, baseUrl: string): Promise<Session> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'nl-NL',
      timezoneId: 'Europe/Amsterdam',
    });
    return new Session(baseUrl, context, await context.newPage());
  }

  get api(): APIRequestContext {
    return this.context.request;
  }

  url(path: string): string {
    return new URL(path, this.baseUrl).toString();
  }

  /** A fresh session for `user` (a sign-in with an old session cookie would need its CSRF token). */
  async signIn(user: DemoUser | string): Promise<void> {
    await this.context.clearCookies();
    const userId = typeof user === 'string' ? user : userIdOf(user);
    const response = await this.api.post(this.url('/api/session'), {
      data: { userId, password: DEMO_PASSWORD },
    });
    expect(response.status(), await response.text()).toBe(200);
    this.csrfToken = ((await response.json()) as { csrfToken?: string }).csrfToken ?? '';
  }

  /** Signs in and loads `hash` afresh, so that the app reads the new session. */
  async open(user: DemoUser | string, hash: string): Promise<void> {
    await this.signIn(user);
    await this.page.goto('about:blank');
    await this.page.goto(`${this.baseUrl}${hash}`);
  }

  async get<T>(path: string, status = 200): Promise<T> {
    const response = await this.api.get(this.url(path));
    expect(response.status(), `GET ${path}: ${await response.text()}`).toBe(status);
    return (await response.json()) as T;
  }

  async send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, data?: unknown, status?: number) {
    const response = await this.api.fetch(this.url(path), {
      method,
      headers: { 'x-csrf-token': this.csrfToken },
      ...(data === undefined ? {} : { data }),
    });
    if (status !== undefined)
      expect(response.status(), `${method} ${path}: ${await response.text()}`).toBe(status);
    return { status: response.status(), body: (await response.json()) as T };
  }

  /** A full-page screenshot from the top (a fixed, hidden skip link shows up when taken scrolled). */
  async screenshot(file: string, fullPage = true): Promise<void> {
    if (fullPage) await this.page.evaluate(() => window.scrollTo(0, 0));
    await this.page.screenshot({ path: file, fullPage });
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

export async function demoUsers(baseUrl: string): Promise<DemoUser[]> {
  return ((await (await fetch(new URL('/api/demo-users', baseUrl))).json()) as { items: DemoUser[] }).items;
}

/**
 * WCAG 2.1 A/AA checks with axe-core in the page (issue 11). Injected as a script: @axe-core/playwright
 * needs Node 22. Returns the violations (id, impact, the first offending element) for a readable diff.
 */
export async function axeViolations(
  page: Page,
): Promise<Array<{ id: string; impact: string | null; target: string }>> {
  const { default: axe } = await import('axe-core');
  await page.addScriptTag({ content: axe.source });
  return page.evaluate(async () => {
    const w = window as unknown as {
      axe: {
        run(
          context: Document,
          options: object,
        ): Promise<{
          violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }>;
        }>;
      };
    };
    const result = await w.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      target: String(v.nodes[0]?.target[0] ?? ''),
    }));
  });
}
