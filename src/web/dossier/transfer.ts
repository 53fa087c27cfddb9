/** Dossier transfer (R-V8) and registration form (R-V6) API for the dossier front end. */
import { request } from '../shared/api.js';

export interface Organisation {
  ura: string;
  name: string;
}
export interface Transfer {
  id: string;
  direction: 'incoming' | 'outgoing';
  fromUra: string;
  fromName: string | null;
  toUra: string;
  toName: string | null;
  transferDate: string;
  state: 'offered' | 'accepted' | 'withdrawn';
  consentDecision: 'toestemming' | 'geen-toestemming';
  client: {
    givenName: string;
    prefix: string | null;
    familyName: string;
    birthDate: string;
    bsn: string | null;
  };
  counts: { activities: number; vaccinations: number; consentRecords: number };
  fromClientId: string | null;
  toClientId: string | null;
}
export const TRANSFER_ROLES = ['jgz-professional', 'jgz-admin'];

export function listOrganisations(signal?: AbortSignal): Promise<{ items: Organisation[] }> {
  return request('api/organisations', { signal });
}
export function listTransfers(signal?: AbortSignal): Promise<{ items: Transfer[] }> {
  return request('api/transfers', { signal });
}
export function offerTransfer(clientId: string, toUra: string): Promise<Transfer> {
  return request(`api/clients/${encodeURIComponent(clientId)}/transfer`, { method: 'POST', body: { toUra } });
}
export function acceptTransfer(id: string): Promise<{ transfer: Transfer; clientId: string }> {
  return request(`api/transfers/${encodeURIComponent(id)}/accept`, { method: 'POST' });
}
export function withdrawTransfer(id: string): Promise<Transfer> {
  return request(`api/transfers/${encodeURIComponent(id)}/withdraw`, { method: 'POST' });
}
/** A vaccination given elsewhere, told to or by this organisation (R-V9). */
export interface Notification {
  id: string;
  direction: 'incoming' | 'outgoing';
  fromUra: string;
  toUra: string;
  state: 'delivered' | 'unmatched';
  activityDate: string;
  vaccineTypes: string[];
  youth: { bsn: string | null; birthDate: string; familyName: string };
  toClientId: string | null;
  linkedBy: string | null;
  createdAt: string;
}
export function listNotifications(signal?: AbortSignal): Promise<{ items: Notification[] }> {
  return request('api/third-party-notifications', { signal });
}
export function linkNotification(id: string, clientId: string): Promise<{ toClientId: string }> {
  return request(`api/third-party-notifications/${encodeURIComponent(id)}/link`, {
    method: 'POST',
    body: { clientId },
  });
}
export function submitRegistrationForm(
  clientId: string,
  body: { activityPk: string; personalised: boolean },
): Promise<{ outcome: string; reason: string | null; kind: 'personalised' | 'anonymous' }> {
  return request(`api/clients/${encodeURIComponent(clientId)}/registration-form`, { method: 'POST', body });
}
/** Dutch text for the registry's answer to a registration form. */
export function formOutcomeText(outcome: string): string {
  const texts: Record<string, string> = {
    matched: 'Verwerkt in het register en gekoppeld aan de persoon.',
    unmatched: 'Ontvangen; het register koppelt het formulier nog aan een persoon (werklijst).',
    anonymous: 'Zonder persoonsgegevens verwerkt in het register.',
    duplicate: 'Dit formulier was al ontvangen.',
    stale: 'Het register heeft al een nieuwere versie.',
    refused: 'Geweigerd door het register.',
  };
  return texts[outcome] ?? outcome;
}
