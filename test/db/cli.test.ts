import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The CLI from source through tsx, so the test needs no build; `npm start` runs the same code compiled.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];
const FIXTURE = join(ROOT, '../shared/fixtures/consent-use-cases.json');

const rvp = (...args: string[]) =>
  spawnSync(process.execPath, [...CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });

describe('rvp command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rvp-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists its commands', () => {
    const help = rvp('--help');
    expect(help.status).toBe(0);
    for (const command of ['start', 'serve', 'migrate', 'demo-data', 'consent'])
      expect(help.stdout).toContain(command);
  });

  it('migrates both databases, then loads demo data once', () => {
    const data = join(dir, 'migrate');
    const migrate = rvp('migrate', '--data-dir', data);
    expect(migrate.stderr).toBe('');
    expect(migrate.stdout).toMatch(/dossier: \d+ migrations in place \(pglite\)/);
    expect(migrate.stdout).toMatch(/registry: \d+ migrations in place \(pglite\)/);
    const demo = rvp('demo-data', '--data-dir', data, '--size', '40', '--reference-date', '2026-11-23');
    expect(demo.status).toBe(0);
    expect(demo.stdout).toMatch(/demo-data: 40 clients/);
    const verify = rvp('audit', 'verify', '--data-dir', data);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(/dossier: \d+ entries, chain intact/);
    const again = rvp('demo-data', '--data-dir', data, '--size', '40');
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/already has data/);
  });

  it('evaluates the nine Nictiz use cases', () => {
    const result = rvp('consent', 'evaluate', FIXTURE);
    expect(result.status).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; decision: string });
    expect(lines.map((l) => l.id)).toEqual(['uc1', 'uc2', 'uc3', 'uc4', 'uc5', 'uc6', 'uc7', 'uc8', 'uc9']);
  });

  it('starts the whole chain, serves both services, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        ...CLI,
        'start',
        '--data-dir',
        join(dir, 'chain'),
        '--dossier-port',
        '0',
        '--registry-port',
        '0',
        '--size',
        '30',
      ],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn' } },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 90_000;
    while (!/Register \(RVP\): (\S+)\//.test(out) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const dossierUrl = /Dossier \(JGZ\):\s+(\S+)\//.exec(out)?.[1];
    const registryUrl = /Register \(RVP\):\s+(\S+)\//.exec(out)?.[1];
    expect(dossierUrl, out).toBeTruthy();
    expect(out).toMatch(/demo data: 30 clients loaded/);
    for (const url of [dossierUrl, registryUrl]) {
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
