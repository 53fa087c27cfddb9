/** The registry's campaign API as the staff screen uses it (docs/campaigns.md). */
import { request } from '../shared/api.js';

export interface CampaignSummary {
  id: string;
  name: string;
  description: string;
  referenceDate: string;
  minAge: number;
  maxAge: number | null;
  comparisonShare: number;
  invitingOrganisation: string;
  selectedAt: string | null;
}

export interface CampaignSlot {
  id: string;
  locationId: string;
  location: string;
  address: string;
  date: string;
  time: string;
  capacity: number;
  booked: number;
}

export interface Uptake {
  groups: Array<{ group: 'appointment' | 'plain'; invited: number; attended: number; uptake: number | null }>;
  difference: number | null;
  appointments: { booked: number; moved: number; cancelled: number };
  reminders: number;
}

export const listCampaigns = (signal?: AbortSignal) =>
  request<{ items: CampaignSummary[] }>('api/campaigns', signal ? { signal } : {}).then((r) => r.items);
export const getCampaign = (id: string, signal?: AbortSignal) =>
  request<CampaignSummary & { slots: CampaignSlot[]; invitations: number }>(
    `api/campaigns/${id}`,
    signal ? { signal } : {},
  );
export const getUptake = (id: string, signal?: AbortSignal) =>
  request<Uptake>(`api/campaigns/${id}/uptake`, signal ? { signal } : {});

/** Campaign management is for registry staff only (policy `campaign.manage`, `campaign.attendance`). */
export const CAMPAIGN_MANAGE_ROLES: readonly string[] = ['registry-staff'];

export interface Inviter {
  organisationName: string;
  organisationUra: string | null;
}

export const getInviter = (signal?: AbortSignal) =>
  request<{ inviter: Inviter | null }>('api/campaign-inviter', signal ? { signal } : {}).then(
    (r) => r.inviter,
  );
export const setInviter = (organisationName: string) =>
  request<Inviter>('api/campaign-inviter', { method: 'PUT', body: { organisationName } });

export interface NewLocation {
  name: string;
  address: string;
  municipalityCode?: string;
  dates: string[];
  from: string;
  until: string;
  slotMinutes: number;
  capacityPerSlot: number;
}

export interface NewCampaign {
  name: string;
  description: string;
  referenceDate: string;
  minAge: number;
  maxAge?: number;
  municipalityCodes?: string[];
  comparisonShare: number;
  reminderDaysBefore: number;
  locations: NewLocation[];
}

export const createCampaign = (body: NewCampaign) =>
  request<CampaignSummary>('api/campaigns', { method: 'POST', body });

export interface SelectionResult {
  eligible: number;
  appointments: number;
  plain: number;
  withoutRoom: number;
}

export const startInvitation = (id: string) =>
  request<SelectionResult>(`api/campaigns/${id}/invitations`, { method: 'POST' });
export const sendReminders = (id: string) =>
  request<{ reminders: number }>(`api/campaigns/${id}/reminders`, { method: 'POST' });

export interface InvitationRow {
  invitationId: string;
  name: string;
  bsn: string | null;
  birthDate: string;
  group: 'appointment' | 'plain';
  appointment: { location: string; date: string; time: string } | null;
  attended: boolean;
}

export const findInvitations = (id: string, search: string, signal?: AbortSignal) =>
  request<{ items: InvitationRow[] }>(`api/campaigns/${id}/invitations`, {
    query: { search },
    ...(signal ? { signal } : {}),
  }).then((r) => r.items);
export const recordAttendance = (
  id: string,
  body: { invitationId?: string; bsn?: string; locationId: string; date: string },
) =>
  request<{ invitationId: string; group: 'appointment' | 'plain' }>(`api/campaigns/${id}/attendance`, {
    method: 'POST',
    body,
  });

/** What a handheld scanner types from the letter's Code 128 barcode: the invitation id (a UUID). */
export const isInvitationBarcode = (text: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text.trim());

/** `count` consecutive dates from `first` (YYYY-MM-DD), as the campaign form asks for opening days. */
export function consecutiveDates(first: string, count: number): string[] {
  const start = new Date(`${first}T12:00:00Z`);
  if (Number.isNaN(start.getTime()) || count < 1) return [];
  return Array.from({ length: count }, (_, i) =>
    new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10),
  );
}

/** Today in the Netherlands (YYYY-MM-DD), the date attendance is recorded on. */
export const todayInNl = (): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());

/** Locations of a campaign from its slots, in order of first appearance. */
export function locationsOf(slots: CampaignSlot[]): Array<{ id: string; name: string; address: string }> {
  const seen = new Map<string, { id: string; name: string; address: string }>();
  for (const s of slots)
    if (!seen.has(s.locationId))
      seen.set(s.locationId, { id: s.locationId, name: s.location, address: s.address });
  return [...seen.values()];
}

export const groupLabel = (group: 'appointment' | 'plain'): string =>
  group === 'appointment' ? 'Met afspraak in de uitnodiging' : 'Gewone uitnodiging (vergelijkingsgroep)';

/** 0.4567 → "45,7%"; null → "–". */
export const percentage = (value: number | null): string =>
  value === null ? '–' : `${(value * 100).toLocaleString('nl-NL', { maximumFractionDigits: 1 })}%`;

/** Slots per location and day: booked of capacity, summed. */
export function occupancy(
  slots: CampaignSlot[],
): Array<{ location: string; date: string; booked: number; capacity: number }> {
  const rows = new Map<string, { location: string; date: string; booked: number; capacity: number }>();
  for (const s of slots) {
    const key = `${s.location}|${s.date}`;
    const row = rows.get(key) ?? { location: s.location, date: s.date, booked: 0, capacity: 0 };
    row.booked += s.booked;
    row.capacity += s.capacity;
    rows.set(key, row);
  }
  return [...rows.values()];
}
