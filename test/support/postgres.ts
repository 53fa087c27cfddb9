/** Shared by the test helpers and the global set-up (which must not import `vitest`). */
import type { ServiceName } from '../../src/db/migrate.js';

/** The local server for tests; CI starts it. A throwaway database is created per test database. */
export const TEST_POSTGRES_URL =
  process.env.RVP_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Migrated templates made once per test run by test/support/global-setup.ts (db project only). */
export interface DatabaseTemplates {
  /** A dumped, migrated PGlite data dir per service (a file path). */
  pglite: Record<ServiceName, string>;
  /** A migrated database on the local server per service, to `create database … template` from. */
  postgres: Record<ServiceName, string>;
}
