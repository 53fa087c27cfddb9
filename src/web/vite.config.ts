/**
 * Vite build for the two front ends: the dossier (DD JGZ) and the registry (Register RVP).
 *
 * Layout of the output, one self-contained folder per service:
 *
 *   dist/web/dossier/index.html    dist/web/dossier/assets/*    (served by the dossier service at `/`)
 *   dist/web/registry/index.html   dist/web/registry/assets/*   (served by the registry service at `/`)
 *
 * Why two builds and not one multi-page build: a multi-page build puts the code both pages share
 * (React, the shared components) in ONE `assets/` folder next to the two app folders, so a service that
 * statically serves only `dist/web/<service>/` could not reach it. Each app is therefore built on its
 * own, with its own root (`src/web/<app>`), its own `outDir` (`dist/web/<app>`) and `base: './'`, so
 * every URL in the HTML and CSS is relative (`./assets/…`) and the app works under any path prefix.
 *
 * One command builds both: `vite build --config src/web/vite.config.ts` builds the dossier, and a small
 * plugin starts the registry build when the dossier build is done. To build one app only, set
 * `RVP_WEB_APP=dossier` or `RVP_WEB_APP=registry`.
 *
 * Development: `RVP_WEB_APP=registry vite --config src/web/vite.config.ts` serves one app (default:
 * dossier) with hot reload and proxies `/api`, `/docs`, `/openapi.json` and `/health` to the running
 * service (`RVP_API_URL`, default http://127.0.0.1:3001 for the dossier, :3002 for the registry).
 *
 * No @vitejs/plugin-react: esbuild compiles the JSX with the automatic runtime.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { build, defineConfig, type InlineConfig, type Plugin } from 'vite';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(webDir, '..', '..');

export const WEB_APPS = ['dossier', 'registry', 'portal'] as const;
export type WebApp = (typeof WEB_APPS)[number];

function isWebApp(value: string | undefined): value is WebApp {
  return value !== undefined && (WEB_APPS as readonly string[]).includes(value);
}

/** The complete Vite configuration of one app; used for the CLI build and the nested build alike. */
export function appConfig(app: WebApp, plugins: Plugin[] = []): InlineConfig {
  // `rvp start` listens on 3001 (dossier) and 3002 (registry) by default.
  const apiUrl =
    process.env.RVP_API_URL ??
    `http://127.0.0.1:${app === 'dossier' ? 3001 : app === 'registry' ? 3002 : 3003}`;
  return {
    configFile: false,
    root: path.join(webDir, app),
    base: './',
    publicDir: false,
    esbuild: { jsx: 'automatic' },
    plugins,
    build: {
      outDir: path.join(repoDir, 'dist', 'web', app),
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      chunkSizeWarningLimit: 1000,
      rollupOptions: { input: path.join(webDir, app, 'index.html') },
    },
    server: {
      // The shared code lives in src/web/shared, outside the app root.
      fs: { allow: [webDir, path.join(repoDir, 'node_modules')] },
      proxy: Object.fromEntries(
        ['/api', '/docs', '/openapi.json', '/health'].map((prefix) => [
          prefix,
          { target: apiUrl, changeOrigin: true },
        ]),
      ),
    },
  };
}

/** Runs the build of the other apps once the first one has been written. */
function buildRemainingApps(apps: readonly WebApp[]): Plugin {
  return {
    name: 'open-rvp:build-remaining-apps',
    apply: 'build',
    async closeBundle(error?: Error) {
      if (error) return;
      for (const app of apps) await build(appConfig(app));
    },
  };
}

export default defineConfig(({ command }) => {
  const selected = process.env.RVP_WEB_APP;
  if (selected !== undefined && !isWebApp(selected)) {
    throw new Error(`RVP_WEB_APP must be one of ${WEB_APPS.join(', ')}, not "${selected}"`);
  }
  if (selected !== undefined || command === 'serve') {
    const { configFile: _configFile, ...config } = appConfig(selected ?? 'dossier');
    return config;
  }
  const [first, ...rest] = WEB_APPS;
  const { configFile: _configFile, ...config } = appConfig(first, [buildRemainingApps(rest)]);
  return config;
});
