import { resolve } from 'node:path';
import type { DatabaseBackend } from './db/database.js';
import type { ServiceName } from './db/migrate.js';

/** Everything configurable, from the environment (README lists each variable). */
export interface Config {
  dataDir: string;
  host: string;
  ports: Record<ServiceName, number>;
  databaseUrls: Partial<Record<ServiceName, string>>;
  sessionSecret?: string;
  demoSize: number;
  demoSeed: number;
  logLevel: string;
  /** Where the dossier delivers messages (REGISTRY_URL). */
  registryUrl: string;
  /** The JWKS the registry trusts for signed messages (DOSSIER_JWKS_URL). */
  dossierJwksUrl: string;
  nightlyAt: string;
  exchangePollMs: number;
  /** Issue 11: the portal and its sign-in (docs/portal.md); absent = defaults (stand-in, 3003/3004). */
  portal?: PortalConfig;
}

export interface PortalConfig {
  /** RVP_PORTAL_PORT (3003); RVP_OIDC_PORT (3004) for the DigiD stand-in. */
  port: number;
  oidcPort: number;
  /** RVP_OIDC_ISSUER: a real provider; when absent `rvp start` runs the DigiD stand-in. */
  issuer?: string;
  /** RVP_OIDC_CLIENT_ID / RVP_OIDC_CLIENT_SECRET: the portal's registration at the provider. */
  clientId: string;
  clientSecret?: string;
  /** RVP_PORTAL_SERVICE_SECRET: signs the portal's service tokens to dossier and registry. */
  serviceSecret?: string;
  /** RVP_PORTAL_URL: the portal's public URL (redirect URI); default its listen address. */
  publicUrl?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrls: Partial<Record<ServiceName, string>> = {};
  if (env.DOSSIER_DATABASE_URL) databaseUrls.dossier = env.DOSSIER_DATABASE_URL;
  if (env.REGISTRY_DATABASE_URL) databaseUrls.registry = env.REGISTRY_DATABASE_URL;
  if (databaseUrls.dossier && databaseUrls.dossier === databaseUrls.registry) {
    // Dossier and registry are separate legal entities: never one database.
    throw new Error('DOSSIER_DATABASE_URL and REGISTRY_DATABASE_URL must name different databases');
  }
  return {
    dataDir: resolve(env.RVP_DATA_DIR ?? '.rvp-data'),
    host: env.HOST ?? '127.0.0.1',
    ports: { dossier: port(env.DOSSIER_PORT, 3001), registry: port(env.REGISTRY_PORT, 3002) },
    databaseUrls,
    ...(env.RVP_SESSION_SECRET ? { sessionSecret: env.RVP_SESSION_SECRET } : {}),
    demoSize: positiveInt(env.RVP_DEMO_SIZE, 2000),
    demoSeed: positiveInt(env.RVP_DEMO_SEED, 2025),
    logLevel: env.LOG_LEVEL ?? 'info',
    registryUrl: env.REGISTRY_URL ?? `http://127.0.0.1:${port(env.REGISTRY_PORT, 3002)}`,
    dossierJwksUrl:
      env.DOSSIER_JWKS_URL ?? `http://127.0.0.1:${port(env.DOSSIER_PORT, 3001)}/.well-known/jwks.json`,
    nightlyAt: env.RVP_NIGHTLY_AT ?? '02:00',
    exchangePollMs: positiveInt(env.RVP_EXCHANGE_POLL_SECONDS, 30) * 1000,
    portal: {
      port: port(env.RVP_PORTAL_PORT, 3003),
      oidcPort: port(env.RVP_OIDC_PORT, 3004),
      clientId: env.RVP_OIDC_CLIENT_ID ?? 'open-rvp-portal',
      ...(env.RVP_OIDC_ISSUER ? { issuer: env.RVP_OIDC_ISSUER } : {}),
      ...(env.RVP_OIDC_CLIENT_SECRET ? { clientSecret: env.RVP_OIDC_CLIENT_SECRET } : {}),
      ...(env.RVP_PORTAL_SERVICE_SECRET ? { serviceSecret: env.RVP_PORTAL_SERVICE_SECRET } : {}),
      ...(env.RVP_PORTAL_URL ? { publicUrl: env.RVP_PORTAL_URL.replace(/\/$/, '') } : {}),
    },
  };
}

/** The database of one service: its PostgreSQL URL when set, otherwise PGlite under the data dir. */
export function backendFor(
  config: Pick<Config, 'dataDir' | 'databaseUrls'>,
  service: ServiceName,
): DatabaseBackend {
  const url = config.databaseUrls[service];
  return url ? { kind: 'postgres', url } : { kind: 'pglite', dataDir: resolve(config.dataDir, service) };
}

function port(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port: ${value}`);
  return n;
}

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`invalid number: ${value}`);
  return n;
}
