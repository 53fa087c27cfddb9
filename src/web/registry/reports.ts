/** Report API calls (R-R7, SPEC §9) and pure helpers for the reports page. */
import { apiUrl, request, type ListResponse } from '../shared/api.js';
import type { CoverageCell, CoverageIndicatorInfo } from './coverage.js';

export interface VaccinationCountRow {
  organisationUra: string;
  organisationName: string;
  municipalityCode: string | null;
  municipalityName: string | null;
  vaccineType: string;
  vaccine: string;
  valid: number;
  notValid: number;
  /** null: withheld below the threshold. */
  anonymous: number | null;
}

export interface BudgetRow {
  municipalityCode: string;
  municipalityName: string;
  year: number;
  budget: number;
  pricePerVaccination: number;
  validVaccinations: number;
  needed: number;
  toEqualisationReserve: number;
}

export interface LossRow {
  vaccineType: string;
  openingStock: number;
  delivered: number;
  closingStock: number;
  administrativeUse: number;
  accountedUse: number;
  loss: number;
  knownLoss: number;
  unknownLoss: number;
  lossPercent: number | null;
  flagged: boolean;
  negative: boolean;
  explanation: string | null;
}

export interface AprilReport {
  year: number;
  municipality: { code: string; name: string; organisationUra: string | null };
  coverage: CoverageCell[];
  indicators: CoverageIndicatorInfo[];
  loss: { vaccines: LossRow[]; total: Omit<LossRow, 'vaccineType' | 'explanation'> } | null;
  explanation: string | null;
  budget: BudgetRow | null;
}

export interface ConsultationItem {
  id: string;
  kind: 'coverage-drop' | 'loss-above-1pct' | string;
  municipalityCode: string | null;
  organisationUra: string | null;
  subject: string;
  period: string;
  details: Record<string, unknown>;
  status: string;
  openedAt: string;
}

/** Roles that see national and organisation reports (the service checks it again). */
export const NATIONAL_ROLES: readonly string[] = ['registry-staff', 'registry-analyst'];
/** Only registry staff register explanations and open signals. */
export const REPORT_MANAGE_ROLES: readonly string[] = ['registry-staff'];

type Format = 'json' | 'csv' | 'pdf';

export const reportDownload = (
  path: string,
  query: Record<string, string | number>,
  format: Format,
): string => apiUrl(`api/reports/${path}`, { ...query, format });

export const getFebruary = (year: number, signal?: AbortSignal) =>
  request<{ year: number; rows: VaccinationCountRow[] }>('api/reports/february', { query: { year }, signal });

export const getHalfYear = (year: number, half: 1 | 2, signal?: AbortSignal) =>
  request<{ from: string; to: string; rows: VaccinationCountRow[] }>('api/reports/half-year', {
    query: { year, half },
    signal,
  });

export const getJuly = (year: number, signal?: AbortSignal) =>
  request<{ referenceDate: string; indicators: CoverageIndicatorInfo[]; cells: CoverageCell[] }>(
    'api/reports/july',
    { query: { year }, signal },
  );

export const getApril = (year: number, municipality: string, signal?: AbortSignal) =>
  request<AprilReport>('api/reports/april', { query: { year, municipality }, signal });

export const getBudget = (year: number, signal?: AbortSignal) =>
  request<{ year: number; rows: BudgetRow[] }>('api/reports/budget', { query: { year }, signal });

export const putExplanation = (ura: string, year: number, text: string) =>
  request<{ organisationUra: string; year: number; text: string }>(
    `api/reports/explanations/${encodeURIComponent(ura)}/${year}`,
    { method: 'PUT', body: { text } },
  );

export const listConsultations = (signal?: AbortSignal) =>
  request<ListResponse<ConsultationItem>>('api/consultations', { signal });

export const openSignals = (body: { referenceDate: string; thresholdPoints: number }) =>
  request<{ opened: number; signals: unknown[] }>('api/reports/coverage-signals', { method: 'POST', body });

export function formatEuro(value: number): string {
  return value.toLocaleString('nl-NL', { style: 'currency', currency: 'EUR' });
}

/** Totals of valid, not valid and anonymous vaccinations per organisation (the half-year summary). */
export function totalsPerOrganisation(rows: readonly VaccinationCountRow[]) {
  const map = new Map<
    string,
    { ura: string; name: string; valid: number; notValid: number; anonymous: number }
  >();
  for (const r of rows) {
    const cur = map.get(r.organisationUra) ?? {
      ura: r.organisationUra,
      name: r.organisationName,
      valid: 0,
      notValid: 0,
      anonymous: 0,
    };
    cur.valid += r.valid;
    cur.notValid += r.notValid;
    cur.anonymous += r.anonymous ?? 0;
    map.set(r.organisationUra, cur);
  }
  return [...map.values()].sort((a, b) => a.name.localeCompare(b.name, 'nl'));
}

export const CONSULTATION_KIND: Record<string, string> = {
  'coverage-drop': 'Dalende vaccinatiegraad',
  'loss-above-1pct': 'Vaccinverlies boven 1%',
};
