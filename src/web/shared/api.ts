/**
 * A small client for the open-rvp HTTP API, shared by the dossier and the registry front ends.
 *
 * Every request goes to the page's own origin (`credentials: 'same-origin'`, the session is an
 * httpOnly cookie). Paths are relative (`api/clients`), like the asset URLs (`base: './'`), so an app
 * also works when a proxy mounts its service under a path prefix; at `/` they resolve to `/api/…`. Errors arrive as RFC 9457 problem documents (`application/problem+json`) and are
 * thrown as {@link ApiError}; a 401 also notifies the session layer, which shows the sign-in page.
 */

export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }
}

export interface Organisation {
  /** URA number; null for staff of an organisation without one (e.g. a municipality at the registry). */
  ura: string | null;
  name: string;
}

/** A staff user as the session endpoints return it. The services send `userId`; `id` is accepted too. */
export interface User {
  userId?: string;
  id?: string;
  name: string;
  role: string;
  organisation: Organisation;
  /** Municipality officers at the registry: the municipality whose aggregates they may see. */
  municipalityCode?: string | null;
}

export function userIdOf(user: User): string {
  return user.userId ?? user.id ?? '';
}

export interface SessionResponse {
  user: User;
  /** Sent back as `x-csrf-token` with every state-changing request, when the service issues one. */
  csrfToken?: string;
}

export const CSRF_HEADER = 'x-csrf-token';
let csrfToken: string | null = null;

function rememberSession(session: SessionResponse): User {
  csrfToken = session.csrfToken ?? null;
  return session.user;
}

export interface ListResponse<T> {
  items: T[];
}

export interface PageResponse<T> extends ListResponse<T> {
  total: number;
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called on every 401 from an API call (except the session probe itself); returns an unsubscribe. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFieldError(value: unknown): value is FieldError {
  return (
    isRecord(value) &&
    typeof value.field === 'string' &&
    typeof value.rule === 'string' &&
    typeof value.message === 'string'
  );
}

const statusTitles: Record<number, string> = {
  400: 'Ongeldige invoer',
  401: 'Niet aangemeld',
  403: 'Geen toegang',
  404: 'Niet gevonden',
  409: 'Conflict',
  422: 'De gegevens kloppen niet',
  429: 'Te veel verzoeken',
  500: 'Fout in de server',
  502: 'Server niet bereikbaar',
  503: 'Dienst niet beschikbaar',
};

/** Turns any error body into a {@link Problem}; the server's problem+json is kept as it is. */
export function toProblem(status: number, body: unknown, statusText = ''): Problem {
  const fallbackTitle = statusTitles[status] ?? (statusText || `HTTP-fout ${status}`);
  if (!isRecord(body)) return { type: 'about:blank', title: fallbackTitle, status };
  const problem: Problem = {
    type: typeof body.type === 'string' ? body.type : 'about:blank',
    title: typeof body.title === 'string' ? body.title : fallbackTitle,
    status: typeof body.status === 'number' ? body.status : status,
  };
  if (typeof body.detail === 'string') problem.detail = body.detail;
  else if (typeof body.message === 'string') problem.detail = body.message;
  if (Array.isArray(body.errors)) problem.errors = body.errors.filter(isFieldError);
  return problem;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
  /** Don't notify the session layer on 401 (used by the session probe). */
  quietUnauthorized?: boolean;
}

export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** Performs an API request and returns the parsed JSON body (or `undefined` for 204). */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const init: RequestInit = {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers,
  };
  if (options.signal) init.signal = options.signal;
  if (init.method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      type: 'about:blank',
      title: 'Geen verbinding',
      status: 0,
      detail: 'De server is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.',
    });
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }

  if (!response.ok) {
    const problem = toProblem(response.status, body, response.statusText);
    if (response.status === 401 && !options.quietUnauthorized) {
      for (const listener of unauthorizedListeners) listener();
    }
    throw new ApiError(problem);
  }
  return body as T;
}

// Session endpoints, the same on both services.

export async function getSession(signal?: AbortSignal): Promise<User | null> {
  try {
    const session = await request<SessionResponse>('api/session', { signal, quietUnauthorized: true });
    return rememberSession(session);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function getDemoUsers(signal?: AbortSignal): Promise<User[]> {
  const list = await request<ListResponse<User>>('api/demo-users', { signal });
  return list.items;
}

export async function signIn(userId: string, password: string): Promise<User> {
  const session = await request<SessionResponse>('api/session', {
    method: 'POST',
    body: { userId, password },
    quietUnauthorized: true, // a wrong password is a 401 too; it is shown on the sign-in page
  });
  return rememberSession(session);
}

export async function signOut(): Promise<void> {
  await request<void>('api/session', { method: 'DELETE', quietUnauthorized: true });
  csrfToken = null;
}
