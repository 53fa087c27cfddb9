/** Group sessions and sweeps as the planner and the nurse use them (issue 9): API calls and labels. */
import { request } from '../shared/api.js';

export const PLANNER_ROLES: readonly string[] = ['jgz-planner'];
export const SWEEP_ROLES: readonly string[] = ['jgz-planner', 'jgz-admin'];

export interface DueVaccine {
  vaccineType: string;
  status: 'due' | 'given' | 'too-early' | 'not-due';
  earliest: string | null;
}
export type Advice = 'vaccinate' | 'desk' | 'nothing-due' | 'done' | 'not-vaccinated';
export interface Member {
  clientId: string;
  name: string;
  birthDate: string;
  bsn: string | null;
  age: number;
  decision: 'toestemming' | 'geen-toestemming';
  missing: string[];
  due: DueVaccine[];
  advice: Advice;
  requests: { issued: number; answered: number; lastIssuedOn: string | null; lastKind: string | null };
  nonResponder: boolean;
  checkedInAt: string | null;
  notVaccinated: { reason: string; note: string | null } | null;
  custodians: Array<{ id: string; name: string; phone: string | null }>;
}
export interface Session {
  id: string;
  name: string;
  location: string;
  contact: string;
  dates: string[];
  vaccines: Array<{ vaccineType: string; name: string; batchNumber: string }>;
  cohort: { birthFrom: string; birthTo: string; municipalityCodes: string[]; onlyDue: boolean };
  memberCount: number;
}
export interface SessionDetail extends Session {
  day: string;
  members: Member[];
}
export interface CardLookup {
  code: string;
  kind: string;
  answeredAt: string | null;
  client: { id: string; name: string; birthDate: string };
  recipient: { personId: string; name: string; role: string };
  decision: string;
  whoMayConsent: Array<{ personId: string; name: string; sources: string[] }>;
}
export interface LetterResult {
  letters: number;
  youth?: number;
  fileName: string;
  pdfBase64: string;
}
export interface SweepRun {
  id: string;
  kind: string;
  referenceDate: string;
  trigger: string;
  memberCount: number;
  members?: Array<{
    clientId: string;
    name: string;
    birthDate: string;
    missing: string[];
    birthday?: string;
    decisionThen?: string;
  }>;
}

export const listSessions = (signal?: AbortSignal) =>
  request<{ items: Session[] }>('api/group-sessions', { signal });
export const getSession = (id: string, signal?: AbortSignal) =>
  request<SessionDetail>(`api/group-sessions/${encodeURIComponent(id)}`, { signal });
export const createSession = (body: unknown) =>
  request<Session>('api/group-sessions', { method: 'POST', body });
export const makeLetters = (id: string, kind: 'request' | 'reminder' | 'confirmation') =>
  request<LetterResult>(`api/group-sessions/${encodeURIComponent(id)}/letters`, {
    method: 'POST',
    body: { kind },
  });
export const lookupCard = (code: string) =>
  request<CardLookup>(`api/consent-cards/${encodeURIComponent(code.trim())}`);
export const answerCard = (code: string, body: unknown) =>
  request<{ registered: number; decision: string }>(
    `api/consent-cards/${encodeURIComponent(code.trim())}/answers`,
    {
      method: 'POST',
      body,
    },
  );
export const findForCheckIn = (id: string, query: { code?: string; search?: string }) =>
  request<{ day: string; items: Member[] }>(`api/group-sessions/${encodeURIComponent(id)}/check-in`, {
    query,
  });
export const checkIn = (id: string, clientId: string, body: unknown) =>
  request<Member>(`api/group-sessions/${id}/members/${clientId}/check-in`, { method: 'POST', body });
export const phoneConsent = (id: string, clientId: string, body: unknown) =>
  request<{ decision: string }>(`api/group-sessions/${id}/members/${clientId}/phone-consent`, {
    method: 'POST',
    body,
  });
export const registerConsent = (clientId: string, body: unknown) =>
  request<unknown>(`api/clients/${clientId}/consent-records`, { method: 'POST', body });
export const vaccinate = (id: string, clientIds: string[]) =>
  request<{ items: Array<{ clientId: string; outcome: string; reason: string | null }> }>(
    `api/group-sessions/${id}/vaccinations`,
    { method: 'POST', body: { clientIds } },
  );
export const listSweeps = (signal?: AbortSignal) => request<{ items: SweepRun[] }>('api/sweeps', { signal });
export const runSweep = (body: unknown) => request<SweepRun>('api/sweeps', { method: 'POST', body });
export const sweepLetters = (id: string, contact: string) =>
  request<LetterResult>(`api/sweeps/${id}/letters`, { method: 'POST', body: { contact } });

/** A link target for the PDF the API returned (base64 in JSON). */
export function pdfUrl(result: LetterResult): string {
  const bytes = Uint8Array.from(atob(result.pdfBase64), (c) => c.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
}

export const ADVICE_LABELS: Record<Advice, string> = {
  vaccinate: 'Vaccineren',
  desk: 'Eerst naar het toestemmingsloket',
  'nothing-due': 'Niets te geven vandaag',
  done: 'Al gevaccineerd',
  'not-vaccinated': 'Niet vaccineren (reden geregistreerd)',
};
export const DUE_LABELS: Record<DueVaccine['status'], string> = {
  due: 'te geven',
  given: 'gegeven',
  'too-early': 'nog te vroeg',
  'not-due': 'niet nodig',
};
export const MISSING_LABELS: Record<string, string> = {
  custodians: 'gezaghebbende(n)',
  'other-custodian': 'andere gezaghebbende',
  'custodians-unknown': 'geen gezaghebbende bekend',
  youth: 'jeugdige zelf',
  'legal-representative': 'wettelijk vertegenwoordiger',
};
export const SWEEP_LABELS: Record<string, string> = {
  'turned-12': '12 jaar geworden',
  'turning-16': 'Wordt binnenkort 16 (besluit wijzigt)',
  'no-consent': 'Geen toestemming geregistreerd',
  'non-responders': 'Geen reactie op een brief',
};
export const NOT_VACCINATED_LABELS: Record<string, string> = {
  refused: 'Weigert',
  unwell: 'Ziek / niet fit',
  contraindication: 'Contra-indicatie',
  absent: 'Afwezig',
  other: 'Anders',
};

export const decisionLabel = (d: string): string =>
  d === 'toestemming' ? 'Toestemming' : 'Geen toestemming';
export const missingText = (missing: string[]): string =>
  missing.length === 0 ? 'compleet' : `ontbreekt: ${missing.map((m) => MISSING_LABELS[m] ?? m).join(', ')}`;
