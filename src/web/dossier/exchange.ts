/**
 * The exchange with the registry as the dossier's planner and admin see it (R-V5): run the nightly
 * delivery now and the worklist of messages the registry refused or held or that could not be
 * delivered yet; and the audit trail of one client for the admin (R-C8). API calls, types and pure
 * helpers.
 */
import { request } from '../shared/api.js';

/** Roles that may start the delivery and look after the worklist (the service checks it again). */
export const EXCHANGE_ROLES: readonly string[] = ['jgz-admin', 'jgz-planner'];
/** The role that sees who looked at a dossier (the organisation's privacy officer). */
export const AUDIT_ROLE = 'jgz-admin';
/** The role that records and changes vaccinations. */
export const PROFESSIONAL_ROLE = 'jgz-professional';

export interface ExchangeRunResult {
  attempted: number;
  sent: number;
  held: number;
  refused: number;
  failed: number;
  personalised: number;
  anonymous: number;
}

export interface WorklistItem {
  clientId: string;
  activityId: string;
  version: number;
  /** `undelivered`: still queued after a failed delivery; it is offered again at `nextAttemptAt`. */
  state: 'refused' | 'held' | 'undelivered' | string;
  registryReason: string | null;
  sentAt: string | null;
  attempts: number;
  deliveryError: string | null;
  nextAttemptAt: string | null;
}

export interface AuditEntry {
  at: string;
  actorId: string;
  actorName: string | null;
  action: string;
  requestId: string | null;
}

export function runExchange(): Promise<ExchangeRunResult> {
  return request('api/exchange/run', { method: 'POST' });
}

export function getExchangeWorklist(signal?: AbortSignal): Promise<{ items: WorklistItem[] }> {
  return request('api/exchange/worklist', { signal });
}

export function getAudit(clientId: string, signal?: AbortSignal): Promise<{ items: AuditEntry[] }> {
  return request(`api/clients/${encodeURIComponent(clientId)}/audit`, { signal });
}

export interface Count {
  key: keyof ExchangeRunResult;
  label: string;
  value: number;
}

const runLabels: [keyof ExchangeRunResult, string][] = [
  ['attempted', 'Aangeboden'],
  ['sent', 'Verstuurd'],
  ['personalised', 'Met persoonsgegevens (bericht 4)'],
  ['anonymous', 'Zonder persoonsgegevens (bericht 4a)'],
  ['held', 'Op werklijst register'],
  ['refused', 'Geweigerd'],
  ['failed', 'Mislukt (nieuwe poging volgt)'],
];

/** The counts of a delivery run, labelled, in reading order. */
export function runCounts(result: ExchangeRunResult): Count[] {
  return runLabels.map(([key, label]) => ({ key, label, value: result[key] }));
}

/** One sentence for the screen reader and the status line. */
export function runSummary(result: ExchangeRunResult): string {
  if (result.attempted === 0) return 'Er stonden geen berichten klaar: er is niets verstuurd.';
  const parts = [`${result.sent} van ${result.attempted} verstuurd`];
  if (result.held > 0) parts.push(`${result.held} op de werklijst van het register`);
  if (result.refused > 0) parts.push(`${result.refused} geweigerd`);
  if (result.failed > 0) parts.push(`${result.failed} mislukt; die worden later opnieuw aangeboden`);
  return `${parts.join(', ')}.`;
}

export function worklistStateLabel(state: string): string {
  return state === 'refused'
    ? 'Geweigerd door het register'
    : state === 'held'
      ? 'Op werklijst register'
      : state === 'undelivered'
        ? 'Nog niet afgeleverd'
        : state;
}

/**
 * The sender's delivery error (kept in English for the log) as the operator reads it: a refusal of
 * the whole batch with the registry's own (Dutch) reason, a registry failure, or no connection;
 * anything else is shown as written.
 */
export function deliveryErrorText(error: string): string {
  const answered = /^registry answered (\d{3})(?::\s*([\s\S]+))?$/.exec(error);
  if (answered) {
    const status = Number(answered[1]);
    const detail = answered[2]?.trim();
    if (status >= 500) return `Storing bij het register (HTTP ${status}).`;
    return `Het register weigerde de hele zending (HTTP ${status})${detail ? `: ${detail}` : '.'}`;
  }
  if (error.startsWith('registry answered')) return 'Het register gaf een onbruikbaar antwoord.';
  // undici's words for no connection or no answer in time.
  if (/fetch failed|abort|timeout|ECONN|ENOTFOUND|socket/i.test(error)) {
    return `Het register was niet bereikbaar (${error}).`;
  }
  return error; // already the operator's words, e.g. a registration form that could not be built
}

const auditActions: Record<string, string> = {
  'client.read': 'Dossier geopend',
  'client.list': 'In de cliëntenlijst getoond',
  'consent.read': 'Toestemming bekeken',
  'consent.history.read': 'Geschiedenis van de toestemming bekeken',
  'consent.register': 'Toestemming geregistreerd',
  'competence.register': 'Wilsbekwaamheid beoordeeld',
  'vaccination.read': 'Vaccinaties bekeken',
  'vaccination.record': 'Vaccinatie geregistreerd',
  'vaccination.correct': 'Vaccinatie gecorrigeerd',
  'vaccination.cancel': 'Vaccinatie geannuleerd',
  'vaccination-status.query': 'Vaccinatiestatus opgevraagd bij het register',
  'audit.read': 'Auditspoor bekeken',
};

export function auditActionLabel(action: string): string {
  return auditActions[action] ?? action;
}

/** True for an action that changed something (shown in bold), false for a read. */
export function isWriteAction(action: string): boolean {
  return /\.(register|record|correct|cancel)$/.test(action);
}

export interface AuditActor {
  actorId: string;
  name: string;
  count: number;
  /** The most recent moment (ISO). */
  last: string;
}

/** Who looked at the dossier: one line per person, most recent first. */
export function auditActors(entries: readonly AuditEntry[]): AuditActor[] {
  const byActor = new Map<string, AuditActor>();
  for (const entry of entries) {
    const actor = byActor.get(entry.actorId);
    if (actor) {
      actor.count += 1;
      if (entry.at > actor.last) actor.last = entry.at;
    } else {
      byActor.set(entry.actorId, {
        actorId: entry.actorId,
        name: entry.actorName ?? entry.actorId,
        count: 1,
        last: entry.at,
      });
    }
  }
  return [...byActor.values()].sort((a, b) => b.last.localeCompare(a.last));
}
