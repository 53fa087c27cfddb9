/**
 * Hash router: `#/clients?search=jan&page=2`, `#/clients/42`, … A route table maps patterns with
 * `:params` to render functions, so a new page is one more entry (e.g. `/clients/:id/consent`).
 * Hash routing keeps the static hosting trivial: the services serve one index.html per app.
 */
import { useMemo, useSyncExternalStore, type ReactNode } from 'react';

export interface Location {
  /** Path without the `#`, always starting with `/`. */
  path: string;
  query: URLSearchParams;
}

export type Params = Record<string, string>;

export interface Route {
  /** `/clients/:id`; segments starting with `:` capture one path segment. */
  pattern: string;
  render: (params: Params, location: Location) => ReactNode;
}

export type QueryInput = Record<string, string | number | undefined | null>;

/** The last hash that was a route; a plain anchor (`#main`) doesn't change the page. */
let lastRouteHash = '#/';
let navigated = false;

/** True once the route has changed since the page was loaded (used to move the focus). */
export function hasNavigated(): boolean {
  return navigated;
}

function currentRouteHash(): string {
  const hash = window.location.hash;
  if (hash === '' || hash === '#') lastRouteHash = '#/';
  else if (hash.startsWith('#/')) lastRouteHash = hash;
  return lastRouteHash;
}

function subscribe(onChange: () => void): () => void {
  const listener = () => {
    navigated = true;
    onChange();
  };
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function parseHash(hash: string): Location {
  const raw = hash.replace(/^#/, '') || '/';
  const queryStart = raw.indexOf('?');
  const path = queryStart === -1 ? raw : raw.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : raw.slice(queryStart + 1));
  return { path: path.startsWith('/') ? path : `/${path}`, query };
}

export function useLocation(): Location {
  const hash = useSyncExternalStore(subscribe, currentRouteHash, () => '#/');
  return useMemo(() => parseHash(hash), [hash]);
}

/** `href('/clients', { search: 'jan' })` → `#/clients?search=jan`; empty values are left out. */
export function href(path: string, query: QueryInput = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `#${path}${search ? `?${search}` : ''}`;
}

export function navigate(path: string, query: QueryInput = {}, options: { replace?: boolean } = {}): void {
  const target = href(path, query);
  if (target === window.location.hash) return;
  if (options.replace) {
    window.history.replaceState(window.history.state, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = target;
  }
}

export function matchPath(pattern: string, path: string): Params | null {
  const patternParts = pattern.split('/').filter(Boolean);
  const pathParts = path.split('/').filter(Boolean);
  if (patternParts.length !== pathParts.length) return null;
  const params: Params = {};
  for (let i = 0; i < patternParts.length; i++) {
    const expected = patternParts[i] as string;
    const actual = pathParts[i] as string;
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (expected !== actual) {
      return null;
    }
  }
  return params;
}

export function Router({
  routes,
  notFound,
}: {
  routes: Route[];
  notFound: (location: Location) => ReactNode;
}): ReactNode {
  const location = useLocation();
  for (const route of routes) {
    const params = matchPath(route.pattern, location.path);
    if (params) return route.render(params, location);
  }
  return notFound(location);
}
