/**
 * The portal's client for its own API (same origin, httpOnly session cookie from the DigiD sign-in).
 * Errors arrive as RFC 9457 problem documents and are thrown as ApiError.
 */
import { ApiError, CSRF_HEADER, toProblem } from '../shared/api.js';

let csrfToken: string | null = null;

export interface PortalSession {
  bsnEnd: string;
  csrfToken: string;
}

export interface Subject {
  clientId: string;
  name: string;
  birthDate: string;
  age: number;
  capacity: 'self' | 'custodian';
  organisation: string;
  mayRegister: boolean;
  explanation: string;
}

export interface ConsentView {
  subject: Subject;
  own: { agreed: boolean; date: string; source: string } | null;
  decision: 'toestemming' | 'geen-toestemming' | null;
  others: Array<{ name: string; agreed: boolean; date: string }>;
}

export interface Invitation {
  invitationId: string;
  campaign: { id: string; name: string; description: string };
  person: { name: string; self: boolean };
  group: 'appointment' | 'plain';
  sentBy: string;
  appointment: { slotId: string; location: string; address: string; date: string; time: string } | null;
  attended: boolean;
}

export interface Slot {
  id: string;
  location: string;
  address: string;
  date: string;
  time: string;
  capacity: number;
  booked: number;
}

export interface CertificatePerson {
  personId: string;
  name: string;
  age: number;
  self: boolean;
}

async function call<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError({
      type: 'about:blank',
      title: 'Geen verbinding',
      status: 0,
      detail: 'Probeer het opnieuw.',
    });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) throw new ApiError(toProblem(response.status, parsed, response.statusText));
  return parsed as T;
}

export async function getSession(): Promise<PortalSession | null> {
  try {
    const session = await call<PortalSession>('api/session');
    csrfToken = session.csrfToken;
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signOut(): Promise<string | null> {
  const result = await call<{ logoutUrl: string | null }>('api/session', 'DELETE');
  csrfToken = null;
  return result.logoutUrl;
}

export const getSubjects = () => call<{ items: Subject[] }>('api/subjects').then((r) => r.items);
export const getConsent = (clientId: string) => call<ConsentView>(`api/subjects/${clientId}/consent`);
export const setConsent = (clientId: string, agreed: boolean) =>
  call<ConsentView & { repairsQueued: number }>(`api/subjects/${clientId}/consent`, 'POST', { agreed });
export const getInvitations = () => call<{ items: Invitation[] }>('api/invitations').then((r) => r.items);
export const getSlots = (invitationId: string) =>
  call<{ items: Slot[] }>(`api/invitations/${invitationId}/slots`).then((r) => r.items);
export const moveAppointment = (invitationId: string, slotId: string) =>
  call<{ appointmentId: string }>(`api/invitations/${invitationId}/appointment`, 'POST', { slotId });
export const cancelAppointment = (invitationId: string) =>
  call<void>(`api/invitations/${invitationId}/appointment`, 'DELETE');
export const getPersons = () => call<{ items: CertificatePerson[] }>('api/persons').then((r) => r.items);

/** Downloads the certificate PDF (a POST: it is recorded), or throws the refusal as a problem. */
export async function downloadCertificate(personId: string): Promise<Blob> {
  const response = await fetch(`api/persons/${personId}/certificate`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: csrfToken ? { [CSRF_HEADER]: csrfToken } : {},
  });
  if (!response.ok) {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    throw new ApiError(toProblem(response.status, body, response.statusText));
  }
  return response.blob();
}
