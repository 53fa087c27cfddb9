/** Supply API calls (SPEC §8) for the registry's supply page. */
import { request, type ListResponse } from '../shared/api.js';
import type { LossRow } from './reports.js';

export interface FridgeStock {
  fridgeId: string;
  fridgeName: string;
  locationId: string;
  locationName: string;
  organisationUra: string;
  items: { vaccineType: string; batchNumber: string; usable: number; quarantined: number }[];
}

export interface Delivery {
  id: string;
  fridgeId: string;
  deliveredOn: string;
  confirmBefore: string;
  lines: {
    id: string;
    vaccineType: string;
    batchNumber: string;
    quantity: number;
    expiryDate: string | null;
    confirmedQuantity: number | null;
    receivedBatchNumber: string | null;
    receivedExpiryDate: string | null;
    discrepancy: number | null;
    discrepancyNote: string | null;
    late: boolean | null;
  }[];
}

export interface Discrepancy {
  deliveryId: string;
  fridgeId: string;
  deliveredOn: string;
  confirmBefore: string;
  vaccineType: string;
  batchNumber: string;
  quantity: number;
  confirmedQuantity: number | null;
  expiryDate: string | null;
  receivedBatchNumber: string | null;
  receivedExpiryDate: string | null;
  note: string | null;
  status: 'overdue' | 'awaiting' | 'reported' | 'reported-late';
}

export interface Incident {
  id: string;
  fridgeId: string;
  kind: 'cold-chain' | 'breakage' | 'expired' | 'other';
  vaccineType: string;
  batchNumber: string;
  quantity: number;
  occurredOn: string;
  description: string;
  status: 'quarantined' | 'released' | 'lost';
  decisionNote: string | null;
  minTemperature: number | null;
  maxTemperature: number | null;
  durationMinutes: number | null;
}

export interface ConfirmationLine {
  lineId: string;
  confirmedQuantity: number;
  batchNumber?: string;
  expiryDate?: string;
  note?: string;
}

export interface IncidentReport {
  fridgeId: string;
  kind: Incident['kind'];
  occurredOn: string;
  description: string;
  minTemperature?: number;
  maxTemperature?: number;
  durationMinutes?: number;
  items: { vaccineType: string; batchNumber: string; quantity: number }[];
}

export interface InventoryInput {
  fridgeId: string;
  countDate: string;
  counts: { vaccineType: string; counted: number }[];
}

export interface InventoryResult {
  fridgeId: string;
  countDate: string;
  saved: boolean;
  counts: {
    vaccineType: string;
    counted: number;
    expected: number;
    difference: number;
    plausible: boolean;
    reason: 'ok' | 'more-than-available' | 'deviation';
  }[];
}

export interface Recall {
  id: string;
  vaccineType: string;
  batchNumber: string;
  reason: string;
  startedAt: string;
  locations: {
    fridgeId: string;
    fridgeName: string;
    locationName: string;
    organisationUra: string;
    recalled: number;
  }[];
  recipients: {
    personId: string;
    bsn: string;
    name: string;
    birthDate: string;
    municipalityCode: string | null;
    vaccinationDate: string;
    organisationUra: string;
  }[];
  anonymousByOrganisation: { organisationUra: string; count: number }[];
}

export interface InventoryCount {
  fridgeId: string;
  countDate: string;
  vaccineType: string;
  counted: number;
  expected: number;
  plausible: boolean;
  reason: 'ok' | 'more-than-available' | 'deviation';
}

export interface OrganisationLoss {
  organisationUra: string;
  from: string;
  to: string;
  vaccines: LossRow[];
  total: Omit<LossRow, 'vaccineType' | 'explanation'>;
  consultationOpened: boolean;
}

export interface ScenarioRow {
  vaccineType: string;
  needByMonth: { month: string; need: number }[];
  totalNeed: number;
  stock: number;
  safetyStock: number;
  /** stock − need − safety: > 0 surplus that could be donated, < 0 shortfall. */
  balance: number;
  outcome: 'surplus' | 'shortfall' | 'balanced';
}

/** Registry staff manage supply; analysts only read (the service checks it again). */
export const SUPPLY_MANAGE_ROLES: readonly string[] = ['registry-staff'];

export const getStock = (signal?: AbortSignal) =>
  request<ListResponse<FridgeStock>>('api/supply/stock', { signal });
export const listDeliveries = (signal?: AbortSignal) =>
  request<ListResponse<Delivery>>('api/supply/deliveries', { signal });
export const getDiscrepancies = (signal?: AbortSignal) =>
  request<ListResponse<Discrepancy>>('api/supply/discrepancies', { signal });
export const listIncidents = (signal?: AbortSignal) =>
  request<ListResponse<Incident>>('api/supply/incidents', { signal });
export const decideIncident = (id: string, decision: 'release' | 'destroy', note: string) =>
  request<{ id: string; status: string }>(`api/supply/incidents/${encodeURIComponent(id)}/decision`, {
    method: 'POST',
    body: { decision, note },
  });
export const confirmDelivery = (id: string, lines: ConfirmationLine[]) =>
  request<Delivery>(`api/supply/deliveries/${encodeURIComponent(id)}/confirmation`, {
    method: 'POST',
    body: { lines },
  });
export const reportIncidents = (body: IncidentReport) =>
  request<{ items: { id: string; status: Incident['status']; quantity: number }[] }>(
    'api/supply/incident-reports',
    { method: 'POST', body },
  );
/** The plausibility check alone (nothing saved), so the form warns before the count is saved. */
export const checkInventory = (body: InventoryInput) =>
  request<InventoryResult>('api/supply/inventory/check', { method: 'POST', body });
export const saveInventory = (body: InventoryInput) =>
  request<InventoryResult>('api/supply/inventory', { method: 'POST', body });
export const listRecalls = (signal?: AbortSignal) =>
  request<ListResponse<Omit<Recall, 'locations' | 'recipients' | 'anonymousByOrganisation'>>>(
    'api/supply/recalls',
    {
      signal,
    },
  );
export const getRecall = (id: string, signal?: AbortSignal) =>
  request<Recall>(`api/supply/recalls/${encodeURIComponent(id)}`, { signal });
export const startRecall = (body: { vaccineType: string; batchNumber: string; reason: string }) =>
  request<Recall>('api/supply/recalls', { method: 'POST', body });
export const listInventory = (signal?: AbortSignal) =>
  request<ListResponse<InventoryCount>>('api/supply/inventory', { signal });
export const getLoss = (query: { organisationUra: string; from: string; to: string }, signal?: AbortSignal) =>
  request<OrganisationLoss>('api/supply/loss', { query, signal });
export const getScenario = (query: { months: number; uptake: number }, signal?: AbortSignal) =>
  request<ListResponse<ScenarioRow>>('api/supply/scenario', { query, signal });

export const VACCINE_NAMES: Record<string, string> = {
  '11': 'DKTP-Hib-HepB',
  '08': 'Pneumokokken',
  '04': 'BMR',
  '28': 'MenACWY',
  '09': 'HPV',
  '02': 'DTP',
  '13': 'DKT',
  '27': 'DKTP (booster)',
  '29': 'Rotavirus',
};
export const vaccineName = (code: string): string => VACCINE_NAMES[code] ?? code;

// The inventory days come from the domain rule itself (pure, no I/O), so page and service agree.
export { inventoryDays } from '../../domain/supply/calendar.js';
export { lineDiscrepancy, STORAGE_RANGE } from '../../domain/supply/forms.js';

export const PLAUSIBILITY_REASON: Record<InventoryResult['counts'][number]['reason'], string> = {
  ok: 'plausibel',
  'more-than-available': 'meer geteld dan er beschikbaar was',
  deviation: 'wijkt meer dan 5 doses of 10% af van de verwachte voorraad',
};

export const INCIDENT_KIND: Record<Incident['kind'], string> = {
  'cold-chain': 'Koudeketen',
  breakage: 'Breuk',
  expired: 'Verlopen',
  other: 'Anders',
};
export const INCIDENT_STATUS: Record<Incident['status'], string> = {
  quarantined: 'In quarantaine (besluit RIVM nodig)',
  released: 'Vrijgegeven',
  lost: 'Vernietigd (bekend verlies)',
};
export const DISCREPANCY_STATUS: Record<Discrepancy['status'], string> = {
  overdue: 'Niet bevestigd, termijn verstreken',
  awaiting: 'Wacht op bevestiging',
  reported: 'Afwijking gemeld',
  'reported-late': 'Afwijking te laat gemeld',
};
