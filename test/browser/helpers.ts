/**
 * Shared by the browser tests of vaccinations and isolation: the real chain with a small demo
 * population, Chromium, and sign-in through the API (the sign-in page itself is covered by
 * pages.test.ts). Not a test file itself (vitest collects `*.test.ts`).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
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
import { expect } from 'vitest';
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

async function ensureWebBuild(): Promise<void> {
  const built = ['dossier', 'registry'].every((app) =>
    existsSync(path.join(repoDir, 'dist', 'web', app, 'index.html')),
  );
  if (built) return;
  const { build } = await import('vite');
  await build({ configFile: path.join(repoDir, 'src', 'web', 'vite.config.ts'), logLevel: 'warn' });
}

export type Chain = Awaited<ReturnType<typeof startChain>>;

export interface World {
  chain: Chain;
  browser: Browser;
  close(): Promise<void>;
}

/** Both services on PGlite with `demoSize` demo persons, and a headless Chromium. */
export async function startWorld(prefix: string, demoSize = 300): Promise<World> {
  await ensureWebBuild();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), prefix));
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
