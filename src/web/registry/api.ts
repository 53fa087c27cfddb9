/** The registry service's API as the front end uses it. */
import { request, type ListResponse } from '../shared/api.js';

export interface MunicipalityPopulation {
  /** CBS municipality code, e.g. "0344". */
  code: string;
  name: string;
  persons: number;
  youth: number;
}

export interface PopulationByMunicipality {
  items: MunicipalityPopulation[];
  totals: { persons: number; youth: number; municipalities: number };
}

export function getPopulationByMunicipality(signal?: AbortSignal): Promise<PopulationByMunicipality> {
  return request('api/population/municipalities', { signal });
}

/** A personalised message held because the registry does not know the BSN (R-V5). */
export interface HeldMessage {
  id: string;
  organisationUra: string;
  activityId: string;
  version: number;
  reasonCode: string;
  reason: string;
  receivedAt: string;
}

/** A message the registry refused (kept without the message itself). */
export interface RefusedMessage {
  organisationUra: string | null;
  activityId: string | null;
  rule: string;
  reason: string;
  receivedAt: string;
}

export interface IntakeWorklist {
  held: HeldMessage[];
  refused: RefusedMessage[];
}

/** Roles that see the intake worklist (the service checks it again). */
export const WORKLIST_ROLES: readonly string[] = ['registry-staff', 'registry-analyst'];

export function getIntakeWorklist(signal?: AbortSignal): Promise<IntakeWorklist> {
  return request('api/intake/worklist', { signal });
}

// Persons: search by BSN, schedule (validity and forecast), citizen requests -------------------------

/** Roles that look up persons and see invitation runs (the service checks it again). */
export const STAFF_ROLES: readonly string[] = ['registry-staff', 'registry-analyst'];
/** Only registry staff start an invitation run (the analyst only looks). */
export const RUN_START_ROLES: readonly string[] = ['registry-staff'];

export interface PersonSummary {
  id: string;
  givenName: string;
  namePrefix: string | null;
  familyName: string;
  birthDate: string;
  municipality: { code: string; name: string | null } | null;
}

export function findPersons(bsn: string, signal?: AbortSignal): Promise<ListResponse<PersonSummary>> {
  return request('api/persons', { query: { bsn }, signal });
}

export type ValidityStatus = 'Valid' | 'Not Valid' | 'Extraneous' | 'Sub-standard' | 'Not evaluated';

export interface AssessedDose {
  vaccinationId: string;
  organisationUra: string;
  activityId: string;
  activityDate: string;
  vaccineType: string;
  date: string;
  validity: { status: ValidityStatus; reason: string | null };
  groups: { vaccineGroup: string; status: ValidityStatus; reason: string | null }[];
}

export type ForecastStatus =
  'upcoming' | 'due' | 'overdue' | 'complete' | 'immune' | 'aged-out' | 'not-recommended' | 'contraindicated';

export interface GroupForecast {
  vaccineGroup: string;
  seriesStatus: string;
  status: ForecastStatus;
  doseNumber: number | null;
  earliest: string | null;
  recommended: string | null;
  pastDue: string | null;
  latest: string | null;
  vaccines: { code: string; name: string }[];
}

export interface PersonSchedule {
  person: { id: string; birthDate: string };
  schedule: string;
  assessmentDate: string;
  birthDate: string;
  maternalPertussis: 'yes' | 'no' | 'unknown';
  doses: AssessedDose[];
  vaccineGroups: GroupForecast[];
}

const personPath = (id: string): string => `api/persons/${encodeURIComponent(id)}`;

export function getPersonSchedule(id: string, on: string | undefined, signal?: AbortSignal) {
  return request<PersonSchedule>(`${personPath(id)}/schedule`, { query: { on }, signal });
}

export interface CitizenRequests {
  personId: string;
  unlinked: { requestedAt: string; registeredBy: string } | null;
  noConsentNotice: Record<string, unknown> | null;
  certificates: { verificationId: string; issuedOn: string; requester: 'self' | 'custodian' }[];
}

export function getCitizenRequests(id: string, signal?: AbortSignal): Promise<CitizenRequests> {
  return request(`${personPath(id)}/citizen-requests`, { signal });
}

// Invitation runs and letters (R-R4) --------------------------------------------------------------

export type RunKind = 'invitation' | 'reminder' | 'group-session';

export interface InvitationRun {
  id: string;
  kind: RunKind;
  from: string;
  to: string;
  sessionDate: string | null;
  organisationUra: string | null;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  personsSeen: number;
  invitations: number;
  letters: number;
}

export interface NewRun {
  kind: RunKind;
  from: string;
  to: string;
  sessionDate?: string;
  organisationUra?: string;
}

export interface InvitationLetter {
  id: string;
  kind: string;
  withCertificate: boolean;
  organisationUra: string | null;
  personId: string;
  name: string;
  birthDate: string;
  invitations: { vaccineGroup: string; doseNumber: number; dueDate: string; description: string }[];
}

export function listRuns(signal?: AbortSignal): Promise<ListResponse<InvitationRun>> {
  return request('api/invitation-runs', { signal });
}

export function startRun(body: NewRun): Promise<InvitationRun> {
  return request('api/invitation-runs', { method: 'POST', body });
}

export function listLetters(runId: string, signal?: AbortSignal): Promise<ListResponse<InvitationLetter>> {
  return request(`api/invitation-runs/${encodeURIComponent(runId)}/letters`, {
    query: { limit: 1000 },
    signal,
  });
}

/** The letter as PDF (relative, like every API path). */
export const letterPdfUrl = (id: string): string => `api/invitation-letters/${encodeURIComponent(id)}/pdf`;
