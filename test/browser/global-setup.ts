/**
 * One template folder per browser test run: helpers.ts keeps a migrated, demo-loaded data dir per demo
 * size there and copies it for each file, instead of loading the same demo again in every file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    browserTemplates: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rvp-browser-templates-'));
  project.provide('browserTemplates', dir);
  return () => rm(dir, { recursive: true, force: true });
}
